package shelf.books;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** /v1/books: HTTP in and out; BookService does the work, one transaction per call. */
@RestController
@RequestMapping("/v1/books")
public class BookController {

    private final BookService books;

    public BookController(BookService books) {
        this.books = books;
    }

    /** One page; the parameters' constraints are Spring's method validation (422 in ApiErrors). */
    @GetMapping
    public BookPage list(@RequestParam(name = "author_id", required = false) String authorId,
                         @RequestParam(name = "tag", required = false) String tag,
                         @RequestParam(name = "q", required = false) @Size(min = 1) String q,
                         @RequestParam(name = "sort", required = false)
                         @Pattern(regexp = BookOrder.SORTS, message = "must be one of title, -title, year, -year")
                         String sort,
                         @RequestParam(name = "limit", defaultValue = "20") @Min(1) @Max(100) int limit,
                         @RequestParam(name = "cursor", required = false) String cursor) {
        BookOrder order = new BookOrder(sort);
        Position after = cursor == null ? null : Cursor.decode(cursor, order);
        return books.list(authorId, tag, q, order, after, limit);
    }

    @PostMapping
    public ResponseEntity<BookView> create(@Valid @RequestBody BookCreate body) {
        BookView created = books.create(body);
        return ResponseEntity.created(URI.create("/v1/books/" + created.id())).body(created);
    }

    @GetMapping("/{id}")
    public BookView get(@PathVariable String id) {
        return books.get(id);
    }

    @PatchMapping("/{id}")
    public BookView update(@PathVariable String id, @Valid @RequestBody BookPatch patch) {
        return books.update(id, patch);
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable String id) {
        books.delete(id);
        return ResponseEntity.noContent().build();
    }
}
