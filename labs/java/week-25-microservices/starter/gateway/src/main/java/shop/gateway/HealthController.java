package shop.gateway;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Health routes for the orchestrator (and the harness, which waits for /health/ready). */
@RestController
public class HealthController {

    // TODO (micro.health.ready_vs_live): liveness and readiness answer different questions.
    @GetMapping({"/health/live", "/health/ready"})
    public Map<String, String> health() {
        return Map.of("status", "ok");
    }
}
