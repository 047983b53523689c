package shelf.errors;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * The errors a handler throws. A ResponseStatusException carries an RFC 9457 ProblemDetail,
 * which {@link ApiErrors} sends as application/problem+json:
 * {@code throw Problems.notFound("book", id);}
 */
public final class Problems {

    private Problems() {
    }

    public static ResponseStatusException notFound(String what, String id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no " + what + " with id " + id);
    }

    public static ResponseStatusException conflict(String detail) {
        return new ResponseStatusException(HttpStatus.CONFLICT, detail);
    }

    public static ResponseStatusException invalid(String detail) {
        return new ResponseStatusException(HttpStatus.UNPROCESSABLE_ENTITY, detail);
    }

    /** For the routes you have not built yet: 501. Delete it once every route works. */
    public static ResponseStatusException notImplemented(String task) {
        return new ResponseStatusException(HttpStatus.NOT_IMPLEMENTED,
                "not implemented yet: " + task + " (see LAB.md)");
    }
}
