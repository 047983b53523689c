package dev.shelf.core;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Predicate;

/** Generic helpers whose bounds and wildcards let callers pass subtypes in and supertypes out (README: Picks). */
public final class Picks {
    private Picks() {
    }

    public static <T extends Comparable<? super T>> Optional<T> max(Collection<? extends T> items) {
        throw new UnsupportedOperationException("TODO: Picks.max");
    }

    public static <T> int copyIf(Collection<? extends T> from, Collection<? super T> to, Predicate<? super T> keep) {
        throw new UnsupportedOperationException("TODO: Picks.copyIf");
    }
}
