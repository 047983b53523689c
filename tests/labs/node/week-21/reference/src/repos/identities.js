'use strict';
// Accounts signed in with an OpenID provider, linked by the provider's (issuer, sub).
const db = require('../db');

// The public shape of a member: never the password hash.
const PUBLIC_COLUMNS = 'id, email, name, role';

/**
 * The member linked to the provider's (issuer, sub), linked now to a new member on a first
 * sign-in. Never by e-mail: null when the e-mail belongs to a member already (409).
 */
function linkIdentity(issuer, claims) {
  return db.transaction(async (client) => {
    const linked = await client.query(
      `SELECT ${PUBLIC_COLUMNS.split(', ').map((c) => `m.${c}`).join(', ')}
         FROM oauth_identities i JOIN members m ON m.id = i.member_id
        WHERE i.issuer = $1 AND i.subject = $2`,
      [issuer, claims.sub],
    );
    if (linked.rows[0]) return linked.rows[0];
    const email = String(claims.email || '').trim().toLowerCase();
    const created = await client.query(
      `INSERT INTO members (email, name, role) VALUES ($1, $2, 'member') ON CONFLICT (email) DO NOTHING
       RETURNING ${PUBLIC_COLUMNS}`,
      [email, String(claims.name || email)],
    );
    if (!created.rows[0]) return null;
    await client.query('INSERT INTO oauth_identities (issuer, subject, member_id) VALUES ($1, $2, $3)',
      [issuer, claims.sub, created.rows[0].id]);
    return created.rows[0];
  });
}

module.exports = { linkIdentity };
