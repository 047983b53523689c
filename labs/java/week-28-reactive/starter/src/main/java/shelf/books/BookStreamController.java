package shelf.books;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import reactor.core.publisher.Flux;

@RestController
public class BookStreamController {

    private final Feed feed;

    public BookStreamController(Feed feed) {
        this.feed = feed;
    }

    /**
     * TODO (tasks 2-5): GET /v1/books/stream, 200 application/x-ndjson: the feed's books, one
     * JSON object per line, in the feed's order, each sent as soon as it arrived (never the
     * whole list at the end), read from the feed only as fast as the client reads, and the
     * feed's connection closed when the client goes away. One request to the feed per stream,
     * and no thread held while a stream waits for its feed.
     */
    @GetMapping("/v1/books/stream")
    public Flux<Book> stream() {
        return Flux.error(new ResponseStatusException(HttpStatus.NOT_IMPLEMENTED, "GET /v1/books/stream is a TODO"));
    }
}
