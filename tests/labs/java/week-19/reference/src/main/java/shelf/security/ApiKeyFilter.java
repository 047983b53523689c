package shelf.security;

import java.io.IOException;
import java.util.Optional;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import shelf.accounts.ApiKeys;

/**
 * X-API-Key: the caller is the key's owner, with the owner's role, while the key is neither
 * revoked nor past its expires_at. A key that is sent and not valid is a 401 at once, never a
 * fall back to anonymous. Made by SecurityConfig, not a bean: Spring Boot would also put a
 * Filter bean in the servlet chain, and it would run twice.
 */
public class ApiKeyFilter extends OncePerRequestFilter {

    public static final String HEADER = "X-API-Key";

    private final ApiKeys keys;
    private final AuthenticationEntryPoint unauthorized;

    public ApiKeyFilter(ApiKeys keys, AuthenticationEntryPoint unauthorized) {
        this.keys = keys;
        this.unauthorized = unauthorized;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        if (key == null) {
            chain.doFilter(request, response);
            return;
        }
        Optional<ApiKeys.Owner> owner = keys.authenticate(key);
        if (owner.isEmpty()) {
            unauthorized.commence(request, response, new BadCredentialsException("the API key is not valid"));
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                owner.get().memberId(), null, Roles.of(owner.get().role())));
        SecurityContextHolder.setContext(context);
        chain.doFilter(request, response);
    }
}
