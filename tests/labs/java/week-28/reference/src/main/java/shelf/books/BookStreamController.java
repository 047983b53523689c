package shelf.books;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import reactor.core.publisher.Flux;

@RestController
public class BookStreamController {

    private final Feed feed;

    public BookStreamController(Feed feed) {
        this.feed = feed;
    }

    /**
     * application/x-ndjson is a streaming type: WebFlux writes and flushes each book on its
     * own, requests the next ones as the connection drains, and cancels the Flux (and with it
     * the feed's connection) when the client goes away.
     */
    @GetMapping(path = "/v1/books/stream", produces = MediaType.APPLICATION_NDJSON_VALUE)
    public Flux<Book> stream() {
        return feed.books();
    }
}
