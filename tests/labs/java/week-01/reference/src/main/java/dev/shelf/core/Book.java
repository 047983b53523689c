package dev.shelf.core;

import java.util.Comparator;
import java.util.Objects;

/** A book of the catalog: validated once, immutable, ordered by author, year, title, isbn. */
public record Book(String isbn, String title, String author, int year, int copies) implements Comparable<Book> {

    private static final Comparator<Book> ORDER = Comparator
            .comparing(Book::author, String.CASE_INSENSITIVE_ORDER)
            .thenComparingInt(Book::year)
            .thenComparing(Book::title, String.CASE_INSENSITIVE_ORDER)
            .thenComparing(Book::isbn);

    public Book {
        Objects.requireNonNull(isbn, "isbn");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(author, "author");
        if (!validIsbn13(isbn)) {
            throw new IllegalArgumentException("isbn: not an ISBN-13: " + isbn);
        }
        title = title.strip();
        author = author.strip();
        if (title.isEmpty()) {
            throw new IllegalArgumentException("title: must not be blank");
        }
        if (author.isEmpty()) {
            throw new IllegalArgumentException("author: must not be blank");
        }
        if (year < 1450 || year > 2100) {
            throw new IllegalArgumentException("year: must be within 1450-2100, was " + year);
        }
        if (copies < 0) {
            throw new IllegalArgumentException("copies: must not be negative, was " + copies);
        }
    }

    public Book withCopies(int copies) {
        return new Book(isbn, title, author, year, copies);
    }

    @Override
    public int compareTo(Book other) {
        return ORDER.compare(this, other);
    }

    private static boolean validIsbn13(String isbn) {
        if (isbn.length() != 13) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 13; i++) {
            char c = isbn.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            sum += (c - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return sum % 10 == 0;
    }
}
