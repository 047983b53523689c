package shelf.oauth;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import shelf.errors.Problems;

/**
 * Sign-in with the harness's OpenID provider (LAB.md, task 7). With Spring Security's
 * oauth2Login on these two paths, its filters answer them and this controller can go.
 */
@RestController
public class OAuthController {

    // TODO (LAB.md, task 7): 302 to the provider's authorization_endpoint: code flow, PKCE S256, a state.
    @GetMapping("/v1/auth/oauth/login")
    public Object login() {
        throw Problems.notImplemented("task 7, GET /v1/auth/oauth/login");
    }

    // TODO (LAB.md, task 7): the state checked before the code is used; 200 with the app's own
    // tokens for the account linked to the provider's (issuer, sub).
    @GetMapping("/v1/auth/oauth/callback")
    public Object callback() {
        throw Problems.notImplemented("task 7, GET /v1/auth/oauth/callback");
    }
}
