package shelf.loans;

import java.time.Instant;

/**
 * A loan: {"id", "book_id", "member_id", "borrowed_at", "returned_at"}; Jackson writes the
 * instants as ISO-8601 strings ("2025-01-31T09:30:00Z").
 *
 * @param returnedAt null while the book is out
 */
public record Loan(String id, String bookId, String memberId, Instant borrowedAt, Instant returnedAt) {
}
