'use strict';
// Who is calling, and may they (README, tasks 3 and 5).
const { sendProblem } = require('../http/problem');

// TODO: authenticate(req, res, next): read "Authorization: Bearer <token>", verify it
//   (src/auth/tokens.js), set req.user = { id, role } or answer 401 (unauthorizedError).
//   Task 8: a request with "X-API-Key: <key>" is its live key's owner instead (401 if none).
// TODO: requireAdmin(req, res, next): 403 (forbiddenError) unless req.user.role === 'admin'.
// Then put them in front of the routes that need them (POST/PATCH/DELETE books,
// POST authors, /v1/me, loans, a member's loans).
function notYet(req, res) {
  sendProblem(res, 501, 'not implemented yet: src/auth/middleware.js (README, task 3)');
}

module.exports = { authenticate: notYet, requireAdmin: notYet };
