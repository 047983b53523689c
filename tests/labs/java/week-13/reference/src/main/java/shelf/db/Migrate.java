package shelf.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * {@code java -jar target/shelf.jar migrate}: applies the migrations in
 * src/main/resources/db/migration (V1__schema.sql, V2__indexes.sql, ...) that the database has
 * not seen yet, records each in flyway_schema_history, and exits. Flyway alone, without
 * starting Spring: a second run finds nothing to do and changes nothing.
 */
public final class Migrate {

    private Migrate() {
    }

    public static void main(String[] args) {
        DatabaseUrl url = DatabaseUrl.fromEnvironment();
        MigrateResult result = Flyway.configure()
                .dataSource(url.jdbcUrl(), url.user(), url.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        System.out.println("flyway: " + result.migrationsExecuted + " migration(s) applied, schema at version "
                + (result.targetSchemaVersion != null ? result.targetSchemaVersion : "(unchanged)"));
    }
}
