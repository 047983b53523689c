package shelf.security;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

import shelf.accounts.ApiKeys;
import shelf.oauth.OAuthSignIn;

/**
 * Who may call what. Stateless: a request is authenticated by its Bearer access token (a JWT
 * this app signed, AccessTokens) or its X-API-Key, never by a session; the only session is the
 * one that holds a pending sign-in with the provider between its redirect and its callback.
 */
@Configuration
@EnableWebSecurity
public class SecurityConfig {

    public static final String ALLOWED_ORIGIN = "https://app.shelf.test";

    // Spring's default answer to an anonymous caller on a protected route is 403 (or a redirect
    // to a login page once oauth2Login is on): the contract wants 401, as problem+json.
    private static final AuthenticationEntryPoint UNAUTHORIZED = (request, response, e) -> {
        response.setHeader("WWW-Authenticate", "Bearer");
        JsonProblems.write(response, HttpStatus.UNAUTHORIZED, "a valid access token or API key is required");
    };

    private static final AccessDeniedHandler FORBIDDEN = (request, response, e) ->
            JsonProblems.write(response, HttpStatus.FORBIDDEN, "only an admin may do this");

    @Bean
    SecurityFilterChain api(HttpSecurity http, ApiKeys apiKeys, OAuthSignIn signIn) throws Exception {
        http.csrf(csrf -> csrf.disable()) // no cookie authenticates a request: nothing to forge
                .cors(cors -> { }) // the corsConfigurationSource bean below
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .headers(h -> h
                        .referrerPolicy(r -> r.policy(ReferrerPolicy.NO_REFERRER))
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; frame-ancestors 'none'")))
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.POST, "/v1/authors", "/v1/books", "/v1/members").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.PATCH, "/v1/books/**").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.DELETE, "/v1/books/**").hasRole("ADMIN")
                        .requestMatchers("/v1/me", "/v1/me/**", "/v1/members/**", "/v1/loans", "/v1/loans/**")
                        .authenticated()
                        // the health route, the catalog's reads, /v1/auth/**, and unknown routes (404)
                        .anyRequest().permitAll())
                .exceptionHandling(e -> e.authenticationEntryPoint(UNAUTHORIZED).accessDeniedHandler(FORBIDDEN))
                .oauth2ResourceServer(rs -> rs
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(
                                token -> new JwtAuthenticationToken(token, Roles.of(token.getClaimAsString("role")),
                                        token.getSubject())))
                        .authenticationEntryPoint(UNAUTHORIZED))
                .addFilterBefore(new ApiKeyFilter(apiKeys, UNAUTHORIZED), BearerTokenAuthenticationFilter.class);
        signIn.configure(http);
        return http.build();
    }

    /** CORS for the Shelf web app only, compared exactly: no pattern, no reflection of any origin. */
    @Bean
    CorsConfigurationSource corsConfigurationSource() {
        CorsConfiguration config = new CorsConfiguration();
        config.setAllowedOrigins(List.of(ALLOWED_ORIGIN));
        config.setAllowCredentials(true);
        config.setAllowedMethods(List.of("GET", "POST", "PATCH", "DELETE"));
        config.setAllowedHeaders(List.of("Authorization", "Content-Type", "X-API-Key"));
        config.setMaxAge(600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/**", config);
        return source;
    }
}
