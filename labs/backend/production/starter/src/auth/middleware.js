'use strict';
// authenticate: every protected route's gate. requireAdmin: after it, on catalog writes.
const { verifyAccess } = require('./tokens');
const { unauthorizedError, forbiddenError } = require('../http/problem');

function authenticate(req, res, next) {
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
