package shelf.oauth;

import org.springframework.security.oauth2.client.web.AuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Defect: the pending sign-in is kept in the session and taken out by the first callback that
 * arrives, whatever state it carries: a forged callback is refused (Spring compares the states
 * afterwards), but it has spent the genuine sign-in, whose own callback then fails.
 */
public class PendingSignIn implements AuthorizationRequestRepository<OAuth2AuthorizationRequest> {

    private static final String KEY = PendingSignIn.class.getName();

    @Override
    public OAuth2AuthorizationRequest loadAuthorizationRequest(HttpServletRequest request) {
        var session = request.getSession(false);
        return session == null ? null : (OAuth2AuthorizationRequest) session.getAttribute(KEY);
    }

    @Override
    public void saveAuthorizationRequest(OAuth2AuthorizationRequest authorizationRequest, HttpServletRequest request,
            HttpServletResponse response) {
        if (authorizationRequest == null) {
            removeAuthorizationRequest(request, response);
            return;
        }
        request.getSession().setAttribute(KEY, authorizationRequest);
    }

    @Override
    public OAuth2AuthorizationRequest removeAuthorizationRequest(HttpServletRequest request,
            HttpServletResponse response) {
        OAuth2AuthorizationRequest pending = loadAuthorizationRequest(request);
        if (pending != null) {
            request.getSession().removeAttribute(KEY);
        }
        return pending;
    }
}
