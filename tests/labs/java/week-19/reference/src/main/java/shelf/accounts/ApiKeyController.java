package shelf.accounts;

import java.net.URI;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import shelf.db.Ids;
import shelf.errors.Problems;
import shelf.security.Caller;

/** /v1/me/api-keys: the caller's API keys. A key is shown once, in the answer that creates it. */
@RestController
@RequestMapping("/v1/me/api-keys")
public class ApiKeyController {

    public record NewKey(String name) {
    }

    private final ApiKeys keys;

    public ApiKeyController(ApiKeys keys) {
        this.keys = keys;
    }

    @PostMapping
    public ResponseEntity<ApiKeys.Created> create(@RequestBody(required = false) NewKey body, Authentication caller) {
        String name = body == null || body.name() == null ? "default" : body.name().trim();
        if (name.isEmpty() || name.length() > 100) {
            throw Problems.invalid("name must be a short text");
        }
        return created(keys.create(owner(caller), name));
    }

    @PostMapping("/{id}/rotate")
    public ResponseEntity<ApiKeys.Created> rotate(@PathVariable String id, Authentication caller) {
        return created(keys.rotate(owner(caller), keyId(id)).orElseThrow(() -> Problems.notFound("API key", id)));
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> revoke(@PathVariable String id, Authentication caller) {
        if (!keys.revoke(owner(caller), keyId(id))) {
            throw Problems.notFound("API key", id);
        }
        return ResponseEntity.noContent().build();
    }

    private static ResponseEntity<ApiKeys.Created> created(ApiKeys.Created key) {
        return ResponseEntity.created(URI.create("/v1/me/api-keys/" + key.id()))
                .cacheControl(CacheControl.noStore()).body(key);
    }

    private static long owner(Authentication caller) {
        return Long.parseLong(Caller.id(caller));
    }

    private static long keyId(String id) {
        Long key = Ids.parse(id);
        if (key == null) {
            throw Problems.notFound("API key", id);
        }
        return key;
    }
}
