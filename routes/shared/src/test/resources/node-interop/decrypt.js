// stdin {payload, privateKeyHex} -> {ok: true, plaintextBase64} | {ok: false, error}
'use strict';
const crypto = require('crypto');
const { readInput, reply } = require('./p256');

const input = readInput();
try {
  const [ephemeralHex, ivHex, tagHex, ciphertextHex] = input.payload.split(':');
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(input.privateKeyHex, 'hex'));
  const key = crypto.createHash('sha256').update(ecdh.computeSecret(Buffer.from(ephemeralHex, 'hex'))).digest();
  // authTagLength pins the tag to 16 bytes; without it Node accepts truncated tags.
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(ivHex, 'hex'), { authTagLength: 16 });
  decipher.setAuthTag(Buffer.from(tagHex, 'hex'));
  const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertextHex, 'hex')), decipher.final()]);
  reply({ ok: true, plaintextBase64: plaintext.toString('base64') });
} catch (e) {
  reply({ ok: false, error: e.message });
}
