package shelf;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Shelf, the lending-library API. Run: {@code java -jar target/shelf.jar --server.port=8080}.
 *
 * <p>{@code @SpringBootApplication} scans this package and the ones below it: every
 * {@code @RestController}, {@code @RestControllerAdvice} and {@code @Component} there becomes a
 * bean, and Spring hands beans to each other through their constructors.
 */
@SpringBootApplication
public class ShelfApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShelfApplication.class, args);
    }
}
