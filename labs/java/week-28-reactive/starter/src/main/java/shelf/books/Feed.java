package shelf.books;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ResponseStatusException;

import reactor.core.publisher.Flux;

/** The upstream: GET {FEED_URL}/v1/feed/books, newline-delimited JSON (application/x-ndjson). */
@Component
public class Feed {

    private final WebClient client;

    public Feed(WebClient.Builder builder, @Value("${shelf.feed-url}") String feedUrl) {
        this.client = builder.baseUrl(feedUrl).build();
    }

    /**
     * TODO (task 1): the feed's books, one element per line, as they arrive. Ask for
     * application/x-ndjson and decode the body as a Flux of Book: WebClient then decodes each
     * line when it arrives, and asks the connection for more only as its subscriber does.
     */
    public Flux<Book> books() {
        return Flux.error(new ResponseStatusException(HttpStatus.NOT_IMPLEMENTED, "Feed.books() is a TODO"));
    }
}
