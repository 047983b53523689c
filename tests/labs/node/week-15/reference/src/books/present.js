'use strict';
const { tables } = require('../store');

/** A book as the API shows it: its author embedded as {id, name}. */
function present(book) {
  const author = tables.authors.get(book.author_id);
  return { ...book, tags: [...book.tags], author: { id: author.id, name: author.name } };
}

module.exports = { present };
