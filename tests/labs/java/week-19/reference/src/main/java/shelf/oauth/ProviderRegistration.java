package shelf.oauth;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.stereotype.Component;

/**
 * The one provider, from OAUTH_ISSUER, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET and
 * OAUTH_REDIRECT_URI. Its endpoints come from the discovery document, read on the first sign-in
 * rather than at startup: the app starts (and answers /health) whether the provider is up or not.
 */
@Component
public class ProviderRegistration implements ClientRegistrationRepository {

    public static final String ID = "shelf";

    private volatile ClientRegistration registration;

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        return ID.equals(registrationId) ? registration() : null;
    }

    public ClientRegistration registration() {
        ClientRegistration known = registration;
        if (known == null) {
            synchronized (this) {
                if (registration == null) {
                    registration = ClientRegistrations.fromIssuerLocation(required("OAUTH_ISSUER"))
                            .registrationId(ID)
                            .clientId(required("OAUTH_CLIENT_ID"))
                            .clientSecret(required("OAUTH_CLIENT_SECRET"))
                            .redirectUri(required("OAUTH_REDIRECT_URI")) // exactly as registered
                            .scope("openid", "email", "profile")
                            .build();
                }
                known = registration;
            }
        }
        return known;
    }

    private static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set");
        }
        return value;
    }
}
