package shelf.db;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * {@code java -jar target/shelf.jar migrate}: runs src/main/resources/schema.sql.
 *
 * <p>DEFECT: the whole schema, every time (CREATE ... IF NOT EXISTS keeps a second run quiet).
 * Nothing records which version of the schema the database has, and a change to an existing
 * table has nowhere to go.
 */
public final class Migrate {

    private Migrate() {
    }

    public static void main(String[] args) {
        DatabaseUrl url = DatabaseUrl.fromEnvironment();
        DriverManagerDataSource dataSource = new DriverManagerDataSource(url.jdbcUrl(), url.user(), url.password());
        new ResourceDatabasePopulator(new ClassPathResource("schema.sql")).execute(dataSource);
        System.out.println("schema.sql applied");
    }
}
