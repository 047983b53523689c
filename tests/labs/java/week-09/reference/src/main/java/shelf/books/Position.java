package shelf.books;

/** Where a book stands in a list: the values it can be sorted by, and its id for ties. */
record Position(String title, Integer year, long id) {

    static Position of(Book book) {
        return new Position(book.title(), book.year(), Long.parseLong(book.id()));
    }
}
