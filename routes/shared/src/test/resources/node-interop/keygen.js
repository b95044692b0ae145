// Generates a client key pair the way a Node client would: {publicKeyHex, privateKeyHex}.
'use strict';
const crypto = require('crypto');
const { reply } = require('./p256');

const ecdh = crypto.createECDH('prime256v1');
ecdh.generateKeys();
reply({
  publicKeyHex: ecdh.getPublicKey('hex', 'uncompressed'),
  // getPrivateKey drops leading zero bytes (about 1 key in 256); the key file format is 64 hex.
  privateKeyHex: ecdh.getPrivateKey('hex').padStart(64, '0'),
});
