package shelf.books;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import shelf.errors.Problems;

/** /v1/books. */
@RestController
@RequestMapping("/v1/books")
public class BookController {

    // TODO (LAB.md, task 1): a BookEntity (table books) with @ManyToOne(fetch = LAZY) to
    // AuthorEntity, tags as a PostgreSQL text[] (@JdbcTypeCode(SqlTypes.ARRAY) String[]), and a
    // BookRepository. A BookService with @Transactional methods does the work; this controller
    // calls it. With spring.jpa.open-in-view=false, build the JSON views inside the transaction.

    // TODO (LAB.md, task 4): GET /v1/books?author_id=&tag=&q=&sort=&limit=&cursor=
    // -> 200 {"items": [...], "next_cursor": "..." or null}; every item embeds "author": {id, name}.
    // - filters (AND): author_id, tag (a book carrying it), q (title contains q, ignoring case)
    // - sort: title, -title, year, -year; anything else -> 422; limit: 1..100, default 20
    // - ONE query per page: the authors come with the books (join fetch or @EntityGraph), not one
    //   SELECT per book when the view reads book.getAuthor().getName().
    // - every value bound as a parameter (:name and setParameter), never pasted into the JPQL.
    @GetMapping
    public Object list() {
        throw Problems.notImplemented("task 4, GET /v1/books");
    }

    // TODO (LAB.md, task 3): POST /v1/books {title, isbn, year, author_id, tags, copies_total}
    // -> 201 + Location + the book (copies_available = copies_total, author embedded);
    // 422 on invalid fields or an unknown author_id, 409 on a duplicate isbn.
    @PostMapping
    public Object create() {
        throw Problems.notImplemented("task 3, POST /v1/books");
    }

    // TODO (LAB.md, task 3): GET /v1/books/{id} -> 200 with "author": {id, name}, or 404.
    @GetMapping("/{id}")
    public Object get(@PathVariable String id) {
        throw Problems.notImplemented("task 3, GET /v1/books/{id}");
    }

    // TODO (LAB.md, task 3): PATCH /v1/books/{id} -> 200 with the book; only the fields sent
    // change; validate like POST (404, 409, 422); copies_total never below the copies on loan.
    @PatchMapping("/{id}")
    public Object update(@PathVariable String id) {
        throw Problems.notImplemented("task 3, PATCH /v1/books/{id}");
    }

    // TODO (LAB.md, task 3): DELETE /v1/books/{id} -> 204 No Content, or 404.
    @DeleteMapping("/{id}")
    public void delete(@PathVariable String id) {
        throw Problems.notImplemented("task 3, DELETE /v1/books/{id}");
    }
}
