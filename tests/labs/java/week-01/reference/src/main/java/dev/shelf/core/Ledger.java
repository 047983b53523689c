package dev.shelf.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Replays events into the copies on the shelf, and says what each one was. */
public final class Ledger {
    private Ledger() {
    }

    public static Map<String, Integer> onShelf(List<? extends Event> events) {
        Map<String, Integer> shelf = new TreeMap<>();
        Map<String, Integer> loans = new HashMap<>(); // "member\0isbn" -> copies held
        for (Event event : events) {
            if (event instanceof Event.Added added) {
                shelf.merge(added.isbn(), added.copies(), Integer::sum);
            } else if (event instanceof Event.Borrowed borrowed) {
                if (shelf.getOrDefault(borrowed.isbn(), 0) == 0) {
                    throw new IllegalStateException("no copy of " + borrowed.isbn() + " on the shelf");
                }
                shelf.merge(borrowed.isbn(), -1, Integer::sum);
                loans.merge(borrowed.member() + "\0" + borrowed.isbn(), 1, Integer::sum);
            } else if (event instanceof Event.Returned returned) {
                release(loans, returned.member(), returned.isbn());
                shelf.merge(returned.isbn(), 1, Integer::sum);
            } else if (event instanceof Event.Lost lost) {
                release(loans, lost.member(), lost.isbn());
            }
        }
        return shelf;
    }

    public static String describe(Event event) {
        if (event instanceof Event.Added added) {
            return "added " + added.copies() + " of " + added.isbn();
        } else if (event instanceof Event.Borrowed borrowed) {
            return borrowed.member() + " borrowed " + borrowed.isbn();
        } else if (event instanceof Event.Returned returned) {
            return returned.member() + " returned " + returned.isbn();
        } else if (event instanceof Event.Lost lost) {
            return lost.member() + " lost " + lost.isbn();
        }
        throw new IllegalArgumentException("unknown event " + event);
    }

    private static void release(Map<String, Integer> loans, String member, String isbn) {
        String key = member + "\0" + isbn;
        int held = loans.getOrDefault(key, 0);
        if (held == 0) {
            throw new IllegalStateException(member + " holds no copy of " + isbn);
        }
        if (held == 1) {
            loans.remove(key);
        } else {
            loans.put(key, held - 1);
        }
    }
}
