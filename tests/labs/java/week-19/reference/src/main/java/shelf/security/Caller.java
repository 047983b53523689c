package shelf.security;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.server.ResponseStatusException;

/**
 * Who is calling: the member id is the Authentication's name (a JWT's sub, or the owner of an
 * API key), the role its ROLE_ authority. Both kinds of credential look the same from here.
 */
public final class Caller {

    private Caller() {
    }

    public static String id(Authentication caller) {
        return caller.getName();
    }

    public static boolean isAdmin(Authentication caller) {
        return caller.getAuthorities().stream().anyMatch(a -> Roles.ADMIN.equals(a.getAuthority()));
    }

    public static boolean isSelfOrAdmin(Authentication caller, String memberId) {
        return caller != null && (isAdmin(caller) || id(caller).equals(memberId));
    }

    /** 403 unless the caller is the member in the path or an admin. */
    public static void requireSelfOrAdmin(Authentication caller, String memberId) {
        if (!isSelfOrAdmin(caller, memberId)) {
            throw forbidden("you may only see your own account");
        }
    }

    public static ResponseStatusException forbidden(String detail) {
        return new ResponseStatusException(HttpStatus.FORBIDDEN, detail);
    }

    public static ResponseStatusException unauthorized(String detail) {
        return new ResponseStatusException(HttpStatus.UNAUTHORIZED, detail);
    }
}
