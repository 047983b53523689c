package shelfgrading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shelf.fanout.FanOut;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * FanOut.all's results, errors and timeout as the README gives them. No test waits on a clock to
 * judge: calls meet at latches, so a test passes as soon as the behaviour is right and fails by
 * its @Timeout when it is not. How many calls are in flight at once, and on which kind of thread,
 * is the check jmodule.threads.virtual's, against a slow endpoint of the harness.
 */
@Timeout(10)
class FanOutTest {

    private static final Duration LONG = Duration.ofSeconds(30);
    // Long enough for every call to have started before it passes, on a cold JVM on a busy machine:
    // a call cancelled before it starts is never run, and so never interrupted.
    private static final Duration SHORT = Duration.ofSeconds(2);

    @Test
    void resultsAreInTheOrderOfTheCallsNotOfTheirEnds() throws Exception {
        CountDownLatch lastDone = new CountDownLatch(1);
        List<Callable<String>> calls = List.of(
                () -> {
                    lastDone.await(); // the first call ends only once the last has
                    return "first";
                },
                () -> "second",
                () -> {
                    lastDone.countDown();
                    return "third";
                });
        assertEquals(List.of("first", "second", "third"), FanOut.all(calls, LONG));
    }

    @Test
    void noCallsGiveNoResults() throws Exception {
        assertEquals(List.of(), FanOut.all(List.<Callable<String>>of(), LONG));
    }

    @Test
    void aFailedCallEndsTheWaitWithItsExceptionAndInterruptsTheOthers() throws Exception {
        IOException boom = new IOException("the catalog is down");
        AtomicInteger interrupted = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        CountDownLatch slowStarted = new CountDownLatch(2);
        Callable<String> slow = sleeper(running, interrupted, slowStarted);
        Callable<String> failing = () -> {
            slowStarted.await();
            throw boom;
        };
        ExecutionException thrown = assertThrows(ExecutionException.class,
                () -> FanOut.all(List.of(slow, failing, slow), LONG));
        assertSame(boom, thrown.getCause(), "the cause is the failed call's own exception");
        assertEquals(0, running.get(), "calls still running when FanOut.all threw");
        assertEquals(2, interrupted.get(), "the two slow calls are interrupted");
    }

    @Test
    void theTimeoutInterruptsTheCallsStillRunningBeforeItIsThrown() throws Exception {
        AtomicInteger interrupted = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        Callable<String> never = sleeper(running, interrupted, new CountDownLatch(0));
        Callable<String> quick = () -> "quick";
        assertThrows(TimeoutException.class, () -> FanOut.all(List.of(quick, never, never, never), SHORT));
        assertEquals(0, running.get(), "calls still running when FanOut.all threw");
        assertEquals(3, interrupted.get(), "the three calls still running are interrupted");
    }

    @Test
    void anInterruptedCallerInterruptsTheCallsAndThrows() throws Exception {
        AtomicInteger interrupted = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(2);
        Callable<String> slow = sleeper(running, interrupted, started);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                FanOut.all(List.of(slow, slow), LONG);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        started.await();  // both calls run, and the caller waits for them
        caller.interrupt();
        caller.join();
        assertInstanceOf(InterruptedException.class, thrown.get(), "what FanOut.all threw when its caller was interrupted");
        assertEquals(0, running.get(), "calls still running when FanOut.all threw");
        assertEquals(2, interrupted.get(), "the two calls are interrupted");
    }

    @Test
    void theTimeoutIsOneDeadlineForAllTheCallsNotOnePerCall() throws Exception {
        // The first call ends after 3 s, the later one 3 s after the first has ended: each within
        // 4.5 s of the one before, 6 s or more in all. With a deadline per wait both fit; with one
        // deadline of 4.5 s for the whole of all, they do not. The later call counts from the first's
        // actual end, so a machine that starts or wakes the first late only delays both: a
        // deadline per wait still has 1.5 s to spare for each, and one for the whole passes 1.5 s
        // before the later call can end (sleeps last at least as long as asked).
        Duration timeout = Duration.ofMillis(4500);
        CountDownLatch firstEnded = new CountDownLatch(1);
        Callable<String> first = () -> {
            Thread.sleep(3000);
            firstEnded.countDown();
            return "first";
        };
        Callable<String> later = () -> {
            firstEnded.await();
            Thread.sleep(3000);
            return "later";
        };
        assertThrows(TimeoutException.class, () -> FanOut.all(List.of(first, later), timeout),
                "6 s of calls against a timeout of 4.5 s for the whole");
    }

    @Test
    void nullsAreRefused() {
        assertThrows(NullPointerException.class, () -> FanOut.all(null, LONG));
        assertThrows(NullPointerException.class, () -> FanOut.all(List.of(() -> "x"), null));
        List<Callable<String>> withNull = Arrays.asList(() -> "x", null);
        assertThrows(NullPointerException.class, () -> FanOut.all(withNull, LONG));
    }

    @Test
    void theCallerKeepsItsThreadFree() throws Exception {
        Thread caller = Thread.currentThread();
        List<Callable<Boolean>> calls = List.of(() -> Thread.currentThread() == caller);
        assertFalse(FanOut.all(calls, LONG).get(0), "a call ran on the caller's own thread");
    }

    /** A call that sleeps LONG unless interrupted: counted while it runs and when it is
     *  interrupted, and counting `started` down once it runs. */
    private static Callable<String> sleeper(AtomicInteger running, AtomicInteger interrupted, CountDownLatch started) {
        return () -> {
            running.incrementAndGet();
            try {
                started.countDown();
                Thread.sleep(LONG);
                return "never";
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            } finally {
                running.decrementAndGet();
            }
        };
    }
}
