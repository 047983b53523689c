package shelf.ratelimit;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Writes (POST, PUT, PATCH, DELETE) are limited per client with a token bucket: 50 at once,
 * refilled at 50 per second; a write that finds the bucket empty gets 429 with Retry-After and
 * a problem document. Reads pass untouched.
 *
 * <p>A servlet filter, so it runs before Spring MVC and for every route. The client is the peer
 * address of the connection, {@code request.getRemoteAddr()}: never X-Forwarded-For, which
 * any client can write (and which {@code server.forward-headers-strategy} would turn into the
 * remote address: it stays {@code none} in application.properties).
 */
@Component
public class WriteRateLimit extends OncePerRequestFilter {

    static final double CAPACITY = 50;
    static final double PER_SECOND = 50;
    /** Clients remembered at most; full buckets are forgotten first (a new bucket is full anyway). */
    private static final int MAX_CLIENTS = 10_000;
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final ObjectMapper json;

    public WriteRateLimit(ObjectMapper json) {
        this.json = json;
    }

    /** Tokens refill continuously; take() spends one, or says how long until there is one. */
    static final class Bucket {
        private double tokens = CAPACITY;
        private long updated = System.nanoTime();

        /** 0 when a token was taken, else the seconds until one is there. */
        synchronized double take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (1 - tokens) / PER_SECOND;
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= CAPACITY;
        }

        private void refill(long now) {
            tokens = Math.min(CAPACITY, tokens + (now - updated) / 1e9 * PER_SECOND);
            updated = now;
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!WRITES.contains(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        long now = System.nanoTime();
        if (buckets.size() > MAX_CLIENTS) {
            buckets.values().removeIf(bucket -> bucket.full(now));
        }
        double wait = buckets.computeIfAbsent(request.getRemoteAddr(), client -> new Bucket()).take(now);
        if (wait == 0) {
            chain.doFilter(request, response);
            return;
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                "too many writes: at most " + (int) PER_SECOND + " per second per client");
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        response.setHeader("Retry-After", Long.toString(Math.max(1, (long) Math.ceil(wait))));
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
