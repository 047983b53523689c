package shelf.oauth;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import shelf.accounts.AuthController;
import shelf.members.Member;
import shelf.security.JsonProblems;

/**
 * Sign-in with the provider: Spring Security's oauth2Login, on Shelf's paths. It keeps the pending
 * sign-in (state, nonce, code_verifier) in the session between the redirect and the callback,
 * refuses a callback whose state is missing or not the pending one before it uses the code,
 * exchanges the code with the verifier and the client's secret, and verifies the id_token (RS256
 * with the provider's JWKS, iss, aud, exp, nonce). What it answers is Shelf's: JSON, no redirect.
 */
@Component
public class OAuthSignIn {

    public static final String CALLBACK = "/v1/auth/oauth/callback";

    // Errors of the callback itself (no or another state, no code): the sign-in never reached the provider.
    private static final Set<String> BAD_CALLBACK = Set.of("authorization_request_not_found", "invalid_request",
            "invalid_state_parameter", "invalid_redirect_uri_parameter", "access_denied");

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final ProviderRegistration provider;
    private final Identities identities;
    private final AuthController auth;

    public OAuthSignIn(ProviderRegistration provider, Identities identities, AuthController auth) {
        this.provider = provider;
        this.identities = identities;
        this.auth = auth;
    }

    public void configure(HttpSecurity http) throws Exception {
        http.oauth2Login(login -> login
                .loginPage(PkceRequestResolver.LOGIN) // no generated HTML login page
                .authorizationEndpoint(a -> a.authorizationRequestResolver(new PkceRequestResolver(provider)))
                .redirectionEndpoint(r -> r.baseUri(CALLBACK))
                .successHandler(this::signedIn)
                .failureHandler(this::refused));
    }

    private void signedIn(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException {
        endSession(request);
        OidcUser user = (OidcUser) authentication.getPrincipal();
        Optional<Member> member = identities.link(user.getIssuer().toString(), user.getSubject(), user.getEmail(),
                user.getFullName());
        if (member.isEmpty()) {
            JsonProblems.write(response, HttpStatus.CONFLICT,
                    "an account with this e-mail exists: log in with its password");
            return;
        }
        response.setStatus(HttpStatus.OK.value());
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        JSON.writeValue(response.getOutputStream(), auth.pair(member.get()));
    }

    private void refused(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        String code = e instanceof OAuth2AuthenticationException oauth ? oauth.getError().getErrorCode() : "";
        if (BAD_CALLBACK.contains(code)) {
            JsonProblems.write(response, HttpStatus.BAD_REQUEST,
                    "the sign-in state is missing or does not match: start again at " + PkceRequestResolver.LOGIN);
            return;
        }
        endSession(request);
        JsonProblems.write(response, HttpStatus.UNAUTHORIZED, "the provider refused the sign-in (" + code + ")");
    }

    private static void endSession(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
    }
}
