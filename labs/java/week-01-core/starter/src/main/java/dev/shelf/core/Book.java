package dev.shelf.core;

/** A book of the catalog: validated once, immutable, ordered by author, year, title, isbn (README). */
public record Book(String isbn, String title, String author, int year, int copies) implements Comparable<Book> {

    public Book {
        // TODO: validate every field and strip title and author (README: Book)
    }

    public Book withCopies(int copies) {
        throw new UnsupportedOperationException("TODO: Book.withCopies");
    }

    @Override
    public int compareTo(Book other) {
        throw new UnsupportedOperationException("TODO: Book.compareTo");
    }
}
