'use strict';
// Variant defect: an unsalted SHA-256 of the password: fast, and equal for equal passwords.
const crypto = require('node:crypto');

const MIN_LENGTH = 12;
const MAX_BYTES = 72;

function weakness(password) {
  if (typeof password !== 'string') return 'password must be a string';
  if ([...password].length < MIN_LENGTH) return `password must have at least ${MIN_LENGTH} characters`;
  if (Buffer.byteLength(password, 'utf8') > MAX_BYTES) return `password must have at most ${MAX_BYTES} bytes`;
  return null;
}

async function hash(password) {
  return crypto.createHash('sha256').update(password).digest('hex');
}

async function verify(password, storedHash) {
  if (typeof password !== 'string' || !storedHash) return false;
  return (await hash(password)) === storedHash;
}

module.exports = { weakness, hash, verify };
