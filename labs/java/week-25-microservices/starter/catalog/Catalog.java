import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalog service: the products, in memory. It is complete; the lab's work is the gateway
 * (and a Dockerfile for each service).
 *
 * <p>Plain Java on the JDK's own HTTP server, one file, no dependency: `java catalog/Catalog.java`
 * compiles and runs it in a fraction of a second, which matters because the checks kill it and
 * start it again.
 */
public final class Catalog {

    record Product(int id, String isbn, String title, int priceCents) {
        String json() {
            return "{\"id\":%d,\"isbn\":\"%s\",\"title\":\"%s\",\"price_cents\":%d}".formatted(id, isbn, title, priceCents);
        }
    }

    // The catalog's books: real titles with their real ISBN-13s.
    static final List<Product> PRODUCTS = List.of(
            new Product(1, "9780131103627", "The C Programming Language", 5499),
            new Product(2, "9780201633610", "Design Patterns", 4999),
            new Product(3, "9780132350884", "Clean Code", 3999),
            new Product(4, "9781491950357", "Building Microservices", 4499),
            new Product(5, "9781449373320", "Designing Data-Intensive Applications", 5999));

    static final Pattern ONE = Pattern.compile("^/products/(\\d+)$");

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8081"));
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/", Catalog::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        // SIGTERM: stop taking connections, give the requests already in a moment, then exit.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(2)));
        server.start();
        System.out.println("catalog listening on " + port);
    }

    static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, problem("method not allowed", 405), "application/problem+json");
                return;
            }
            if (path.equals("/health")) {
                send(exchange, 200, "{\"status\":\"ok\"}", "application/json");
                return;
            }
            if (path.equals("/products")) {
                StringBuilder items = new StringBuilder();
                for (Product p : PRODUCTS) {
                    items.append(items.isEmpty() ? "" : ",").append(p.json());
                }
                send(exchange, 200, "{\"items\":[" + items + "]}", "application/json");
                return;
            }
            Matcher one = ONE.matcher(path);
            if (one.matches()) {
                long id = Long.parseLong(one.group(1).length() > 9 ? "0" : one.group(1));
                for (Product p : PRODUCTS) {
                    if (p.id() == id) {
                        send(exchange, 200, p.json(), "application/json");
                        return;
                    }
                }
                send(exchange, 404, problem("no such product", 404), "application/problem+json");
                return;
            }
            send(exchange, 404, problem("not found", 404), "application/problem+json");
        }
    }

    static String problem(String title, int status) {
        return "{\"title\":\"%s\",\"status\":%d}".formatted(title, status);
    }

    static void send(HttpExchange exchange, int status, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
