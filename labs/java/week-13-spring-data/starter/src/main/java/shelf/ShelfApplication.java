package shelf;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import shelf.db.Migrate;

/**
 * Shelf, the lending-library API. Run: {@code java -jar target/shelf.jar --server.port=8080}
 * after {@code java -jar target/shelf.jar migrate} (Flyway, db/Migrate.java).
 *
 * <p>{@code @SpringBootApplication} scans this package and the ones below it: every
 * {@code @RestController}, {@code @Service}, {@code @Entity} and Spring Data repository there
 * becomes a bean (or a mapped table), and Spring hands beans to each other through their
 * constructors.
 */
@SpringBootApplication
public class ShelfApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("migrate")) {
            Migrate.main(args);
            return;
        }
        SpringApplication.run(ShelfApplication.class, args);
    }
}
