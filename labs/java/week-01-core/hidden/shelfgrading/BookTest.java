package shelfgrading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shelf.core.Book;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BookTest {
    static final String DUNE = "9780441013593";
    static final String EMMA = "9780141439587";

    static Book book(String isbn, String title, String author, int year, int copies) {
        return new Book(isbn, title, author, year, copies);
    }

    static void refused(String field, Runnable make) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, make::run,
                "a bad " + field + " must throw IllegalArgumentException");
        assertTrue(error.getMessage() != null && error.getMessage().contains(field),
                "the message must name the field " + field + ": " + error.getMessage());
    }

    @Test
    void isARecordWithTheFieldsInOrder() {
        assertTrue(Book.class.isRecord(), "Book must be a record");
        List<String> names = new ArrayList<>();
        for (var component : Book.class.getRecordComponents()) {
            names.add(component.getName());
        }
        assertEquals(List.of("isbn", "title", "author", "year", "copies"), names);
    }

    @Test
    void stripsTitleAndAuthor() {
        Book dune = book(DUNE, "  Dune ", "\tFrank Herbert ", 1965, 2);
        assertEquals("Dune", dune.title());
        assertEquals("Frank Herbert", dune.author());
    }

    @Test
    void refusesABadIsbn() {
        refused("isbn", () -> book("9780441013594", "Dune", "Frank Herbert", 1965, 1));  // check digit
        refused("isbn", () -> book("978044101359", "Dune", "Frank Herbert", 1965, 1));   // 12 digits
        refused("isbn", () -> book("978-0441013593", "Dune", "Frank Herbert", 1965, 1)); // a dash
        refused("isbn", () -> book("978044101359\u0663", "Dune", "Frank Herbert", 1965, 1)); // not ASCII
    }

    @Test
    void refusesBlankTextAndNulls() {
        refused("title", () -> book(DUNE, "   ", "Frank Herbert", 1965, 1));
        refused("author", () -> book(DUNE, "Dune", "", 1965, 1));
        assertThrows(NullPointerException.class, () -> book(null, "Dune", "Frank Herbert", 1965, 1));
        assertThrows(NullPointerException.class, () -> book(DUNE, null, "Frank Herbert", 1965, 1));
        assertThrows(NullPointerException.class, () -> book(DUNE, "Dune", null, 1965, 1));
    }

    @Test
    void refusesYearsAndCopiesOutOfRange() {
        refused("year", () -> book(DUNE, "Dune", "Frank Herbert", 1449, 1));
        refused("year", () -> book(DUNE, "Dune", "Frank Herbert", 2101, 1));
        refused("copies", () -> book(DUNE, "Dune", "Frank Herbert", 1965, -1));
        assertEquals(1450, book(DUNE, "Dune", "Frank Herbert", 1450, 0).year());
        assertEquals(2100, book(DUNE, "Dune", "Frank Herbert", 2100, 0).year());
    }

    @Test
    void withCopiesMakesANewBookAndValidates() {
        Book dune = book(DUNE, "Dune", "Frank Herbert", 1965, 2);
        Book more = dune.withCopies(5);
        assertEquals(2, dune.copies());
        assertEquals(5, more.copies());
        assertEquals(dune.title(), more.title());
        refused("copies", () -> dune.withCopies(-1));
    }

    @Test
    void equalsAndHashCodeByEveryField() {
        Book a = book(DUNE, "Dune", "Frank Herbert", 1965, 2);
        Book b = book(DUNE, " Dune", "Frank Herbert ", 1965, 2);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, a.withCopies(3));
        Set<Book> set = new HashSet<>(List.of(a, b));
        assertEquals(1, set.size());
    }

    @Test
    void sortsByAuthorIgnoringCaseThenYearThenTitle() {
        Book emma = book(EMMA, "Emma", "jane austen", 1815, 1);
        Book persuasion = book("9780141439686", "Persuasion", "Jane Austen", 1817, 1);
        Book dune = book(DUNE, "Dune", "Frank Herbert", 1965, 1);
        Book children = book("9780441104024", "children of Dune", "Frank Herbert", 1976, 1);
        Book messiah = book("9780441172696", "Dune Messiah", "Frank Herbert", 1976, 1);
        List<Book> books = new ArrayList<>(List.of(persuasion, messiah, emma, children, dune));
        books.sort(null);
        assertEquals(List.of(dune, children, messiah, emma, persuasion), books);
        assertEquals(0, dune.compareTo(book(DUNE, "Dune", "Frank Herbert", 1965, 9)));
    }
}
