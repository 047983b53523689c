'use strict';
// Password hashing (README, task 2). The npm package bcrypt is installed.
//
// TODO: weakness(password) -> a reason string when the password is not acceptable
//   (not a string, fewer than 12 characters, MORE THAN 72 BYTES: bcrypt reads only the
//   first 72 bytes and node's bcrypt silently ignores the rest), else null.
//   Count bytes with Buffer.byteLength(password, 'utf8'), not characters.
// TODO: hash(password) -> bcrypt.hash(password, cost) with cost >= 10 (each hash gets a
//   random salt of its own, stored inside the hash string).
// TODO: verify(password, storedHash) -> bcrypt.compare(...). When the e-mail is unknown
//   there is no hash: compare against a dummy hash anyway, so that both failures take
//   the same time. Refuse passwords over 72 bytes here too.

function notYet() {
  throw new Error('src/auth/passwords.js is not written yet (README, task 2)');
}

module.exports = { weakness: notYet, hash: notYet, verify: notYet };
