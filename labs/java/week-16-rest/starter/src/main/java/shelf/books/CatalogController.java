package shelf.books;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import shelf.errors.Problems;

/**
 * GET /v1/catalog: the old name of GET /v1/books, kept for the clients that still call it, and
 * telling them on every page that it is deprecated, until when it answers, and what replaces it.
 */
@RestController
public class CatalogController {

    private final BookController books;

    public CatalogController(BookController books) {
        this.books = books;
    }

    // TODO (LAB.md, task 4): GET /v1/catalog -> the same parameters, with the same constraints, and the
    // same body as GET /v1/books (call books.list(...)), answered as ResponseEntity with the headers
    //   Deprecation: @<unix seconds>                   (RFC 9745: when the alias was deprecated)
    //   Sunset: <HTTP date>                            (RFC 8594: "Sat, 01 Jan 2028 00:00:00 GMT")
    //   Link: </v1/books>; rel="successor-version"     (RFC 8288: what replaces it)
    // and deprecated in the OpenAPI document: @Operation(deprecated = true).
    @GetMapping("/v1/catalog")
    public Object list() {
        throw Problems.notImplemented("task 4, GET /v1/catalog");
    }
}
