package shelf.books;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** The upstream: GET {FEED_URL}/v1/feed/books, newline-delimited JSON (application/x-ndjson). */
@Component
public class Feed {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json;
    private final URI books;

    public Feed(ObjectMapper json, @Value("${shelf.feed-url}") String feedUrl) {
        this.json = json;
        this.books = URI.create(feedUrl + "/v1/feed/books");
    }

    /** Blocking reads, kept off the event loop on a scheduler of their own. */
    public Flux<Book> books() {
        return Flux.defer(() -> Flux.fromStream(lines()))
                .filter(line -> !line.isBlank())
                .map(this::parse)
                .subscribeOn(Schedulers.single());
    }

    private Stream<String> lines() {
        HttpRequest request = HttpRequest.newBuilder(books).header("Accept", "application/x-ndjson").build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofLines()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Book parse(String line) {
        try {
            return json.readValue(line, Book.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
