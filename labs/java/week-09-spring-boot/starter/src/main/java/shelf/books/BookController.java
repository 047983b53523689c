package shelf.books;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import shelf.Store;
import shelf.errors.Problems;

/** /v1/books. */
@RestController
@RequestMapping("/v1/books")
public class BookController {

    private final Store store;

    public BookController(Store store) {
        this.store = store;
    }

    // TODO (LAB.md, task 4): GET /v1/books?author_id=&tag=&q=&sort=&limit=&cursor=
    // -> 200 {"items": [...], "next_cursor": "..." or null}; every item embeds "author": {id, name}.
    // - filters (AND): author_id, tag (a book carrying it), q (title contains q, ignoring case)
    // - sort: title, -title, year, -year; anything else -> 422
    // - limit: 1..100, default 20; anything else -> 422
    // - next_cursor: opaque; walking the pages returns every book exactly once, in order,
    //   even when many books share a title or a year. A cursor you did not issue -> 422.
    @GetMapping
    public Object list() {
        throw Problems.notImplemented("task 4, GET /v1/books");
    }

    // TODO (LAB.md, task 2): POST /v1/books {title, isbn, year, author_id, tags, copies_total}
    // -> 201 + Location + the book (copies_available = copies_total, author embedded);
    // 422 on invalid fields or an unknown author_id, 409 on a duplicate isbn.
    @PostMapping
    public Object create() {
        throw Problems.notImplemented("task 2, POST /v1/books");
    }

    // TODO (LAB.md, task 2): GET /v1/books/{id} -> 200 with "author": {id, name}, or 404.
    @GetMapping("/{id}")
    public Object get(@PathVariable String id) {
        throw Problems.notImplemented("task 2, GET /v1/books/{id}");
    }

    // TODO (LAB.md, task 2): PATCH /v1/books/{id} -> 200 with the book; only the fields sent
    // change; validate like POST (404, 409, 422).
    @PatchMapping("/{id}")
    public Object update(@PathVariable String id) {
        throw Problems.notImplemented("task 2, PATCH /v1/books/{id}");
    }

    // TODO (LAB.md, task 2): DELETE /v1/books/{id} -> 204 No Content, or 404.
    @DeleteMapping("/{id}")
    public void delete(@PathVariable String id) {
        throw Problems.notImplemented("task 2, DELETE /v1/books/{id}");
    }
}
