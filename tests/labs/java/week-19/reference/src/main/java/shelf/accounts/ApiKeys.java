package shelf.accounts;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * API keys: 256 random bits, shown once; the table keeps their SHA-256. A rotated key keeps
 * working for GRACE (its expires_at), a revoked one stops at once (revoked_at). Every time is
 * the app's clock, never the database's now(): one clock decides.
 */
@Repository
public class ApiKeys {

    static final Duration GRACE = Duration.ofHours(1);

    /** The key as its creation shows it: the only time the raw key is seen. */
    public record Created(String id, String name, String key) {
    }

    public record Owner(String memberId, String role) {
    }

    private final JdbcTemplate jdbc;

    public ApiKeys(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Created create(long memberId, String name) {
        String key = "shk_" + Secrets.random();
        Long id = jdbc.queryForObject(
                "INSERT INTO api_keys (member_id, name, key_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                Long.class, memberId, name, Secrets.sha256(key), at(Instant.now()));
        return new Created(String.valueOf(id), name, key);
    }

    /** A new key in place of a live one, which ends GRACE from now; empty when there is no such key. */
    @Transactional
    public Optional<Created> rotate(long memberId, long id) {
        Instant now = Instant.now();
        List<String> names = jdbc.queryForList(
                "UPDATE api_keys SET expires_at = ? WHERE id = ? AND member_id = ? AND revoked_at IS NULL "
                        + "AND (expires_at IS NULL OR expires_at > ?) RETURNING name",
                String.class, at(now.plus(GRACE)), id, memberId, at(now));
        return names.isEmpty() ? Optional.empty() : Optional.of(create(memberId, names.get(0)));
    }

    public boolean revoke(long memberId, long id) {
        return jdbc.update("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND member_id = ? AND revoked_at IS NULL",
                at(Instant.now()), id, memberId) > 0;
    }

    /** The owner of a live key. */
    public Optional<Owner> authenticate(String key) {
        if (key.length() > 200) {
            return Optional.empty();
        }
        return jdbc.query("SELECT m.id, m.role FROM api_keys k JOIN members m ON m.id = k.member_id "
                        + "WHERE k.key_hash = ? AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)",
                (rs, i) -> new Owner(String.valueOf(rs.getLong(1)), rs.getString(2)), Secrets.sha256(key),
                at(Instant.now())).stream().findFirst();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
