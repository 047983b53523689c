-- PostgreSQL indexes primary keys and unique columns by itself, not foreign keys or arrays.
CREATE INDEX books_author_id_idx ON books (author_id);    -- ?author_id=
CREATE INDEX books_tags_idx ON books USING gin (tags);   -- ?tag= (tags @> ARRAY[...])
CREATE INDEX loans_book_id_idx ON loans (book_id);
CREATE INDEX loans_member_id_idx ON loans (member_id);
