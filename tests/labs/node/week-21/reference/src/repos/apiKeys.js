'use strict';
// API keys: 256 random bits, shown once; the database keeps only their SHA-256. A rotated
// key keeps working for GRACE_S (expires_at), a revoked one stops at once (revoked_at).
// Times are the app's clock (new Date()), never the database's now(): one clock decides.
const crypto = require('node:crypto');
const db = require('../db');

const GRACE_S = 60 * 60;
const PUBLIC_COLUMNS = 'id, name, created_at, expires_at';

const digest = (key) => crypto.createHash('sha256').update(key).digest('hex');
const newKey = () => `shk_${crypto.randomBytes(32).toString('base64url')}`;

async function create(memberId, name, client = db) {
  const key = newKey();
  const { rows } = await client.query(
    `INSERT INTO api_keys (member_id, name, key_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING ${PUBLIC_COLUMNS}`,
    [memberId, name, digest(key), new Date()],
  );
  return { ...rows[0], key };
}

/** A new key in place of `id`; the old one ends GRACE_S from now. null: no such live key. */
function rotate(memberId, id) {
  return db.transaction(async (client) => {
    const now = new Date();
    const old = await client.query(
      `UPDATE api_keys SET expires_at = $3
        WHERE id = $1 AND member_id = $2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $4)
        RETURNING name, expires_at`,
      [id, memberId, new Date(now.getTime() + GRACE_S * 1000), now],
    );
    if (old.rowCount === 0) return null;
    const created = await create(memberId, old.rows[0].name, client);
    return { ...created, replaces: String(id), old_key_expires_at: old.rows[0].expires_at };
  });
}

async function revoke(memberId, id) {
  const { rowCount } = await db.query(
    'UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND member_id = $2 AND revoked_at IS NULL',
    [id, memberId, new Date()],
  );
  return rowCount > 0;
}

async function list(memberId) {
  const { rows } = await db.query(
    `SELECT ${PUBLIC_COLUMNS} FROM api_keys WHERE member_id = $1 AND revoked_at IS NULL
       AND (expires_at IS NULL OR expires_at > $2) ORDER BY id`,
    [memberId, new Date()],
  );
  return rows;
}

/** The caller {id, role} of a live key, or null. */
async function authenticate(key) {
  if (typeof key !== 'string' || key.length > 200) return null;
  const { rows } = await db.query(
    `SELECT m.id::text AS id, m.role FROM api_keys k JOIN members m ON m.id = k.member_id
      WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2)`,
    [digest(key), new Date()],
  );
  return rows[0] ? { id: rows[0].id, role: rows[0].role === 'admin' ? 'admin' : 'member' } : null;
}

module.exports = { GRACE_S, create, rotate, revoke, list, authenticate };
