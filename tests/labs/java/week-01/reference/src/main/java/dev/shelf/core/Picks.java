package dev.shelf.core;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Predicate;

/** Generic helpers whose bounds and wildcards let callers pass subtypes in and supertypes out. */
public final class Picks {
    private Picks() {
    }

    public static <T extends Comparable<? super T>> Optional<T> max(Collection<? extends T> items) {
        T best = null;
        for (T item : items) {
            if (best == null || item.compareTo(best) > 0) {
                best = item;
            }
        }
        return Optional.ofNullable(best);
    }

    public static <T> int copyIf(Collection<? extends T> from, Collection<? super T> to, Predicate<? super T> keep) {
        int copied = 0;
        for (T item : from) {
            if (keep.test(item)) {
                to.add(item);
                copied++;
            }
        }
        return copied;
    }
}
