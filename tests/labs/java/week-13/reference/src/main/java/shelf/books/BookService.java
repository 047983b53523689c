package shelf.books;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import shelf.authors.AuthorEntity;
import shelf.authors.AuthorRepository;
import shelf.db.Ids;
import shelf.errors.Problems;

/**
 * The books, each operation one transaction. The JSON views are built inside it: with
 * spring.jpa.open-in-view=false nothing lazy can be read once the method has returned.
 */
@Service
@Transactional
public class BookService {

    private final BookRepository books;
    private final AuthorRepository authors;
    private final EntityManager em;

    public BookService(BookRepository books, AuthorRepository authors, EntityManager em) {
        this.books = books;
        this.authors = authors;
        this.em = em;
    }

    /**
     * One page, in ONE query: the authors are join-fetched with the books. The JPQL is built
     * from fixed pieces, one per filter sent; every value is a bound parameter.
     */
    @Transactional(readOnly = true)
    public BookPage list(String authorId, String tag, String q, BookOrder order, Position after, int limit) {
        StringBuilder jpql = new StringBuilder("select b from BookEntity b join fetch b.author where true");
        Map<String, Object> params = new TreeMap<>();
        if (authorId != null) {
            Long id = Ids.parse(authorId);
            if (id == null) {
                return new BookPage(List.of(), null); // names no author: no book
            }
            jpql.append(" and b.author.id = :authorId");
            params.put("authorId", id);
        }
        if (tag != null) {
            jpql.append(" and array_contains(b.tags, :tag)"); // tags @> ARRAY[:tag]: the GIN index
            params.put("tag", tag);
        }
        if (q != null) {
            jpql.append(" and lower(b.title) like :q escape '\\'");
            params.put("q", "%" + likeEscaped(q.toLowerCase(Locale.ROOT)) + "%");
        }
        Keyset keyset = Keyset.of(order.sort());
        if (after != null) {
            jpql.append(" and ").append(keyset.after());
            params.putAll(keyset.values(after));
        }
        jpql.append(" order by ").append(keyset.orderBy());
        TypedQuery<BookEntity> query = em.createQuery(jpql.toString(), BookEntity.class);
        params.forEach(query::setParameter);
        List<BookEntity> rows = query.setMaxResults(limit + 1).getResultList();
        List<BookEntity> page = rows.subList(0, Math.min(limit, rows.size()));
        String next = rows.size() > limit ? Cursor.encode(order, page.get(page.size() - 1).book()) : null;
        return new BookPage(page.stream().map(BookEntity::view).toList(), next);
    }

    public BookView create(BookCreate body) {
        AuthorEntity author = author(body.authorId());
        if (books.existsByIsbn(body.isbn())) {
            throw Problems.conflict("a book with isbn " + body.isbn() + " exists");
        }
        int copies = body.copiesTotal() == null ? 1 : body.copiesTotal();
        BookEntity book = new BookEntity(body.title(), body.isbn(), body.year(),
                author, body.tags() == null ? List.of() : body.tags(), copies);
        return books.save(book).view();
    }

    @Transactional(readOnly = true)
    public BookView get(String id) {
        Long key = Ids.parse(id);
        return (key == null ? java.util.Optional.<BookEntity>empty() : books.findWithAuthorById(key))
                .orElseThrow(() -> Problems.notFound("book", id)).view();
    }

    public BookView update(String id, BookPatch patch) {
        Long key = Ids.parse(id);
        BookEntity book = (key == null ? java.util.Optional.<BookEntity>empty() : books.findForUpdate(key))
                .orElseThrow(() -> Problems.notFound("book", id));
        if (patch.getAuthorId() != null) {
            book.setAuthor(author(patch.getAuthorId()));
        }
        if (patch.getIsbn() != null && !patch.getIsbn().equals(book.getIsbn())) {
            if (books.existsByIsbn(patch.getIsbn())) {
                throw Problems.conflict("a book with isbn " + patch.getIsbn() + " exists");
            }
            book.setIsbn(patch.getIsbn());
        }
        if (patch.getCopiesTotal() != null) {
            int onLoan = book.getCopiesTotal() - book.getCopiesAvailable();
            if (patch.getCopiesTotal() < onLoan) {
                throw Problems.conflict("copies_total cannot drop below the " + onLoan + " copies on loan");
            }
            book.setCopiesTotal(patch.getCopiesTotal());
        }
        if (patch.getTitle() != null) {
            book.setTitle(patch.getTitle());
        }
        if (patch.yearSent()) {
            book.setYear(patch.getYear());
        }
        if (patch.getTags() != null) {
            book.setTags(patch.getTags());
        }
        return book.view(); // Hibernate writes the changes at commit (dirty checking)
    }

    public void delete(String id) {
        Long key = Ids.parse(id);
        if (key == null || !books.existsById(key)) {
            throw Problems.notFound("book", id);
        }
        books.deleteById(key);
    }

    private AuthorEntity author(String authorId) {
        Long key = Ids.parse(authorId);
        return (key == null ? java.util.Optional.<AuthorEntity>empty() : authors.findById(key))
                .orElseThrow(() -> Problems.invalid("author_id: no author with id " + authorId));
    }

    /** % and _ in q match themselves. */
    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /**
     * Where a page continues: strictly after the last book's (sort key, id), compared as a row
     * in the same order the query sorts by, so that ties are neither skipped nor repeated. A
     * missing year sorts last both ways (a key beyond every year).
     */
    private record Keyset(String key, boolean descending) {

        static Keyset of(String sort) {
            if (sort == null) {
                return new Keyset(null, false);
            }
            return switch (sort) {
                case "title" -> new Keyset("title", false);
                case "-title" -> new Keyset("title", true);
                case "year" -> new Keyset("coalesce(b.year, 100000)", false);
                default -> new Keyset("coalesce(b.year, -100000)", true);
            };
        }

        private List<String> columns() {
            List<String> columns = new ArrayList<>();
            if ("title".equals(key)) {
                columns.add("lower(b.title)");
                columns.add("b.title");
            } else if (key != null) {
                columns.add(key);
            }
            columns.add("b.id");
            return columns;
        }

        String orderBy() {
            String direction = descending ? " desc" : "";
            return String.join(", ", columns().stream().map(c -> c + direction).toList());
        }

        String after() {
            List<String> columns = columns();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                names.add(":k" + i);
            }
            return "(" + String.join(", ", columns) + ") " + (descending ? "<" : ">") + " ("
                    + String.join(", ", names) + ")";
        }

        Map<String, Object> values(Position at) {
            List<Object> values = new ArrayList<>();
            if ("title".equals(key)) {
                values.add(at.title().toLowerCase(Locale.ROOT));
                values.add(at.title());
            } else if (key != null) {
                values.add(at.year() != null ? at.year() : (descending ? -100000 : 100000));
            }
            values.add(at.id());
            Map<String, Object> named = new TreeMap<>();
            for (int i = 0; i < values.size(); i++) {
                named.put("k" + i, values.get(i));
            }
            return named;
        }
    }
}
