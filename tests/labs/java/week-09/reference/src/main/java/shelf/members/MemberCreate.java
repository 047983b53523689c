package shelf.members;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The body of POST /v1/members. */
public record MemberCreate(@NotBlank @Email @Size(max = 254) String email, @NotBlank @Size(max = 200) String name) {
}
