package dev.shelf.fanout.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * A point in time on the monotonic clock: one timeout shared by several waits, each of which
 * gets what is left of it. Part of the implementation, not of the module's API.
 */
public record Deadline(long atNanos) {

    public static Deadline after(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return new Deadline(System.nanoTime() + Math.max(0, timeout.toNanos()));
    }

    /** What is left, never below zero (an elapsed deadline leaves 0). */
    public long remainingNanos() {
        return Math.max(0, atNanos - System.nanoTime());
    }

    public boolean passed() {
        return remainingNanos() == 0;
    }
}
