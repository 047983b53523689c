package shop.gateway;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Calls to the catalog service, whose address is in CATALOG_URL: each in the caller's trace,
 * bounded by a timeout, through one circuit breaker shared by every request.
 */
@Component
public class CatalogClient {

    /** What the catalog answered, passed on as it came. */
    public record Answer(int status, MediaType type, String body) {
    }

    /** The catalog answered with a server error: a failed call, for the breaker as for the client. */
    public static class CatalogFailed extends RestClientException {
        public CatalogFailed(int status) {
            super("the catalog answered " + status);
        }
    }

    private final RestClient http;
    // One breaker for the gateway's life: a breaker made per call never sees a second failure.
    // Count-based over the last 5 calls, it opens once 3 of them failed: after 3 failures in a row
    // at most. It stays open 1 s, then lets one trial call through, which closes it on success.
    private final CircuitBreaker breaker = CircuitBreaker.of("catalog", CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(5)
            .minimumNumberOfCalls(3)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(1))
            .permittedNumberOfCallsInHalfOpenState(1)
            .build());

    public CatalogClient(RestClient.Builder builder, @Value("${gateway.catalog-url}") String catalogUrl) {
        // A timeout is a failure too: without one a hung catalog holds every gateway request.
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
        factory.setReadTimeout(Duration.ofSeconds(2));
        this.http = builder.baseUrl(catalogUrl).requestFactory(factory).build();
    }

    /** The catalog's answer to GET `path`; CallNotPermittedException while the circuit is open. */
    public Answer get(String path, TraceContext trace) {
        return breaker.executeSupplier(() -> call(path, trace));
    }

    private Answer call(String path, TraceContext trace) {
        return http.get().uri(path).headers(headers -> {
            headers.set("traceparent", trace.traceparent());
            if (trace.tracestate() != null) {
                headers.set("tracestate", trace.tracestate());
            }
        }).exchange((request, response) -> {
            int status = response.getStatusCode().value();
            if (status >= 500) {
                throw new CatalogFailed(status);
            }
            return new Answer(status, response.getHeaders().getContentType(), read(response.getBody().readAllBytes()));
        });
    }

    private static String read(byte[] body) throws IOException {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the catalog answers its health route now (the readiness probe): a short timeout. */
    public boolean reachable() {
        try {
            return http.get().uri("/health").exchange((request, response) -> response.getStatusCode().is2xxSuccessful());
        } catch (RestClientException error) {
            return false;
        }
    }
}
