-- Shelf tables. Ids are bigserial; the API sends them as strings.
CREATE TABLE authors (
  id   bigserial PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE books (
  id               bigserial PRIMARY KEY,
  title            text NOT NULL,
  isbn             text NOT NULL UNIQUE,
  year             int,
  author_id        bigint NOT NULL REFERENCES authors (id),
  tags             text[] NOT NULL DEFAULT '{}',
  copies_total     int NOT NULL CHECK (copies_total >= 0),
  copies_available int NOT NULL CHECK (copies_available >= 0)
);

CREATE TABLE members (
  id    bigserial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name  text NOT NULL
);

CREATE TABLE loans (
  id          bigserial PRIMARY KEY,
  book_id     bigint NOT NULL REFERENCES books (id) ON DELETE CASCADE,
  member_id   bigint NOT NULL REFERENCES members (id),
  borrowed_at timestamptz NOT NULL DEFAULT now(),
  returned_at timestamptz
);
