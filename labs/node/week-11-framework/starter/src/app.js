'use strict';
// The middleware chain: every request goes through these in order, then a route, then (when
// nothing answered or something threw) the handlers at the end. The routes are done
// (src/routes.js); the tasks of LAB.md are the middleware, each marked TODO where it goes.
const express = require('express');
const routes = require('./routes');

const app = express();

// TODO task 8: security headers first, so every answer carries them (errors included).
// TODO task 6: a request id for every request, on the answer and in one log line per request.
// TODO task 7: CORS for the two allowed origins only.
// TODO task 4: gzip for large answers.

// TODO task 2: JSON bodies up to 16 KiB; one byte more is 413.
app.use(express.json());
// TODO task 3: uploads up to 1 MiB; one byte more is 413.
app.use('/uploads', express.raw({ type: 'application/octet-stream' }));

app.use(routes);

// TODO task 5: the files of public/ (index.html, assets/), each with its Cache-Control.

// TODO task 1: a 404 for every other path and one error handler, both answering JSON.

module.exports = app;
