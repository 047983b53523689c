package shelf.errors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * One error shape for the whole API: RFC 9457 problem details, application/problem+json.
 *
 * <p>ResponseEntityExceptionHandler already answers Spring MVC's own exceptions with a
 * ProblemDetail: an unknown route (NoHandlerFoundException, 404), a wrong method
 * (HttpRequestMethodNotSupportedException, 405 with Allow), an unreadable body, a failed
 * {@code @Valid}, a query parameter of the wrong type, and every ResponseStatusException
 * ({@link Problems}). Override its {@code handle...} methods where Shelf wants another status.
 */
@RestControllerAdvice
public class ApiErrors extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    // TODO (LAB.md, task 2): a failed @Valid on a body (MethodArgumentNotValidException) is 422,
    // not Spring's 400; say which fields are wrong in the detail.
    // TODO (LAB.md, task 2): an unreadable body (HttpMessageNotReadableException) is 400 when it is
    // not JSON at all, and 422 when it is JSON of the wrong shape ({"title": 42}): look at its cause.
    // TODO (LAB.md, task 4): bad query parameters are 422 too: limit=abc (TypeMismatchException),
    // limit=0 or sort=bogus (HandlerMethodValidationException, from constraints on @RequestParam).

    /** Anything else is a bug: log it here, and send the client no stack trace and no message. */
    @ExceptionHandler(Exception.class)
    public ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
        log.error("unexpected error on {}", request.getDescription(false), ex);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "an unexpected error occurred");
        return handleExceptionInternal(ex, body, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
    }
}
