package shelf.books;

import java.time.Instant;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * GET /v1/catalog: the old name of GET /v1/books, kept for the clients that still call it, and
 * telling them so on every page: Deprecation (RFC 9745, when it was deprecated), Sunset (RFC
 * 8594, an HTTP date after which it may stop answering) and a Link to its successor.
 */
@RestController
public class CatalogController {

    /** When the alias was deprecated, and the earliest day it may be switched off. */
    static final Instant DEPRECATED = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant SUNSET = Instant.parse("2028-01-01T00:00:00Z");

    private final BookController books;

    public CatalogController(BookController books) {
        this.books = books;
    }

    /**
     * The same parameters as /v1/books, with the same constraints: Spring validates the
     * parameters of the handler it calls, and this handler calls books.list() as plain Java.
     */
    @Operation(summary = "Deprecated alias of GET /v1/books",
            description = "Same parameters and body as GET /v1/books; use /v1/books.", deprecated = true)
    @GetMapping("/v1/catalog")
    public ResponseEntity<BookPage> list(@RequestParam(name = "author_id", required = false) String authorId,
                                         @RequestParam(name = "tag", required = false) String tag,
                                         @RequestParam(name = "q", required = false) @Size(min = 1) String q,
                                         @RequestParam(name = "sort", required = false)
                                         @Pattern(regexp = BookOrder.SORTS,
                                                 message = "must be one of title, -title, year, -year")
                                         String sort,
                                         @RequestParam(name = "limit", defaultValue = "20") @Min(1) @Max(100)
                                         int limit,
                                         @RequestParam(name = "cursor", required = false) String cursor) {
        BookPage page = books.list(authorId, tag, q, sort, limit, cursor);
        HttpHeaders headers = new HttpHeaders();
        headers.set("Deprecation", "@" + DEPRECATED.getEpochSecond());
        // An HTTP date (IMF-fixdate): "Sat, 01 Jan 2028 00:00:00 GMT".
        headers.setInstant("Sunset", SUNSET);
        headers.add(HttpHeaders.LINK, "</v1/books>; rel=\"successor-version\"");
        return ResponseEntity.ok().headers(headers).body(page);
    }
}
