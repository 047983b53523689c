package shelf.books;

import java.util.List;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import shelf.authors.AuthorEntity;

/**
 * A row of books. The author is LAZY: reading a book does not read its author unless a query
 * asks for it (join fetch, @EntityGraph); touching book.getAuthor().getName() on a book whose
 * author was not fetched runs one SELECT for that author, which is the N+1 of a list.
 */
@Entity
@Table(name = "books")
public class BookEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String title;

    @Column(nullable = false)
    private String isbn;

    private Integer year;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "author_id")
    private AuthorEntity author;

    /** text[]: a GIN index serves tags @> ARRAY[...] (HQL's array_contains). */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    private String[] tags;

    @Column(name = "copies_total", nullable = false)
    private int copiesTotal;

    @Column(name = "copies_available", nullable = false)
    private int copiesAvailable;

    protected BookEntity() {
    }

    public BookEntity(String title, String isbn, Integer year, AuthorEntity author, List<String> tags, int copies) {
        this.title = title;
        this.isbn = isbn;
        this.year = year;
        this.author = author;
        this.tags = tags.toArray(String[]::new);
        this.copiesTotal = copies;
        this.copiesAvailable = copies;
    }

    public Long getId() {
        return id;
    }

    public String getIsbn() {
        return isbn;
    }

    public AuthorEntity getAuthor() {
        return author;
    }

    public int getCopiesTotal() {
        return copiesTotal;
    }

    public int getCopiesAvailable() {
        return copiesAvailable;
    }

    void setTitle(String title) {
        this.title = title;
    }

    void setIsbn(String isbn) {
        this.isbn = isbn;
    }

    void setYear(Integer year) {
        this.year = year;
    }

    void setAuthor(AuthorEntity author) {
        this.author = author;
    }

    void setTags(List<String> tags) {
        this.tags = tags.toArray(String[]::new);
    }

    /** A new total; the copies on loan stay on loan. */
    void setCopiesTotal(int total) {
        this.copiesAvailable = total - (copiesTotal - copiesAvailable);
        this.copiesTotal = total;
    }

    /** The stored fields, as the weeks 9-12 record (what a cursor is made from). */
    Book book() {
        return new Book(String.valueOf(id), title, isbn, year, List.of(tags), String.valueOf(author.getId()),
                copiesTotal, copiesAvailable);
    }

    /** As the API sends it, with the author: reads the author, so fetch it with the book. */
    BookView view() {
        return BookView.of(book(), author.view());
    }
}
