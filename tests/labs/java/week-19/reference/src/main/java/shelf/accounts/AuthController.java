package shelf.accounts;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.servlet.http.HttpServletRequest;
import shelf.errors.Problems;
import shelf.members.Member;
import shelf.members.MemberEntity;
import shelf.members.MemberRepository;
import shelf.security.Caller;

/** Register, login, refresh, logout (Shelf's Accounts section). */
@RestController
@RequestMapping("/v1/auth")
public class AuthController {

    private static final Pattern EMAIL = Pattern.compile("^[^\\s@]+@[^\\s@]+$");
    private static final String WRONG = "email or password is wrong";

    /** Only these fields are read: a "role" (or "is_admin") in the body is ignored. */
    public record Register(String email, String password, String name) {
    }

    public record Login(String email, String password) {
    }

    public record Refresh(String refreshToken) {
    }

    private final MemberRepository members;
    private final Passwords passwords;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final LoginLimiter limiter;

    public AuthController(MemberRepository members, Passwords passwords, AccessTokens accessTokens,
            RefreshTokens refreshTokens, LoginLimiter limiter) {
        this.members = members;
        this.passwords = passwords;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.limiter = limiter;
    }

    @PostMapping("/register")
    public ResponseEntity<Member> register(@RequestBody Register body) {
        String email = normalized(body.email());
        if (!EMAIL.matcher(email).matches()) {
            throw Problems.invalid("email must be an address like name@example.org");
        }
        if (body.name() == null || body.name().isBlank()) {
            throw Problems.invalid("name is required");
        }
        String weakness = passwords.weakness(body.password());
        if (weakness != null) {
            throw Problems.invalid(weakness);
        }
        Member member;
        try {
            if (members.existsByEmailIgnoreCase(email)) {
                throw Problems.conflict("an account with this email already exists");
            }
            member = members.save(new MemberEntity(email, body.name().trim(), passwords.hash(body.password()))).view();
        } catch (DataIntegrityViolationException e) {
            throw Problems.conflict("an account with this email already exists");
        }
        return ResponseEntity.created(URI.create("/v1/members/" + member.id()))
                .cacheControl(CacheControl.noStore()).body(member);
    }

    @PostMapping("/login")
    public ResponseEntity<?> login(@RequestBody Login body, HttpServletRequest request) {
        String email = normalized(body.email());
        long wait = limiter.retryAfterSeconds(email, request.getRemoteAddr());
        if (wait > 0) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                    "too many failed logins for this account; try again later");
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", String.valueOf(wait))
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        MemberEntity member = email.isEmpty() ? null : members.findByEmailIgnoreCase(email).orElse(null);
        // The same answer, and the same bcrypt work, for an unknown e-mail and a wrong password.
        boolean ok = passwords.verify(body.password(), member == null ? null : member.getPasswordHash());
        if (member == null || !ok) {
            limiter.failed(email, request.getRemoteAddr());
            throw Caller.unauthorized(WRONG);
        }
        return noStore(pair(member.view()));
    }

    @PostMapping("/refresh")
    public ResponseEntity<TokenPair> refresh(@RequestBody Refresh body) {
        RefreshTokens.Rotated rotated = body.refreshToken() == null ? null
                : refreshTokens.rotate(body.refreshToken()).orElse(null);
        Member member = rotated == null ? null : members.findById(rotated.memberId()).map(MemberEntity::view).orElse(null);
        if (member == null) {
            throw Caller.unauthorized("the refresh token is not valid");
        }
        return noStore(TokenPair.bearer(accessTokens.issue(member), rotated.token()));
    }

    @PostMapping("/logout")
    public ResponseEntity<Void> logout(@RequestBody Refresh body) {
        if (body.refreshToken() == null || !refreshTokens.revokeFamily(body.refreshToken())) {
            throw Caller.unauthorized("the refresh token is not valid");
        }
        return ResponseEntity.noContent().build();
    }

    /** A new token pair in a new family: login, and the provider's callback. */
    public TokenPair pair(Member member) {
        return TokenPair.bearer(accessTokens.issue(member), refreshTokens.issue(Long.parseLong(member.id()), null));
    }

    // Answers that carry tokens must not be stored by any cache (RFC 6749 §5.1).
    private static <T> ResponseEntity<T> noStore(T body) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
    }

    private static String normalized(String email) {
        return email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
    }
}
