package shelf.db;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Sets spring.datasource.url, .username and .password from DATABASE_URL before Spring Boot
 * configures the DataSource, so that Boot's own HikariCP pool (and every
 * spring.datasource.hikari.* property) works as usual. Registered in
 * META-INF/spring.factories. An explicit spring.datasource.url (a command-line argument, say)
 * wins: this source comes last.
 */
public class DatabaseEnvironment implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (System.getenv("DATABASE_URL") == null || environment.containsProperty("spring.datasource.url")) {
            return;
        }
        DatabaseUrl url = DatabaseUrl.fromEnvironment();
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", url.jdbcUrl());
        if (url.user() != null) {
            properties.put("spring.datasource.username", url.user());
        }
        if (url.password() != null) {
            properties.put("spring.datasource.password", url.password());
        }
        environment.getPropertySources().addLast(new MapPropertySource("DATABASE_URL", properties));
    }
}
