// Shared plumbing for the interop scripts: keys from raw hex, jobs from UTF-16 code units,
// JSON over stdin/stdout. Only Node's built-in crypto, as the original implementation used.
'use strict';
const crypto = require('crypto');
const fs = require('fs');

function b64url(buf) {
  return Buffer.from(buf).toString('base64url');
}

function publicKeyObject(publicHex) {
  const raw = Buffer.from(publicHex, 'hex');
  if (raw.length !== 65 || raw[0] !== 4) {
    throw new Error('public key must be a 65-byte uncompressed point');
  }
  return crypto.createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64url(raw.subarray(1, 33)), y: b64url(raw.subarray(33)) },
    format: 'jwk',
  });
}

function privateKeyObject(privateHex) {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(privateHex, 'hex'));
  const pub = ecdh.getPublicKey();
  return crypto.createPrivateKey({
    key: {
      kty: 'EC', crv: 'P-256',
      x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33)),
      d: b64url(Buffer.from(privateHex, 'hex')),
    },
    format: 'jwk',
  });
}

// Java sends strings as UTF-16 code units so lone surrogates survive the trip unchanged.
function jobFromCodeUnits(fields) {
  const job = {};
  for (const [name, units] of Object.entries(fields)) {
    job[name] = String.fromCharCode(...units);
  }
  return job;
}

// The signed bytes, exactly as the original design defines them.
function signedBytes(job) {
  const { id, version, created, bucket, region, file, client } = job;
  return Buffer.from(JSON.stringify({ id, version, created, bucket, region, file, client }), 'utf8');
}

function readInput() {
  return JSON.parse(fs.readFileSync(0, 'utf8'));
}

function reply(value) {
  process.stdout.write(JSON.stringify(value));
}

module.exports = { publicKeyObject, privateKeyObject, jobFromCodeUnits, signedBytes, readInput, reply };
