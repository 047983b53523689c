package dev.shelf.core;

import java.util.List;
import java.util.Map;

/** Replays events into the copies on the shelf, and says what each one was (README: Ledger). */
public final class Ledger {
    private Ledger() {
    }

    public static Map<String, Integer> onShelf(List<? extends Event> events) {
        throw new UnsupportedOperationException("TODO: Ledger.onShelf");
    }

    public static String describe(Event event) {
        throw new UnsupportedOperationException("TODO: Ledger.describe");
    }
}
