package dev.shelf.core;

import java.util.Locale;

/** A subject tag: "Sci-Fi" and "sci-fi" are the same tag, and it keeps the spelling it was made with. */
public final class Tag {
    private final String name;
    private final String key;

    private Tag(String name) {
        this.name = name;
        this.key = name.toLowerCase(Locale.ROOT);
    }

    public static Tag of(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: must not be blank");
        }
        return new Tag(name.strip());
    }

    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tag tag && key.equals(tag.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
