package dev.shelf.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;

/** A value or an error message, never both: Ok or Err. */
public sealed interface Result<T> permits Result.Ok, Result.Err {

    record Ok<T>(T value) implements Result<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    record Err<T>(String message) implements Result<T> {
        public Err {
            if (message == null || message.isBlank()) {
                throw new IllegalArgumentException("message: must not be blank");
            }
        }
    }

    static <T> Result<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Result<T> err(String message) {
        return new Err<>(message);
    }

    default <U> Result<U> map(Function<? super T, ? extends U> f) {
        if (this instanceof Ok<T> ok) {
            return new Ok<>(f.apply(ok.value()));
        }
        return new Err<>(((Err<T>) this).message());
    }

    default <U> Result<U> flatMap(Function<? super T, ? extends Result<? extends U>> f) {
        if (this instanceof Ok<T> ok) {
            Result<? extends U> next = f.apply(ok.value());
            if (next instanceof Ok<? extends U> value) {
                return new Ok<>(value.value());
            }
            return new Err<>(((Err<? extends U>) next).message());
        }
        return new Err<>(((Err<T>) this).message());
    }

    default T orElse(T fallback) {
        return this instanceof Ok<T> ok ? ok.value() : fallback;
    }

    default T orElseThrow() {
        if (this instanceof Ok<T> ok) {
            return ok.value();
        }
        throw new NoSuchElementException(((Err<T>) this).message());
    }

    static <T> Result<List<T>> all(Collection<? extends Result<? extends T>> results) {
        List<T> values = new ArrayList<>();
        for (Result<? extends T> result : results) {
            if (result instanceof Err<? extends T> err) {
                return new Err<>(err.message());
            }
            values.add(((Ok<? extends T>) result).value());
        }
        return new Ok<>(List.copyOf(values));
    }
}
