'use strict';
// Sign-in with an OpenID provider (the authorization code flow with PKCE), by hand with
// fetch and node:crypto. The provider's endpoints come from its discovery document.
// The pending sign-in {state, verifier, nonce} lives in a signed HttpOnly cookie: it is
// bound to the browser that started it, and the server keeps nothing until the callback.
const crypto = require('node:crypto');

const COOKIE = 'shelf_oauth';
const PENDING_TTL_S = 10 * 60;
const CLOCK_SKEW_S = 60;
// A key for the cookie's HMAC: the one of JWT_SECRET when set, else random per process.
const COOKIE_KEY = crypto.createHash('sha256').update(`oauth-cookie|${process.env.JWT_SECRET || crypto.randomUUID()}`).digest();

const config = () => ({
  issuer: process.env.OAUTH_ISSUER,
  clientId: process.env.OAUTH_CLIENT_ID,
  clientSecret: process.env.OAUTH_CLIENT_SECRET,
  redirectUri: process.env.OAUTH_REDIRECT_URI,
});

let discovered = null;
async function discovery() {
  const { issuer } = config();
  if (!issuer) throw new Error('OAUTH_ISSUER is not set');
  if (!discovered) {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    const doc = await res.json();
    if (doc.issuer !== issuer) throw new Error(`discovery names issuer ${doc.issuer}, not ${issuer}`);
    discovered = doc;
  }
  return discovered;
}

const random = () => crypto.randomBytes(32).toString('base64url');
const s256 = (verifier) => crypto.createHash('sha256').update(verifier).digest('base64url');
const mac = (data) => crypto.createHmac('sha256', COOKIE_KEY).update(data).digest('base64url');

/** The authorization URL and the cookie value that remembers this sign-in. */
async function begin() {
  const { clientId, redirectUri } = config();
  const pending = { state: random(), verifier: random(), nonce: random(), exp: Date.now() + PENDING_TTL_S * 1000 };
  const url = new URL((await discovery()).authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: s256(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  const data = Buffer.from(JSON.stringify(pending)).toString('base64url');
  return { url: url.toString(), cookie: `${data}.${mac(data)}` };
}

/** The pending sign-in of a cookie value, or null when it is missing, forged or old. */
function pendingFrom(cookieValue) {
  const [data, tag] = String(cookieValue || '').split('.');
  if (!data || !tag) return null;
  const expected = Buffer.from(mac(data));
  const given = Buffer.from(tag);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  const pending = JSON.parse(Buffer.from(data, 'base64url').toString());
  return pending.exp > Date.now() ? pending : null;
}

/** Exchange the code (with the verifier) and return the id_token's verified claims, or throw. */
async function finish(code, pending) {
  const { clientId, clientSecret, redirectUri, issuer } = config();
  const doc = await discovery();
  const res = await fetch(doc.token_endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pending.verifier,
    }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || typeof body.id_token !== 'string') {
    throw Object.assign(new Error(`the provider refused the code: ${body.error || res.status}`), { refused: true });
  }
  const claims = await verifyIdToken(body.id_token, doc);
  if (claims.iss !== issuer || claims.aud !== clientId || claims.nonce !== pending.nonce) {
    throw Object.assign(new Error('the id_token is not for this sign-in'), { refused: true });
  }
  const now = Date.now() / 1000;
  if (!(claims.exp > now - CLOCK_SKEW_S) || typeof claims.sub !== 'string') {
    throw Object.assign(new Error('the id_token has expired'), { refused: true });
  }
  return claims;
}

async function verifyIdToken(token, doc) {
  const [head, payload, signature] = token.split('.');
  const header = JSON.parse(Buffer.from(head, 'base64url').toString());
  if (header.alg !== 'RS256') throw Object.assign(new Error(`id_token alg ${header.alg}`), { refused: true });
  const { keys } = await (await fetch(doc.jwks_uri)).json();
  const jwk = keys.find((k) => k.kid === header.kid) || keys[0];
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  if (!crypto.verify('RSA-SHA256', Buffer.from(`${head}.${payload}`), key, Buffer.from(signature, 'base64url'))) {
    throw Object.assign(new Error('the id_token signature does not verify'), { refused: true });
  }
  return JSON.parse(Buffer.from(payload, 'base64url').toString());
}

module.exports = { COOKIE, PENDING_TTL_S, begin, pendingFrom, finish, issuer: () => config().issuer };
