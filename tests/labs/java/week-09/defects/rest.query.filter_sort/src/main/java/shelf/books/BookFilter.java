package shelf.books;

/** The filters of GET /v1/books, combined with AND; a filter left out (null) lets every book through. */
record BookFilter(String authorId, String tag, String q) {

    boolean matches(Book book) {
        return (authorId == null || authorId.equals(book.authorId()))
                && (tag == null || book.tags().contains(tag))
                && (q == null || book.title().contains(q));
    }
}
