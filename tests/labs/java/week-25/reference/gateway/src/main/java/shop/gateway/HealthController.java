package shop.gateway;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Health routes for the orchestrator (and the harness, which waits for /health/ready). */
@RestController
public class HealthController {

    private final CatalogClient catalog;

    public HealthController(CatalogClient catalog) {
        this.catalog = catalog;
    }

    // Liveness: the process works. Never ask the catalog here, or a dead catalog restarts the gateway.
    @GetMapping("/health/live")
    public Map<String, String> live() {
        return Map.of("status", "ok");
    }

    // Readiness: it can serve now. Ask the catalog, which answers or not, whatever traffic there was.
    @GetMapping("/health/ready")
    public ResponseEntity<Map<String, String>> ready() {
        boolean ready = catalog.reachable();
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body(Map.of("status", ready ? "ok" : "the catalog service does not answer"));
    }
}
