'use strict';
// Stricter than the Shelf contract, as a careful learner writes it: real ISBN-13s, e-mail
// addresses a mail system accepts, plausible years, single-word tags.
const { validationError } = require('./problem');

function isbn13(value, field) {
  const digits = value.replace(/-/g, '');
  if (!/^97[89][0-9]{10}$/.test(digits)) throw validationError(`${field} must be an ISBN-13`);
  const sum = [...digits.slice(0, 12)].reduce((acc, d, i) => acc + Number(d) * (i % 2 ? 3 : 1), 0);
  if ((10 - (sum % 10)) % 10 !== Number(digits[12])) throw validationError(`${field} has a wrong check digit`);
  return value;
}

// validator.js isEmail's shape, plus the special-use names email-validator refuses.
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.[a-zA-Z]{2,}$/;
const SPECIAL_USE = new Set(['test', 'local', 'localhost', 'invalid', 'example', 'onion', 'arpa']);

function email(value, field) {
  if (!EMAIL.test(value) || SPECIAL_USE.has(value.split('.').pop().toLowerCase())) {
    throw validationError(`${field} is not a valid e-mail address`);
  }
  return value;
}

function year(value, field) {
  if (value !== null && (value < 1450 || value > new Date().getFullYear() + 1)) {
    throw validationError(`${field} must be a year between 1450 and next year`);
  }
  return value;
}

function wordTags(value, field) {
  if (!value.every((t) => /^[a-z0-9][a-z0-9-]{0,39}$/.test(t))) throw validationError(`${field} must be lower-case words`);
  return value;
}

module.exports = { isbn13, email, year, wordTags };
