package shelf.security;

import java.util.List;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** The two roles of the members table, as Spring Security authorities (hasRole("ADMIN")). */
public final class Roles {

    public static final String ADMIN = "ROLE_ADMIN";
    public static final String MEMBER = "ROLE_MEMBER";

    private Roles() {
    }

    /** Anything but 'admin' is a member: an unknown role never grants more. */
    public static List<GrantedAuthority> of(String role) {
        return List.of(new SimpleGrantedAuthority("admin".equals(role) ? ADMIN : MEMBER));
    }
}
