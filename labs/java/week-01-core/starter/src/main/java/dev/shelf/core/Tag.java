package dev.shelf.core;

/** A subject tag: "Sci-Fi" and "sci-fi" are the same tag, and it keeps the spelling it was made with. */
public final class Tag {
    private final String name;

    private Tag(String name) {
        this.name = name;
    }

    public static Tag of(String name) {
        throw new UnsupportedOperationException("TODO: Tag.of");
    }

    public String name() {
        return name;
    }

    // TODO: equals and hashCode (README: Tag), and toString
}
