package shelf.books;

import java.util.List;

/** One page of GET /v1/books: {"items": [...], "next_cursor": "..." or null on the last page}. */
public record BookPage(List<BookView> items, String nextCursor) {
}
