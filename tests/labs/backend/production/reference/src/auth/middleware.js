'use strict';
// authenticate: every protected route's gate. requireAdmin: after it, on catalog writes.
const { verifyAccess } = require('./tokens');
const { unauthorizedError, forbiddenError } = require('../http/problem');

/** The caller {id, role} of the request's valid Bearer token, or null; verified once per request. */
function callerOf(req) {
  if (req.caller === undefined) {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(req.get('authorization') || '');
    req.caller = match ? verifyAccess(match[1]) : null;
  }
  return req.caller;
}

function authenticate(req, res, next) {
  const user = callerOf(req);
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

module.exports = { callerOf, authenticate, requireAdmin, selfOrAdmin };
