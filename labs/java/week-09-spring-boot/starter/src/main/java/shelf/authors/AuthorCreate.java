package shelf.authors;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The body of POST /v1/authors. Jackson fills it from the JSON; with {@code @Valid} on the
 * controller's parameter, Bean Validation then checks the constraints and Spring throws
 * MethodArgumentNotValidException when one fails.
 */
public record AuthorCreate(@NotBlank @Size(max = 200) String name) {
}
