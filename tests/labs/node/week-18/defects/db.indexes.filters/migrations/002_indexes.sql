-- Indexes on the foreign keys of loans.
-- DEFECT: nothing behind the list filters (books.author_id, books.tags).
CREATE INDEX loans_book_id_idx ON loans (book_id);
CREATE INDEX loans_member_id_idx ON loans (member_id);
