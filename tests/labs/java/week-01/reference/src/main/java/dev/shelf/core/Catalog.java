package dev.shelf.core;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Questions about a collection of books, each one stream pipeline. */
public final class Catalog {
    private Catalog() {
    }

    public static Map<String, List<String>> titlesByAuthor(Collection<Book> books) {
        return books.stream()
                .sorted(Comparator.comparingInt(Book::year).thenComparing(Book::title))
                .collect(Collectors.groupingBy(Book::author, TreeMap::new,
                        Collectors.mapping(Book::title, Collectors.toList())));
    }

    public static Map<Integer, Long> countByDecade(Collection<Book> books) {
        return books.stream()
                .collect(Collectors.groupingBy(book -> book.year() / 10 * 10, TreeMap::new, Collectors.counting()));
    }

    public static Optional<Book> oldest(Collection<Book> books) {
        return books.stream().min(Comparator.comparingInt(Book::year).thenComparing(Book::title));
    }

    public static int totalCopies(Collection<Book> books) {
        return books.stream().mapToInt(Book::copies).sum();
    }
}
