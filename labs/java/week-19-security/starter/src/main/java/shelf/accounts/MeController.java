package shelf.accounts;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import shelf.errors.Problems;

/** The caller's own account and API keys. */
@RestController
public class MeController {

    // TODO (LAB.md, task 3): the caller (an Authentication parameter: its name is your token's sub).
    @GetMapping("/v1/me")
    public Object me() {
        throw Problems.notImplemented("task 3, GET /v1/me");
    }

    // TODO (LAB.md, task 8): 201 {id, name, key}: the key, shown this once, stored as its SHA-256.
    @PostMapping("/v1/me/api-keys")
    public Object createKey() {
        throw Problems.notImplemented("task 8, POST /v1/me/api-keys");
    }

    // TODO (LAB.md, task 8): 201, a new key; the old one keeps working for one hour, then never.
    @PostMapping("/v1/me/api-keys/{id}/rotate")
    public Object rotateKey(@PathVariable String id) {
        throw Problems.notImplemented("task 8, POST /v1/me/api-keys/{id}/rotate");
    }

    // TODO (LAB.md, task 8): 204, and the key stops working at once.
    @DeleteMapping("/v1/me/api-keys/{id}")
    public Object revokeKey(@PathVariable String id) {
        throw Problems.notImplemented("task 8, DELETE /v1/me/api-keys/{id}");
    }
}
