'use strict';
// Defect: passwords are stored as they are and compared with ===.
const MIN_LENGTH = 12;
const MAX_BYTES = 72;

function weakness(password) {
  if (typeof password !== 'string') return 'password must be a string';
  if ([...password].length < MIN_LENGTH) return `password must have at least ${MIN_LENGTH} characters`;
  if (Buffer.byteLength(password, 'utf8') > MAX_BYTES) return `password must have at most ${MAX_BYTES} bytes`;
  return null;
}

async function hash(password) {
  return password;
}

async function verify(password, storedHash) {
  return typeof password === 'string' && Boolean(storedHash) && password === storedHash;
}

module.exports = { weakness, hash, verify };
