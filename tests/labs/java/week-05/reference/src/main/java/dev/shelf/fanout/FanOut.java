package dev.shelf.fanout;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.shelf.fanout.internal.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/** Many blocking calls at once, each on a virtual thread of its own. */
public final class FanOut {

    private FanOut() {
    }

    /**
     * Runs every call at once, each on a new virtual thread, and returns their results in the
     * order of {@code calls}. The first call to fail, or the timeout, interrupts the calls still
     * running; the executor's close() waits until they have ended.
     */
    public static <T> List<T> all(List<? extends Callable<? extends T>> calls, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<Callable<? extends T>> checked = List.copyOf(calls); // NullPointerException for a null call
        Deadline deadline = Deadline.after(Objects.requireNonNull(timeout, "timeout"));
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            ExecutorCompletionService<T> done = new ExecutorCompletionService<>(executor);
            List<Future<T>> futures = new ArrayList<>(checked.size());
            try {
                for (Callable<? extends T> call : checked) {
                    futures.add(done.submit(call::call));
                }
                for (int finished = 0; finished < futures.size(); finished++) {
                    Future<T> next = done.poll(deadline.remainingNanos(), NANOSECONDS);
                    if (next == null) {
                        throw new TimeoutException((futures.size() - finished) + " of " + futures.size()
                                + " calls did not return within " + timeout);
                    }
                    next.get(); // the first call to fail ends the wait with its exception
                }
                List<T> results = new ArrayList<>(futures.size());
                for (Future<T> future : futures) {
                    results.add(future.resultNow());
                }
                return results;
            } finally {
                for (Future<T> future : futures) {
                    future.cancel(true); // interrupts a call still running; nothing for one that ended
                }
            }
        }
    }
}
