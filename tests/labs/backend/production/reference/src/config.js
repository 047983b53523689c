'use strict';
// Everything the process is told, read once. Nothing here may differ between two
// instances of the app: a value generated per process (a random JWT secret, say) would
// make a token from one instance worthless on the other.

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function positiveInt(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${text}`);
  return value;
}

/** The JWT secret: shared by every instance, at least 32 bytes (RFC 8725 §3.5). */
function jwtSecret() {
  const secret = required('JWT_SECRET');
  if (Buffer.byteLength(secret) < 32) throw new Error('JWT_SECRET must have at least 32 bytes');
  return secret;
}

/**
 * bcrypt's cost (log2 of its rounds): 10 unless BCRYPT_ROUNDS says otherwise (OWASP: at least
 * 10; each step doubles every login's work). The test suite sets 4, bcrypt's lowest, as
 * Laravel's phpunit.xml does: hashes it makes only have to match, not to resist anyone.
 */
function bcryptRounds() {
  const rounds = positiveInt('BCRYPT_ROUNDS', 10);
  if (rounds < 4 || rounds > 31) throw new Error(`BCRYPT_ROUNDS must be from 4 to 31 (bcrypt's range), got ${rounds}`);
  return rounds;
}

function load() {
  return {
    port: positiveInt('PORT', 3000),
    host: process.env.HOST || '127.0.0.1',
    databaseUrl: required('DATABASE_URL'),
    redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379/0',
    jwtSecret: jwtSecret(),
    // Per instance. Two instances x 5 is plenty for Shelf's short statements: a bigger
    // pool only adds connections that wait on the same two CPU cores.
    dbPoolMax: positiveInt('DB_POOL_MAX', 5),
    logLevel: process.env.LOG_LEVEL || 'info',
    cacheTtlS: positiveInt('CACHE_TTL_S', 60),
    bcryptRounds: bcryptRounds(),
  };
}

module.exports = { load, positiveInt, jwtSecret, bcryptRounds };
