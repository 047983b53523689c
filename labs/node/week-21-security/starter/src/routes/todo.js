'use strict';
// Placeholder handler for the routes you have not built yet: 501 Not Implemented,
// as problem+json. Delete this file once every route is implemented.
const { sendProblem } = require('../http/problem');

function notImplemented(task) {
  return (req, res) => sendProblem(res, 501, `not implemented yet: ${task} (see README.md)`);
}

module.exports = { notImplemented };
