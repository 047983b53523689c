package shelf.oauth;

import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

import jakarta.servlet.http.HttpServletRequest;

/**
 * GET /v1/auth/oauth/login starts a sign-in with the one provider (Spring's own resolver wants
 * the registration id in the path). Every request gets a new state (256 bits), nonce and PKCE
 * code_verifier (S256): Spring adds PKCE by itself only for public clients, and Shelf has a secret.
 */
public class PkceRequestResolver implements OAuth2AuthorizationRequestResolver {

    public static final String LOGIN = "/v1/auth/oauth/login";

    private final DefaultOAuth2AuthorizationRequestResolver delegate;

    public PkceRequestResolver(ProviderRegistration provider) {
        delegate = new DefaultOAuth2AuthorizationRequestResolver(provider, LOGIN);
        delegate.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
    }

    @Override
    public OAuth2AuthorizationRequest resolve(HttpServletRequest request) {
        return LOGIN.equals(request.getRequestURI()) ? delegate.resolve(request, ProviderRegistration.ID) : null;
    }

    @Override
    public OAuth2AuthorizationRequest resolve(HttpServletRequest request, String clientRegistrationId) {
        return delegate.resolve(request, clientRegistrationId);
    }
}
