// stdin {job: {field: [UTF-16 code units]}, signature} -> {valid, error?}
// The key is the job's own client field, as a processor verifies it.
'use strict';
const crypto = require('crypto');
const { publicKeyObject, jobFromCodeUnits, signedBytes, readInput, reply } = require('./p256');

const input = readInput();
const job = jobFromCodeUnits(input.job);
try {
  if (!job.client.startsWith('client-')) {
    throw new Error('client id must start with client-');
  }
  const key = publicKeyObject(job.client.slice('client-'.length));
  const valid = crypto.createVerify('sha256').update(signedBytes(job)).verify(key, input.signature, 'hex');
  reply({ valid });
} catch (e) {
  reply({ valid: false, error: e.message });
}
