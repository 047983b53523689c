package shelf;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;

import shelf.authors.Author;
import shelf.books.Book;
import shelf.loans.Loan;
import shelf.members.Member;

/**
 * Shelf in memory: one map per resource, plus the unique indexes a database would enforce.
 *
 * <p>One bean (a singleton) that Spring injects into every controller that asks for it in its
 * constructor. Tomcat serves requests on many threads at once, and these maps are not
 * thread-safe: read and change them only inside {@code synchronized (store) { ... }}, so
 * that two loans cannot both take the last copy.
 */
@Component
public class Store {

    /** In insertion order, which is id order. */
    public final Map<String, Author> authors = new LinkedHashMap<>();
    public final Map<String, Book> books = new LinkedHashMap<>();
    public final Map<String, Member> members = new LinkedHashMap<>();
    public final Map<String, Loan> loans = new LinkedHashMap<>();
    /** isbn -> book id */
    public final Map<String, String> isbns = new HashMap<>();
    /** lower-cased email -> member id */
    public final Map<String, String> emails = new HashMap<>();

    private final AtomicLong sequence = new AtomicLong();

    /** Ids are numbers written as strings in JSON ("17"). */
    public String nextId() {
        return Long.toString(sequence.incrementAndGet());
    }
}
