package shop.gateway;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
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
    public ResponseEntity<String> products() {
        return pass(catalog.get("/products"));
    }

    @GetMapping("/products/{id:\\d+}")
    public ResponseEntity<String> product(@PathVariable String id) {
        return pass(catalog.get("/products/" + id));
    }

    private static ResponseEntity<String> pass(CatalogClient.Answer answer) {
        MediaType type = answer.type() != null ? answer.type() : MediaType.APPLICATION_JSON;
        return ResponseEntity.status(answer.status()).contentType(type).body(answer.body());
    }

    @ExceptionHandler(RestClientException.class)
    public ProblemDetail unreachable(RestClientException error) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY, "the catalog service could not be reached");
    }
}
