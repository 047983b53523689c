'use strict';
// authenticate: every protected route's gate. requireAdmin: after it, on catalog writes.
const { verifyAccess } = require('./tokens');
const apiKeys = require('../repos/apiKeys');
const { unauthorizedError, forbiddenError } = require('../http/problem');

// A Bearer access token, or an API key in X-API-Key (for scripts and integrations).
async function authenticate(req, res, next) {
  const key = req.get('x-api-key');
  if (key !== undefined) {
    const owner = await apiKeys.authenticate(key);
    if (!owner) return next(unauthorizedError('the API key is not valid'));
    req.user = owner;
    return next();
  }
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(req.get('authorization') || '');
  const user = match ? verifyAccess(match[1]) : null;
  if (!user) return next(unauthorizedError());
  req.user = user;
  return next();
}

function requireAdmin(req, res, next) {
  if (req.user?.role !== 'admin') return next(forbiddenError('only an admin may do this'));
  return next();
}

/** The member in the path (req.params[param]) or an admin, else 403. */
function selfOrAdmin(param = 'id') {
  return (req, res, next) => {
    if (req.user.role === 'admin' || req.user.id === String(req.params[param])) return next();
    return next(forbiddenError('you may only see your own account'));
  };
}

module.exports = { authenticate, requireAdmin, selfOrAdmin };
