package shelf.authors;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.validation.Valid;
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

    @PostMapping
    public ResponseEntity<Author> create(@Valid @RequestBody AuthorCreate body) {
        Author author;
        synchronized (store) {
            author = new Author(store.nextId(), body.name());
            store.authors.put(author.id(), author);
        }
        return ResponseEntity.created(URI.create("/v1/authors/" + author.id())).body(author);
    }

    @RequestMapping("/{id}")
    public Author get(@PathVariable String id) {
        synchronized (store) {
            Author author = store.authors.get(id);
            if (author == null) {
                throw Problems.notFound("author", id);
            }
            return author;
        }
    }
}
