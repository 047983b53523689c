package dev.shelf.core;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/** A value or an error message, never both: Ok or Err (README: Result). */
public sealed interface Result<T> permits Result.Ok, Result.Err {

    record Ok<T>(T value) implements Result<T> {
    }

    record Err<T>(String message) implements Result<T> {
    }

    static <T> Result<T> ok(T value) {
        throw new UnsupportedOperationException("TODO: Result.ok");
    }

    static <T> Result<T> err(String message) {
        throw new UnsupportedOperationException("TODO: Result.err");
    }

    default <U> Result<U> map(Function<? super T, ? extends U> f) {
        throw new UnsupportedOperationException("TODO: Result.map");
    }

    default <U> Result<U> flatMap(Function<? super T, ? extends Result<? extends U>> f) {
        throw new UnsupportedOperationException("TODO: Result.flatMap");
    }

    default T orElse(T fallback) {
        throw new UnsupportedOperationException("TODO: Result.orElse");
    }

    default T orElseThrow() {
        throw new UnsupportedOperationException("TODO: Result.orElseThrow");
    }

    static <T> Result<List<T>> all(Collection<? extends Result<? extends T>> results) {
        throw new UnsupportedOperationException("TODO: Result.all");
    }
}
