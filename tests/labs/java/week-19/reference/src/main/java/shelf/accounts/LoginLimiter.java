package shelf.accounts;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

/**
 * Brute-force protection: 10 failed logins per account and peer within a minute, then 429 with
 * Retry-After. The peer is the socket's address (request.getRemoteAddr(): Tomcat does not read
 * X-Forwarded-For unless server.forward-headers-strategy says so), since that header is written
 * by the client and would let an attacker pick a new key for every guess. The window is measured
 * on the monotonic clock, which no change of the wall clock moves.
 */
@Component
public class LoginLimiter {

    static final int MAX_FAILURES = 10;
    private static final long WINDOW_NS = TimeUnit.MINUTES.toNanos(1);

    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    /** Seconds until the next attempt may be made, or 0 when it may be made now. */
    public long retryAfterSeconds(String email, String peer) {
        Deque<Long> times = failures.get(key(email, peer));
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            long now = System.nanoTime();
            while (!times.isEmpty() && now - times.peekFirst() >= WINDOW_NS) {
                times.pollFirst();
            }
            if (times.size() < MAX_FAILURES) {
                return 0;
            }
            return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(WINDOW_NS - (now - times.peekFirst())) + 1);
        }
    }

    public void failed(String email, String peer) {
        Deque<Long> times = failures.computeIfAbsent(key(email, peer), k -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(System.nanoTime());
        }
    }

    private static String key(String email, String peer) {
        return email + "|" + peer;
    }
}
