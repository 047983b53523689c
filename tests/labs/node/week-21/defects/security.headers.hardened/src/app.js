'use strict';
const express = require('express');
const { corsPolicy } = require('./security');
const { notFound, errorHandler } = require('./http/problem');

const app = express();
app.use(corsPolicy);
app.use(express.json({ limit: '100kb' }));

app.get('/health', (req, res) => {
  res.json({ status: 'ok' });
});

app.use('/v1/auth', require('./routes/auth'));
app.use('/v1/me', require('./routes/me'));
app.use('/v1/authors', require('./routes/authors'));
app.use('/v1/books', require('./routes/books'));
app.use('/v1/members', require('./routes/members'));
app.use('/v1/loans', require('./routes/loans'));

// Order matters: the 404 handler after every route, the error handler last.
app.use(notFound);
app.use(errorHandler);

module.exports = app;
