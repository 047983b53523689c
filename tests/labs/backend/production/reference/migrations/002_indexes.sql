-- Indexes behind the list filters and the foreign keys.
-- PostgreSQL indexes primary keys and UNIQUE columns by itself, not foreign keys.
CREATE INDEX books_author_id_idx ON books (author_id);        -- ?author_id=
CREATE INDEX books_tags_idx ON books USING gin (tags);        -- ?tag= (tags @> ARRAY[$1])
CREATE INDEX loans_book_id_idx ON loans (book_id);
CREATE INDEX loans_member_id_idx ON loans (member_id);
