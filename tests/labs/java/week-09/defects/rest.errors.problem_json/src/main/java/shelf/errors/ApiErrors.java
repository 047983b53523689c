package shelf.errors;

import java.util.Locale;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * One error shape for the whole API: RFC 9457 problem details, application/problem+json.
 *
 * <p>ResponseEntityExceptionHandler already answers Spring MVC's own exceptions with a
 * ProblemDetail: an unknown route (NoHandlerFoundException, 404), a wrong method
 * (HttpRequestMethodNotSupportedException, 405 with Allow listing every method of the path),
 * and every ResponseStatusException ({@link Problems}). The overrides below give invalid
 * input Shelf's statuses: 422 for what is well-formed but wrong, 400 for what is not JSON.
 */
@RestControllerAdvice
public class ApiErrors extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    /** A failed {@code @Valid @RequestBody}: 422, naming the fields as the client wrote them. */
    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = ex.getBindingResult().getFieldErrors().stream()
                .map(error -> jsonName(error.getField()) + ": " + error.getDefaultMessage())
                .sorted()
                .collect(Collectors.joining("; "));
        return problem(ex, HttpStatus.UNPROCESSABLE_ENTITY, detail.isEmpty() ? "invalid body" : detail, headers,
                request);
    }

    /** Not JSON at all: 400. JSON of the wrong shape ({"title": 42}, "year": "1999"): 422. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (ex.getCause() instanceof JsonMappingException mapping) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return problem(ex, HttpStatus.UNPROCESSABLE_ENTITY,
                    (field.isEmpty() ? "body" : field) + ": wrong type", headers, request);
        }
        return problem(ex, HttpStatus.BAD_REQUEST, "the body is not valid JSON", headers, request);
    }

    /** limit=abc: 422. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException mismatch ? mismatch.getName()
                : String.valueOf(ex.getPropertyName());
        return problem(ex, HttpStatus.UNPROCESSABLE_ENTITY, name + ": not a valid value", headers, request);
    }

    /** Constraints on {@code @RequestParam} (limit=0, sort=bogus): 422. */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = ex.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> paramName(result.getMethodParameter()) + ": " + error.getDefaultMessage()))
                .sorted()
                .collect(Collectors.joining("; "));
        return problem(ex, HttpStatus.UNPROCESSABLE_ENTITY, detail.isEmpty() ? "invalid parameter" : detail, headers,
                request);
    }

    /** Anything else is a bug: log it here, and send the client no stack trace and no message. */
    @ExceptionHandler(Exception.class)
    public ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
        log.error("unexpected error on {}", request.getDescription(false), ex);
        return problem(ex, HttpStatus.INTERNAL_SERVER_ERROR, "an unexpected error occurred", new HttpHeaders(),
                request);
    }

    private ResponseEntity<Object> problem(Exception ex, HttpStatus status, String detail, HttpHeaders headers,
            WebRequest request) {
        return handleExceptionInternal(ex, ProblemDetail.forStatusAndDetail(status, detail), headers, status,
                request);
    }

    private static String paramName(MethodParameter parameter) {
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        return param != null && !param.name().isEmpty() ? param.name() : String.valueOf(parameter.getParameterName());
    }

    /** authorId -> author_id: the JSON names (spring.jackson.property-naming-strategy=SNAKE_CASE). */
    private static String jsonName(String field) {
        return field.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }
}
