package shelf.accounts;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Refresh tokens: 256 random bits, opaque; the table keeps their SHA-256. The tokens of one login
 * form a family: each refresh spends one and issues the next, and a spent token that comes back
 * revokes the whole family (its thief or its owner holds the newer one, and we cannot tell which).
 */
@Repository
public class RefreshTokens {

    private static final Duration TTL = Duration.ofDays(14);

    /** What a spent token gave: its member and the next token of the family. */
    public record Rotated(long memberId, String token) {
    }

    private final JdbcTemplate jdbc;

    public RefreshTokens(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A new token, in a new family when familyId is null; the raw token, which nothing stores. */
    public String issue(long memberId, UUID familyId) {
        String raw = Secrets.random();
        jdbc.update("INSERT INTO refresh_tokens (member_id, family_id, token_hash, expires_at) VALUES (?, ?, ?, ?)",
                memberId, familyId != null ? familyId : UUID.randomUUID(), Secrets.sha256(raw), at(now().plus(TTL)));
        return raw;
    }

    /**
     * Spends a token. Empty when it is spent, revoked, expired or unknown; the family of a
     * known one is then revoked. Returns instead of throwing: an exception would roll this
     * transaction back, and the revocation with it.
     */
    @Transactional
    public Optional<Rotated> rotate(String raw) {
        String hash = Secrets.sha256(raw);
        // One statement checks and spends: of two concurrent refreshes, one wins.
        List<Object[]> spent = jdbc.query(
                "UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL "
                        + "AND revoked_at IS NULL AND expires_at > ? RETURNING member_id, family_id",
                (rs, i) -> new Object[] {rs.getLong(1), rs.getObject(2, UUID.class)}, at(now()), hash, at(now()));
        if (spent.isEmpty()) {
            jdbc.update("UPDATE refresh_tokens SET revoked_at = ? WHERE revoked_at IS NULL AND family_id = "
                    + "(SELECT family_id FROM refresh_tokens WHERE token_hash = ?)", at(now()), hash);
            return Optional.empty();
        }
        long memberId = (Long) spent.get(0)[0];
        return Optional.of(new Rotated(memberId, issue(memberId, (UUID) spent.get(0)[1])));
    }

    /** Logout: revokes the family of a live token; false when the token is not live. */
    public boolean revokeFamily(String raw) {
        return jdbc.update("UPDATE refresh_tokens SET revoked_at = ? WHERE revoked_at IS NULL AND family_id = "
                + "(SELECT family_id FROM refresh_tokens WHERE token_hash = ? AND used_at IS NULL "
                + "AND revoked_at IS NULL AND expires_at > ?)", at(now()), Secrets.sha256(raw), at(now())) > 0;
    }

    // The app's clock decides, never the database's now(): one clock for every expiry.
    private static Instant now() {
        return Instant.now();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
