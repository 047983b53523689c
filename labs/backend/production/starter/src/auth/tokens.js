'use strict';
// Access tokens: short-lived JWTs (HS256, 15 minutes), verified with a pinned algorithm.
// Refresh tokens: 256 random bits, opaque; the database keeps only their SHA-256.
const crypto = require('node:crypto');
const jwt = require('jsonwebtoken');

const ACCESS_TTL_S = 15 * 60;
const REFRESH_TTL_S = 14 * 24 * 3600;
const ALGORITHM = 'HS256';

// A secret from the environment (at least 32 bytes), else a random one per process:
// tokens then end with a restart, which is fine for a lab and safe by default.
// TODO (item 8): with two instances, a secret per process means a token issued by one is
// refused by the other. Make JWT_SECRET required (set it in harness.toml [app] env) and
// refuse to start without it.
const SECRET = (() => {
  const fromEnv = process.env.JWT_SECRET;
  if (fromEnv && Buffer.byteLength(fromEnv) >= 32) return fromEnv;
  if (fromEnv) console.error('JWT_SECRET is shorter than 32 bytes: ignored, using a random secret');
  return crypto.randomBytes(32);
})();

function signAccess(member) {
  return jwt.sign({ role: member.role, typ: 'access' }, SECRET, {
    algorithm: ALGORITHM,
    subject: String(member.id),
    expiresIn: ACCESS_TTL_S,
    notBefore: 0, // nbf = iat: a token minted by a clock that runs ahead is not valid yet
  });
}

/** The caller {id, role} of a valid access token, or null for anything else. */
function verifyAccess(token) {
  try {
    const claims = jwt.verify(token, SECRET, { algorithms: [ALGORITHM] });
    if (claims.typ !== 'access' || typeof claims.sub !== 'string') return null;
    return { id: claims.sub, role: claims.role === 'admin' ? 'admin' : 'member' };
  } catch {
    return null; // expired, not yet valid, bad signature, alg none, malformed: all the same 401
  }
}

function newRefreshToken() {
  return crypto.randomBytes(32).toString('base64url');
}

function digest(refreshToken) {
  return crypto.createHash('sha256').update(refreshToken).digest('hex');
}

module.exports = { ACCESS_TTL_S, REFRESH_TTL_S, signAccess, verifyAccess, newRefreshToken, digest };
