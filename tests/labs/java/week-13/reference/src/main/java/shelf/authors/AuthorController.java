package shelf.authors;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.validation.Valid;
import shelf.db.Ids;
import shelf.errors.Problems;

/** /v1/authors: one repository call each, its own transaction. */
@RestController
@RequestMapping("/v1/authors")
public class AuthorController {

    private final AuthorRepository authors;

    public AuthorController(AuthorRepository authors) {
        this.authors = authors;
    }

    @PostMapping
    public ResponseEntity<Author> create(@Valid @RequestBody AuthorCreate body) {
        Author author = authors.save(new AuthorEntity(body.name())).view();
        return ResponseEntity.created(URI.create("/v1/authors/" + author.id())).body(author);
    }

    @GetMapping("/{id}")
    public Author get(@PathVariable String id) {
        Long key = Ids.parse(id);
        return (key == null ? java.util.Optional.<AuthorEntity>empty() : authors.findById(key))
                .orElseThrow(() -> Problems.notFound("author", id)).view();
    }
}
