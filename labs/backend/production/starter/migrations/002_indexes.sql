-- Indexes behind the list filters.
-- TODO (item 2): PostgreSQL indexes primary keys and UNIQUE columns by itself, never foreign
-- keys. Give every foreign key column an index it leads (a new migration, 004_*.sql: never
-- edit a migration that has run).
CREATE INDEX books_author_id_idx ON books (author_id);        -- ?author_id=
CREATE INDEX books_tags_idx ON books USING gin (tags);        -- ?tag= (tags @> ARRAY[$1])
CREATE INDEX loans_book_id_idx ON loans (book_id);
