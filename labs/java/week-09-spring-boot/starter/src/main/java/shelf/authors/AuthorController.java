package shelf.authors;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import shelf.Store;
import shelf.errors.Problems;

/** /v1/authors. Spring creates this controller and passes it the Store bean. */
@RestController
@RequestMapping("/v1/authors")
public class AuthorController {

    private final Store store;

    public AuthorController(Store store) {
        this.store = store;
    }

    // TODO (LAB.md, task 2): POST /v1/authors {"name"} -> 201 Created, Location: /v1/authors/{id},
    // and the author. Take the body as @Valid @RequestBody AuthorCreate and answer with
    // ResponseEntity.created(URI.create(...)).body(author); an invalid body -> 422.
    @PostMapping
    public Author create() {
        throw Problems.notImplemented("task 2, POST /v1/authors");
    }

    // TODO (LAB.md, task 2): GET /v1/authors/{id} -> 200 with the author, or 404 (Problems.notFound).
    @GetMapping("/{id}")
    public Author get(@PathVariable String id) {
        throw Problems.notImplemented("task 2, GET /v1/authors/{id}");
    }
}
