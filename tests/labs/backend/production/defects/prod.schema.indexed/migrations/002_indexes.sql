-- Indexes behind the list filters.
CREATE INDEX books_author_id_idx ON books (author_id);        -- ?author_id=
CREATE INDEX books_tags_idx ON books USING gin (tags);        -- ?tag= (tags @> ARRAY[$1])
CREATE INDEX loans_book_id_idx ON loans (book_id);
