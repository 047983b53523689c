package shelf.books;

/**
 * A book as the feed sends it and as GET /v1/books/stream passes it on: one JSON object per
 * line, these five fields, the names as they are here.
 */
public record Book(String isbn, String title, String author, int year, String summary) {
}
