package shelf.authors;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import shelf.errors.Problems;

/** /v1/authors. Spring creates this controller and passes it the repository. */
@RestController
@RequestMapping("/v1/authors")
public class AuthorController {

    private final AuthorRepository authors;

    public AuthorController(AuthorRepository authors) {
        this.authors = authors;
    }

    // TODO (LAB.md, task 2): POST /v1/authors {"name"} -> 201 Created, Location: /v1/authors/{id},
    // and the author: authors.save(new AuthorEntity(body.name())).view(). An invalid body -> 422.
    @PostMapping
    public Author create() {
        throw Problems.notImplemented("task 2, POST /v1/authors");
    }

    // TODO (LAB.md, task 2): GET /v1/authors/{id} -> 200 with the author, or 404 (also for an id
    // that is not a number: it names no author).
    @GetMapping("/{id}")
    public Author get(@PathVariable String id) {
        throw Problems.notImplemented("task 2, GET /v1/authors/{id}");
    }
}
