package shelf.books;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;

import shelf.errors.Problems;

/**
 * next_cursor: the position of the last book of a page and the sort it was issued for, as
 * base64url of JSON. The next page holds the books strictly after that position, so books
 * that share a title or a year are neither skipped nor repeated, and a book added or deleted
 * between two pages moves nothing. Anything else sent as a cursor is a 422.
 */
final class Cursor {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Token(String sort, String title, Integer year, long id) {
    }

    private Cursor() {
    }

    static String encode(BookOrder order, Book last) {
        Position at = Position.of(last);
        try {
            byte[] json = JSON.writeValueAsBytes(new Token(order.sort(), at.title(), at.year(), at.id()));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Position decode(String text, BookOrder order) {
        try {
            Token token = JSON.readValue(new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8),
                    Token.class);
            // JSON's null is valid JSON, and no token: readValue gives null for it.
            if (token != null && Objects.equals(token.sort(), order.sort()) && token.title() != null) {
                return new Position(token.title(), token.year(), token.id());
            }
        } catch (IllegalArgumentException | IOException e) {
            // not base64url, not JSON, or not our JSON: the same answer
        }
        throw Problems.invalid("cursor: not a next_cursor of this list (with this sort)");
    }
}
