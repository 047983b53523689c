package shelf.ratelimit;

import java.io.IOException;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The write rate limit. A servlet filter: Spring Boot registers every Filter bean for every
 * request, before Spring MVC (and its controllers) sees it.
 */
@Component
public class WriteRateLimit extends OncePerRequestFilter {

    // TODO (LAB.md, task 5): a token bucket per client for POST, PUT, PATCH and DELETE (e.g. 50 tokens,
    // refilled at 50 per second); a write that finds its bucket empty gets 429, a Retry-After header
    // (whole seconds, at least 1) and a ProblemDetail as application/problem+json. Reads pass untouched.
    // The client is request.getRemoteAddr(), the peer of the connection: never X-Forwarded-For.
    // Many requests run at once: keep the buckets in a ConcurrentHashMap, change each under a lock.
    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, response);
    }
}
