package shelf.accounts;

import java.nio.charset.StandardCharsets;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Password hashing with bcrypt. bcrypt reads only the first 72 bytes of its input, so a longer
 * password is refused (422 at registration, a failed login at login) instead of being cut short.
 */
@Component
public class Passwords {

    static final int COST = 10; // OWASP: at least 10 (about 60 ms a hash); each step doubles every login's cost
    static final int MIN_LENGTH = 12;
    static final int MAX_BYTES = 72;

    private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(COST);

    // Compared against when the e-mail is unknown, so that both failures cost one bcrypt
    // comparison and an attacker cannot tell registered addresses by the answer's speed.
    private final String dummyHash = bcrypt.encode("not-a-real-password");

    /** Why a new password is not acceptable, or null. */
    public String weakness(String password) {
        if (password == null) {
            return "password is required";
        }
        if (password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return "password must have at least " + MIN_LENGTH + " characters";
        }
        if (bytes(password) > MAX_BYTES) {
            return "password must have at most " + MAX_BYTES + " bytes (UTF-8)";
        }
        return null;
    }

    /** A new random salt every time, stored in the hash ($2a$10$...). */
    public String hash(String password) {
        return bcrypt.encode(password);
    }

    /** True when password matches storedHash; a missing hash or password still costs one comparison. */
    public boolean verify(String password, String storedHash) {
        if (password == null || bytes(password) > MAX_BYTES) {
            bcrypt.matches("x", dummyHash);
            return false;
        }
        boolean ok = bcrypt.matches(password, storedHash != null ? storedHash : dummyHash);
        return ok && storedHash != null;
    }

    private static int bytes(String password) {
        return password.getBytes(StandardCharsets.UTF_8).length;
    }
}
