package shelf.books;

import java.net.URI;
import java.util.List;

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
import shelf.Store;
import shelf.authors.Author;
import shelf.errors.Problems;

/** /v1/books. */
@RestController
@RequestMapping("/v1/books")
public class BookController {

    private final Store store;

    public BookController(Store store) {
        this.store = store;
    }

    /**
     * One page. The constraints on the parameters are checked by Spring's method validation
     * (HandlerMethodValidationException), limit=abc fails conversion (TypeMismatchException):
     * ApiErrors answers both with 422.
     */
    @GetMapping
    public BookPage list(@RequestParam(name = "author_id", required = false) String authorId,
                         @RequestParam(name = "tag", required = false) String tag,
                         @RequestParam(name = "q", required = false) @Size(min = 1) String q,
                         @RequestParam(name = "sort", required = false)
                         @Pattern(regexp = BookOrder.SORTS, message = "must be one of title, -title, year, -year")
                         String sort,
                         @RequestParam(name = "limit", defaultValue = "20") @Min(1) @Max(100) int limit,
                         @RequestParam(name = "cursor", required = false) String cursor) {
        BookFilter filter = new BookFilter(authorId, tag, q);
        BookOrder order = new BookOrder(sort);
        Position after = cursor == null ? null : Cursor.decode(cursor, order);
        synchronized (store) {
            List<Book> rows = store.books.values().stream()
                    .filter(filter::matches)
                    .filter(book -> after == null || order.compare(Position.of(book), after) > 0)
                    .sorted((x, y) -> order.compare(Position.of(x), Position.of(y)))
                    .toList();
            List<Book> page = rows.subList(0, Math.min(limit, rows.size()));
            String next = rows.size() > limit ? Cursor.encode(order, page.get(page.size() - 1)) : null;
            return new BookPage(page.stream().map(this::view).toList(), next);
        }
    }

    @PostMapping
    public ResponseEntity<BookView> create(@Valid @RequestBody BookCreate body) {
        BookView created;
        synchronized (store) {
            if (!store.authors.containsKey(body.authorId())) {
                throw Problems.invalid("author_id: no author with id " + body.authorId());
            }
            if (store.isbns.containsKey(body.isbn())) {
                throw Problems.conflict("a book with isbn " + body.isbn() + " exists");
            }
            int copies = body.copiesTotal() == null ? 1 : body.copiesTotal();
            Book book = new Book(store.nextId(), body.title(), body.isbn(), body.year(),
                    body.tags() == null ? List.of() : List.copyOf(body.tags()), body.authorId(), copies, copies);
            store.books.put(book.id(), book);
            store.isbns.put(book.isbn(), book.id());
            created = view(book);
        }
        return ResponseEntity.created(URI.create("/v1/books/" + created.id())).body(created);
    }

    @GetMapping("/{id}")
    public BookView get(@PathVariable String id) {
        synchronized (store) {
            return view(find(id));
        }
    }

    @PatchMapping("/{id}")
    public BookView update(@PathVariable String id, @Valid @RequestBody BookPatch patch) {
        synchronized (store) {
            Book book = find(id);
            String authorId = patch.getAuthorId() != null ? patch.getAuthorId() : book.authorId();
            if (!store.authors.containsKey(authorId)) {
                throw Problems.invalid("author_id: no author with id " + authorId);
            }
            String isbn = patch.getIsbn() != null ? patch.getIsbn() : book.isbn();
            String holder = store.isbns.get(isbn);
            if (holder != null && !holder.equals(id)) {
                throw Problems.conflict("a book with isbn " + isbn + " exists");
            }
            int onLoan = book.copiesTotal() - book.copiesAvailable();
            int total = patch.getCopiesTotal() != null ? patch.getCopiesTotal() : book.copiesTotal();
            if (total < onLoan) {
                throw Problems.conflict("copies_total cannot drop below the " + onLoan + " copies on loan");
            }
            Book updated = new Book(id,
                    patch.getTitle() != null ? patch.getTitle() : book.title(),
                    isbn,
                    patch.yearSent() ? patch.getYear() : book.year(),
                    patch.getTags() != null ? List.copyOf(patch.getTags()) : book.tags(),
                    authorId, total, total - onLoan);
            store.isbns.remove(book.isbn());
            store.isbns.put(isbn, id);
            store.books.put(id, updated);
            return view(updated);
        }
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable String id) {
        synchronized (store) {
            Book book = find(id);
            store.books.remove(id);
            store.isbns.remove(book.isbn());
        }
        return ResponseEntity.noContent().build();
    }

    /** Callers hold the lock. */
    private Book find(String id) {
        Book book = store.books.get(id);
        if (book == null) {
            throw Problems.notFound("book", id);
        }
        return book;
    }

    /** Callers hold the lock. */
    private BookView view(Book book) {
        Author author = store.authors.get(book.authorId());
        return BookView.of(book, author);
    }
}
