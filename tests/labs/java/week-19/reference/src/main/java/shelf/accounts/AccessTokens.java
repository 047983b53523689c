package shelf.accounts;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import com.nimbusds.jose.jwk.source.ImmutableSecret;

import shelf.members.Member;

/**
 * Access tokens: JWTs signed with HS256 (Nimbus), 15 minutes, {sub, role, typ, iat, nbf, exp}.
 * The decoder pins HS256 and this key: "alg": "none", another algorithm, a key named in the
 * header (jwk, kid) or a changed payload all fail, and its default validators refuse a token
 * past exp or before nbf (60 s of clock skew).
 */
@Configuration
public class AccessTokens {

    public static final long TTL_S = 15 * 60;
    private static final String TYPE = "access";

    private final SecretKey key = secret();
    private final JwtEncoder encoder = new NimbusJwtEncoder(new ImmutableSecret<>(key));

    /** JWT_SECRET when it has 32 bytes or more, else random per process: tokens then end with a restart. */
    private static SecretKey secret() {
        String fromEnv = System.getenv("JWT_SECRET");
        byte[] bytes;
        if (fromEnv != null && fromEnv.getBytes(StandardCharsets.UTF_8).length >= 32) {
            bytes = fromEnv.getBytes(StandardCharsets.UTF_8);
        } else {
            bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
        }
        return new SecretKeySpec(bytes, "HmacSHA256");
    }

    public String issue(Member member) {
        Instant now = Instant.now();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .subject(member.id())
                .claim("role", member.role())
                .claim("typ", TYPE)
                .issuedAt(now)
                .notBefore(now) // a token minted by a clock that runs ahead is not valid yet
                .expiresAt(now.plusSeconds(TTL_S))
                .build();
        JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).build();
        return encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
    }

    /** The decoder of oauth2ResourceServer().jwt(): this app's access tokens and nothing else. */
    @Bean
    JwtDecoder accessTokenDecoder() {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefault(),
                jwt -> TYPE.equals(jwt.getClaimAsString("typ")) && jwt.getSubject() != null
                        ? OAuth2TokenValidatorResult.success()
                        : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "not an access token", null))));
        return decoder;
    }
}
