package shelf.books;

import java.util.List;

import shelf.authors.Author;

/** A book as sent: the stored fields plus "author": {"id", "name"}. */
public record BookView(String id, String title, String isbn, Integer year, List<String> tags, String authorId,
                       int copiesTotal, int copiesAvailable, Author author) {

    static BookView of(Book b, Author author) {
        return new BookView(b.id(), b.title(), b.isbn(), b.year(), b.tags(), b.authorId(), b.copiesTotal(),
                b.copiesAvailable(), author);
    }
}
