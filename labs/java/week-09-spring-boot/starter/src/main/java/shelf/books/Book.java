package shelf.books;

import java.util.List;

/**
 * A book as stored. What GET /v1/books/{id} sends also embeds its author:
 * {"id", "title", "isbn", "year", "tags", "author_id", "copies_total", "copies_available",
 * "author": {"id", "name"}}. Records are immutable: a change stores a new Book.
 *
 * @param year null when unknown
 * @param copiesAvailable copiesTotal minus the copies out on loan
 */
public record Book(String id, String title, String isbn, Integer year, List<String> tags, String authorId,
                   int copiesTotal, int copiesAvailable) {
}
