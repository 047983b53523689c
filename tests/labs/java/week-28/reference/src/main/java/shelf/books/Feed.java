package shelf.books;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Flux;

/** The upstream: GET {FEED_URL}/v1/feed/books, newline-delimited JSON (application/x-ndjson). */
@Component
public class Feed {

    private final WebClient client;

    public Feed(WebClient.Builder builder, @Value("${shelf.feed-url}") String feedUrl) {
        this.client = builder.baseUrl(feedUrl).build();
    }

    /**
     * Each line decoded when it arrives; Reactor Netty reads the connection only while there
     * is demand, so a slow subscriber slows the feed. Cancelling closes the connection.
     */
    public Flux<Book> books() {
        return client.get().uri("/v1/feed/books")
                .accept(MediaType.APPLICATION_NDJSON)
                .retrieve()
                .bodyToFlux(Book.class);
    }
}
