'use strict';
// Accounts (members with a password) and their refresh-token families.
const crypto = require('node:crypto');
const db = require('../db');
const tokens = require('../auth/tokens');

// The public shape of a member: never the password hash.
const PUBLIC_COLUMNS = 'id, email, name, role';

/** A new member with role 'member' (the only role registration can give). */
async function register({ email, name, passwordHash }) {
  const { rows } = await db.query(
    `INSERT INTO members (email, name, password_hash, role) VALUES ($1, $2, $3, 'member')
     RETURNING ${PUBLIC_COLUMNS}`,
    [email, name, passwordHash],
  );
  return rows[0];
}

/** The member with its password hash, for login only. */
async function findForLogin(email) {
  const { rows } = await db.query(
    `SELECT ${PUBLIC_COLUMNS}, password_hash FROM members WHERE email = $1`,
    [email],
  );
  return rows[0] || null;
}

async function get(id) {
  const { rows } = await db.query(`SELECT ${PUBLIC_COLUMNS} FROM members WHERE id = $1`, [id]);
  return rows[0] || null;
}

/** A new refresh token in `familyId` (a new family when null); returns the raw token. */
async function issueRefresh(memberId, familyId, client = db) {
  const raw = tokens.newRefreshToken();
  const expiresAt = new Date(Date.now() + tokens.REFRESH_TTL_S * 1000);
  await client.query(
    `INSERT INTO refresh_tokens (member_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`,
    [memberId, familyId || crypto.randomUUID(), tokens.digest(raw), expiresAt],
  );
  return raw;
}

/**
 * Spend a refresh token: {member, token} with the next token of its family, or null.
 * A token that comes back after it was spent (or revoked) revokes its whole family:
 * either its thief or its owner holds the newer token, and we cannot tell which.
 */
function rotate(raw) {
  return db.transaction(async (client) => {
    const hash = tokens.digest(raw);
    // One statement checks and spends: two concurrent refreshes cannot both succeed.
    const spent = await client.query(
      `UPDATE refresh_tokens SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
        RETURNING member_id, family_id`,
      [hash, new Date()],
    );
    if (spent.rowCount === 0) {
      await client.query(
        `UPDATE refresh_tokens SET revoked_at = now()
          WHERE revoked_at IS NULL
            AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
        [hash],
      );
      return null;
    }
    const { member_id: memberId, family_id: familyId } = spent.rows[0];
    const member = await client.query(`SELECT ${PUBLIC_COLUMNS} FROM members WHERE id = $1`, [memberId]);
    const token = await issueRefresh(memberId, familyId, client);
    return { member: member.rows[0], token };
  });
}

/** Revoke the family of a live refresh token (logout); false when the token is not live. */
async function revokeFamily(raw) {
  const { rowCount } = await db.query(
    `UPDATE refresh_tokens SET revoked_at = now()
      WHERE revoked_at IS NULL
        AND family_id = (SELECT family_id FROM refresh_tokens
                          WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL)`,
    [tokens.digest(raw)],
  );
  return rowCount > 0;
}

module.exports = { register, findForLogin, get, issueRefresh, rotate, revokeFamily };
