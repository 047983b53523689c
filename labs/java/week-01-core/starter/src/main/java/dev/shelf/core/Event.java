package dev.shelf.core;

/** What happened to a book: the only four kinds there are. */
public sealed interface Event permits Event.Added, Event.Borrowed, Event.Returned, Event.Lost {
    String isbn();

    record Added(String isbn, int copies) implements Event {
    }

    record Borrowed(String isbn, String member) implements Event {
    }

    record Returned(String isbn, String member) implements Event {
    }

    record Lost(String isbn, String member) implements Event {
    }
}
