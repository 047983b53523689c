'use strict';
// Password hashing with bcrypt. bcrypt reads only the first 72 bytes of its input and
// node's bcrypt drops the rest without a word, so a longer password is refused (422 at
// registration, a failed login at login) instead of being silently shortened.
const bcrypt = require('bcrypt');

// BCRYPT_ROUNDS, 10 by default (src/config.js): about 60 ms per hash here; each step more doubles it.
const COST = require('../settings').bcryptRounds;
const MIN_LENGTH = 12;
const MAX_BYTES = 72;

/** Why a new password is not acceptable, or null. */
function weakness(password) {
  if (typeof password !== 'string') return 'password must be a string';
  if ([...password].length < MIN_LENGTH) return `password must have at least ${MIN_LENGTH} characters`;
  if (Buffer.byteLength(password, 'utf8') > MAX_BYTES) return `password must have at most ${MAX_BYTES} bytes`;
  return null;
}

function hash(password) {
  return bcrypt.hash(password, COST); // a new random salt every time, stored in the hash
}

// Compared against when the e-mail is unknown, so that both failures cost the same time
// and an attacker cannot tell registered addresses by the answer's speed.
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password', COST);

/** True when password matches storedHash; a missing hash still costs one comparison. */
async function verify(password, storedHash) {
  if (typeof password !== 'string' || Buffer.byteLength(password, 'utf8') > MAX_BYTES) {
    await bcrypt.compare('x', DUMMY_HASH);
    return false;
  }
  const ok = await bcrypt.compare(password, storedHash || DUMMY_HASH);
  return ok && Boolean(storedHash);
}

module.exports = { weakness, hash, verify };
