package shelf.db;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * DATABASE_URL, {@code postgresql://user:password@host:5432/shelf}, the way JDBC takes it: a
 * {@code jdbc:postgresql://host:5432/shelf} URL, and the user and password apart (JDBC does
 * not read them from the URL's user-info part). The password may be percent-encoded.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

    public static DatabaseUrl fromEnvironment() {
        String url = System.getenv("DATABASE_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(
                    "DATABASE_URL is not set, e.g. postgresql://shelf:shelf@127.0.0.1:5432/shelf");
        }
        return parse(url);
    }

    public static DatabaseUrl parse(String url) {
        URI uri = URI.create(url);
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("DATABASE_URL must be a postgresql:// URL");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        String port = uri.getPort() > 0 ? ":" + uri.getPort() : "";
        String query = uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "";
        return new DatabaseUrl("jdbc:postgresql://" + uri.getHost() + port + uri.getRawPath() + query, user, password);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
