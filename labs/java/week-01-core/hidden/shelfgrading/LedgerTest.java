package shelfgrading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shelf.core.Event;
import dev.shelf.core.Ledger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LedgerTest {
    static final String DUNE = "9780441013593";
    static final String EMMA = "9780141439587";

    @Test
    void eventIsSealedToFourRecords() {
        assertTrue(Event.class.isSealed(), "Event must be a sealed interface");
        assertEquals(Set.of(Event.Added.class, Event.Borrowed.class, Event.Returned.class, Event.Lost.class),
                Set.of(Event.class.getPermittedSubclasses()));
        for (Class<?> kind : Event.class.getPermittedSubclasses()) {
            assertTrue(kind.isRecord(), kind.getSimpleName() + " must be a record");
        }
    }

    @Test
    void describesEachKind() {
        assertEquals("added 3 of " + DUNE, Ledger.describe(new Event.Added(DUNE, 3)));
        assertEquals("ann borrowed " + DUNE, Ledger.describe(new Event.Borrowed(DUNE, "ann")));
        assertEquals("ann returned " + DUNE, Ledger.describe(new Event.Returned(DUNE, "ann")));
        assertEquals("ann lost " + DUNE, Ledger.describe(new Event.Lost(DUNE, "ann")));
    }

    @Test
    void replaysAddsBorrowsAndReturns() {
        List<Event> events = List.of(
                new Event.Added(DUNE, 2), new Event.Added(EMMA, 1), new Event.Borrowed(DUNE, "ann"),
                new Event.Borrowed(DUNE, "bob"), new Event.Returned(DUNE, "ann"), new Event.Added(DUNE, 1));
        assertEquals(Map.of(DUNE, 2, EMMA, 1), Ledger.onShelf(events));
    }

    @Test
    void aLostCopyNeverComesBack() {
        List<Event.Borrowed> borrowed = List.of(new Event.Borrowed(DUNE, "ann"));
        List<Event> events = List.of(new Event.Added(DUNE, 1), borrowed.get(0), new Event.Lost(DUNE, "ann"));
        assertEquals(Map.of(DUNE, 0), Ledger.onShelf(events));
        // A lost copy is no longer held: it cannot be returned afterwards.
        List<Event> later = List.of(new Event.Added(DUNE, 1), new Event.Borrowed(DUNE, "ann"),
                new Event.Lost(DUNE, "ann"), new Event.Returned(DUNE, "ann"));
        assertThrows(IllegalStateException.class, () -> Ledger.onShelf(later));
    }

    @Test
    void refusesImpossibleHistories() {
        assertThrows(IllegalStateException.class,
                () -> Ledger.onShelf(List.of(new Event.Added(DUNE, 1), new Event.Borrowed(DUNE, "ann"), new Event.Borrowed(DUNE, "bob"))),
                "no copy left to borrow");
        assertThrows(IllegalStateException.class,
                () -> Ledger.onShelf(List.of(new Event.Added(DUNE, 1), new Event.Returned(DUNE, "ann"))),
                "a return of a copy never borrowed");
        assertThrows(IllegalStateException.class,
                () -> Ledger.onShelf(List.of(new Event.Added(DUNE, 1), new Event.Borrowed(DUNE, "ann"), new Event.Lost(DUNE, "bob"))),
                "a loss by a member who holds no copy");
    }

    @Test
    void acceptsAListOfOneKindOfEvent() {
        List<Event.Added> added = List.of(new Event.Added(DUNE, 1), new Event.Added(DUNE, 2));
        assertEquals(Map.of(DUNE, 3), Ledger.onShelf(added));  // List<? extends Event>
        assertEquals(Map.of(), Ledger.onShelf(List.of()));
    }
}
