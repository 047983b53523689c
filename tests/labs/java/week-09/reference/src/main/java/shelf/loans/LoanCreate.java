package shelf.loans;

import jakarta.validation.constraints.NotBlank;

/** The body of POST /v1/loans. */
public record LoanCreate(@NotBlank String bookId, @NotBlank String memberId) {
}
