// stdin {job: {field: [UTF-16 code units]}, privateKeyHex} -> {signedBytesHex, signature}
'use strict';
const crypto = require('crypto');
const { privateKeyObject, jobFromCodeUnits, signedBytes, readInput, reply } = require('./p256');

const input = readInput();
const bytes = signedBytes(jobFromCodeUnits(input.job));
const signature = crypto.createSign('sha256').update(bytes).sign(privateKeyObject(input.privateKeyHex), 'hex');
reply({ signedBytesHex: bytes.toString('hex'), signature });
