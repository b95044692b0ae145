// stdin {recipientPublicKeyHex, plaintextBase64} -> {payload}
// ephemeralPublicKeyHex:ivHex:tagHex:ciphertextHex, as the original processor wrote it.
'use strict';
const crypto = require('crypto');
const { readInput, reply } = require('./p256');

const input = readInput();
const ephemeral = crypto.createECDH('prime256v1');
ephemeral.generateKeys();
const key = crypto.createHash('sha256')
  .update(ephemeral.computeSecret(Buffer.from(input.recipientPublicKeyHex, 'hex')))
  .digest();
const iv = crypto.randomBytes(12);
const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
const ciphertext = Buffer.concat([cipher.update(Buffer.from(input.plaintextBase64, 'base64')), cipher.final()]);
reply({
  payload: [ephemeral.getPublicKey('hex', 'uncompressed'), iv.toString('hex'),
    cipher.getAuthTag().toString('hex'), ciphertext.toString('hex')].join(':'),
});
