package shelfgrading;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shelf.core.Book;
import dev.shelf.core.Catalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CatalogTest {
    static final Book DUNE = new Book("9780441013593", "Dune", "Frank Herbert", 1965, 2);
    static final Book MESSIAH = new Book("9780441172696", "Dune Messiah", "Frank Herbert", 1969, 0);
    static final Book CHILDREN = new Book("9780441104024", "Children of Dune", "Frank Herbert", 1976, 1);
    static final Book EMMA = new Book("9780141439587", "Emma", "Jane Austen", 1815, 3);
    static final Book PERSUASION = new Book("9780141439686", "Persuasion", "Jane Austen", 1817, 0);
    static final Book LEFT_HAND = new Book("9780441478125", "The Left Hand of Darkness", "Ursula K. Le Guin", 1969, 4);
    static final List<Book> BOOKS = List.of(LEFT_HAND, PERSUASION, CHILDREN, EMMA, MESSIAH, DUNE);

    @Test
    void titlesByAuthorSortedByAuthorThenYear() {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("Frank Herbert", List.of("Dune", "Dune Messiah", "Children of Dune"));
        expected.put("Jane Austen", List.of("Emma", "Persuasion"));
        expected.put("Ursula K. Le Guin", List.of("The Left Hand of Darkness"));
        Map<String, List<String>> got = Catalog.titlesByAuthor(BOOKS);
        assertEquals(expected, got);
        assertEquals(List.copyOf(expected.keySet()), new ArrayList<>(got.keySet()), "authors in alphabetical order");
    }

    @Test
    void authorsInStringCompareToOrderCaseAndAll() {
        // String.compareTo puts every capital before every small letter: "Zadie" before "bell hooks".
        Book hooks = new Book("9780896081291", "Ain't I a Woman", "bell hooks", 1981, 2);
        Book smith = new Book("9780140276336", "White Teeth", "Zadie Smith", 2000, 1);
        List<String> authors = new ArrayList<>(Catalog.titlesByAuthor(List.of(hooks, smith)).keySet());
        assertEquals(List.of("Zadie Smith", "bell hooks"), authors, "authors in String.compareTo order");
    }

    @Test
    void titlesOfOneYearSortedByTitle() {
        Book a = new Book("9780306406157", "Beta", "Same Author", 2000, 1);
        Book b = new Book("9780306406164", "Alpha", "Same Author", 2000, 1);
        assertEquals(Map.of("Same Author", List.of("Alpha", "Beta")), Catalog.titlesByAuthor(List.of(a, b)));
    }

    @Test
    void countByDecadeInOrder() {
        Map<Integer, Long> got = Catalog.countByDecade(BOOKS);
        Map<Integer, Long> expected = new LinkedHashMap<>();
        expected.put(1810, 2L);
        expected.put(1960, 3L);
        expected.put(1970, 1L);
        assertEquals(expected, got);
        assertEquals(List.copyOf(expected.keySet()), new ArrayList<>(got.keySet()), "decades in increasing order");
        assertEquals(Map.of(), Catalog.countByDecade(List.of()));
    }

    @Test
    void oldestIsOptional() {
        assertEquals(Optional.of(EMMA), Catalog.oldest(BOOKS));
        assertEquals(Optional.empty(), Catalog.oldest(List.of()));
        // Two books of 1969: the title breaks the tie.
        assertEquals(Optional.of(MESSIAH), Catalog.oldest(List.of(LEFT_HAND, MESSIAH)));
    }

    @Test
    void totalCopies() {
        assertEquals(10, Catalog.totalCopies(BOOKS));
        assertEquals(0, Catalog.totalCopies(List.of()));
    }

    @Test
    void leavesItsInputAlone() {
        List<Book> input = new ArrayList<>(BOOKS);
        Catalog.titlesByAuthor(input);
        Catalog.countByDecade(input);
        Catalog.oldest(input);
        assertEquals(BOOKS, input);
        Catalog.titlesByAuthor(BOOKS);  // an unmodifiable list is fine too
    }
}
