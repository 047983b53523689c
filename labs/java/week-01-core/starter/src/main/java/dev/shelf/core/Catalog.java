package dev.shelf.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Questions about a collection of books, each one stream pipeline (README: Catalog). */
public final class Catalog {
    private Catalog() {
    }

    public static Map<String, List<String>> titlesByAuthor(Collection<Book> books) {
        throw new UnsupportedOperationException("TODO: Catalog.titlesByAuthor");
    }

    public static Map<Integer, Long> countByDecade(Collection<Book> books) {
        throw new UnsupportedOperationException("TODO: Catalog.countByDecade");
    }

    public static Optional<Book> oldest(Collection<Book> books) {
        throw new UnsupportedOperationException("TODO: Catalog.oldest");
    }

    public static int totalCopies(Collection<Book> books) {
        throw new UnsupportedOperationException("TODO: Catalog.totalCopies");
    }
}
