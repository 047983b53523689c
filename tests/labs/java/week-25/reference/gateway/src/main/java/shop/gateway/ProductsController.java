package shop.gateway;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClientException;

/** GET /products and GET /products/{id}: each answered by one call to the catalog's same route. */
@RestController
public class ProductsController {

    private final CatalogClient catalog;

    public ProductsController(CatalogClient catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/products")
    public ResponseEntity<String> products(@RequestHeader(name = "traceparent", required = false) String traceparent,
                                           @RequestHeader(name = "tracestate", required = false) String tracestate) {
        return pass(catalog.get("/products", TraceContext.join(traceparent, tracestate)));
    }

    @GetMapping("/products/{id:\\d+}")
    public ResponseEntity<String> product(@PathVariable String id,
                                          @RequestHeader(name = "traceparent", required = false) String traceparent,
                                          @RequestHeader(name = "tracestate", required = false) String tracestate) {
        return pass(catalog.get("/products/" + id, TraceContext.join(traceparent, tracestate)));
    }

    private static ResponseEntity<String> pass(CatalogClient.Answer answer) {
        MediaType type = answer.type() != null ? answer.type() : MediaType.APPLICATION_JSON;
        return ResponseEntity.status(answer.status()).contentType(type).body(answer.body());
    }

    // The catalog failed (an error, a timeout, a 5xx) or the circuit is open: 503, try again soon.
    @ExceptionHandler({RestClientException.class, CallNotPermittedException.class})
    public ResponseEntity<ProblemDetail> unavailable(RuntimeException error) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "the catalog service is unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
