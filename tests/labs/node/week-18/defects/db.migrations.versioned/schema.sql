-- The whole schema, replayed on every run: nothing records which version is applied.
CREATE TABLE IF NOT EXISTS authors (
  id   bigserial PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE IF NOT EXISTS books (
  id               bigserial PRIMARY KEY,
  title            text NOT NULL,
  isbn             text NOT NULL UNIQUE,
  year             int,
  author_id        bigint NOT NULL REFERENCES authors (id),
  tags             text[] NOT NULL DEFAULT '{}',
  copies_total     int NOT NULL CHECK (copies_total >= 0),
  copies_available int NOT NULL CHECK (copies_available >= 0)
);

CREATE TABLE IF NOT EXISTS members (
  id    bigserial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name  text NOT NULL
);

CREATE TABLE IF NOT EXISTS loans (
  id          bigserial PRIMARY KEY,
  book_id     bigint NOT NULL REFERENCES books (id) ON DELETE CASCADE,
  member_id   bigint NOT NULL REFERENCES members (id),
  borrowed_at timestamptz NOT NULL DEFAULT now(),
  returned_at timestamptz
);

CREATE INDEX IF NOT EXISTS books_author_id_idx ON books (author_id);
CREATE INDEX IF NOT EXISTS books_tags_idx ON books USING gin (tags);
CREATE INDEX IF NOT EXISTS loans_book_id_idx ON loans (book_id);
CREATE INDEX IF NOT EXISTS loans_member_id_idx ON loans (member_id);
