package shelf.docs;

import java.util.List;
import java.util.Map;

/**
 * What the controllers' signatures do not tell springdoc, as data: {@link ApiDocs} completes
 * the document with it.
 */
final class Contract {

    private Contract() {
    }

    /** The success status of an operation, and the errors its handler throws itself. */
    record Answers(int success, List<Integer> errors) {

        static Answers of(int success, Integer... errors) {
            return new Answers(success, List.of(errors));
        }
    }

    /** "METHOD /path" as springdoc writes it; an operation not listed answers 200. */
    static final Map<String, Answers> ANSWERS = Map.ofEntries(
            Map.entry("POST /v1/authors", Answers.of(201)),
            Map.entry("GET /v1/authors/{id}", Answers.of(200, 404)),
            Map.entry("POST /v1/books", Answers.of(201, 409)),
            Map.entry("GET /v1/books/{id}", Answers.of(200, 404)),
            Map.entry("PATCH /v1/books/{id}", Answers.of(200, 404, 409)),
            Map.entry("DELETE /v1/books/{id}", Answers.of(204, 404)),
            Map.entry("POST /v1/members", Answers.of(201, 409)),
            Map.entry("POST /v1/loans", Answers.of(201, 404, 409)),
            Map.entry("POST /v1/loans/{id}/return", Answers.of(200, 404, 409)));

    /** The fields that may be null, sent or received. */
    static final Map<String, List<String>> NULLABLE = Map.of(
            "BookPage", List.of("next_cursor"),
            "Loan", List.of("returned_at"),
            "BookCreate", List.of("year"),
            "BookPatch", List.of("year"));
}
