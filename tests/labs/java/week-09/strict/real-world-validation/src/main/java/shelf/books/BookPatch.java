package shelf.books;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.hibernate.validator.constraints.ISBN;

/**
 * The body of PATCH /v1/books/{id}: a field left out keeps its value. Jackson calls a setter
 * only for the fields the JSON holds, so {@code "year": null} (clear the year) can be told
 * apart from no year at all; a record could not tell them apart.
 */
public class BookPatch {

    @Size(min = 1, max = 200)
    private String title;
    @Size(min = 1, max = 40)
    @ISBN(type = ISBN.Type.ISBN_13)
    private String isbn;
    @Min(-3000)
    @Max(3000)
    private Integer year;
    private boolean yearSent;
    @Size(min = 1)
    private String authorId;
    @Size(max = 20)
    private List<@NotBlank @Size(max = 40) String> tags;
    @Min(0)
    @Max(10000)
    private Integer copiesTotal;

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public String getIsbn() {
        return isbn;
    }

    public void setIsbn(String isbn) {
        this.isbn = isbn;
    }

    public Integer getYear() {
        return year;
    }

    public void setYear(Integer year) {
        this.year = year;
        this.yearSent = true;
    }

    public boolean yearSent() {
        return yearSent;
    }

    public String getAuthorId() {
        return authorId;
    }

    public void setAuthorId(String authorId) {
        this.authorId = authorId;
    }

    public List<String> getTags() {
        return tags;
    }

    public void setTags(List<String> tags) {
        this.tags = tags;
    }

    public Integer getCopiesTotal() {
        return copiesTotal;
    }

    public void setCopiesTotal(Integer copiesTotal) {
        this.copiesTotal = copiesTotal;
    }
}
