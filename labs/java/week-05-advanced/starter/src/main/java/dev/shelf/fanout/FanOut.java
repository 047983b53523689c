package dev.shelf.fanout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Many blocking calls at once, each on a virtual thread of its own. */
public final class FanOut {

    private FanOut() {
    }

    /**
     * Runs every call at once, each on a new virtual thread (no pool, no limit: a thousand calls
     * that each wait on the network are a thousand calls in flight), and returns their results in
     * the order of {@code calls}, whatever order they finish in.
     *
     * <p>When a call throws, this throws an {@link ExecutionException} whose cause is that call's
     * exception (the first call to fail); when {@code timeout} passes before every call has
     * returned, a {@link TimeoutException}. Either way it first interrupts the calls still running
     * and waits until they have ended: when this method returns or throws, none of its calls is
     * running any more.
     *
     * @throws NullPointerException if {@code calls}, one of them or {@code timeout} is null
     * @throws InterruptedException if the calling thread is interrupted while waiting (the calls
     *     are interrupted too)
     */
    public static <T> List<T> all(List<? extends Callable<? extends T>> calls, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        // TODO: an ExecutorService from Executors.newVirtualThreadPerTaskExecutor() in a
        // try-with-resources (its close() waits for every task), or Thread.ofVirtual().start(...)
        // per call. Deadline (internal) counts down the timeout across the waits.
        throw new UnsupportedOperationException("FanOut.all is not written yet (see the README)");
    }
}
