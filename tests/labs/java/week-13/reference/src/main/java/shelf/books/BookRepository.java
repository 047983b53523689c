package shelf.books;

import java.util.Optional;

import org.springframework.data.jpa.repository.EntityGraph;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

import jakarta.persistence.LockModeType;

public interface BookRepository extends JpaRepository<BookEntity, Long> {

    /** The book with its author, in one SELECT (a join). */
    @EntityGraph(attributePaths = "author")
    Optional<BookEntity> findWithAuthorById(Long id);

    /** The book, locked (SELECT ... FOR UPDATE) until the transaction ends: a PATCH of
     *  copies_total then sees no loan come or go while it computes the new stock. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @EntityGraph(attributePaths = "author")
    @Query("select b from BookEntity b where b.id = :id")
    Optional<BookEntity> findForUpdate(@Param("id") Long id);

    boolean existsByIsbn(String isbn);

    /**
     * Takes a copy if one is left, in one statement: PostgreSQL locks the row, so of two
     * loans of the last copy one updates it and the other finds copies_available = 0 and
     * updates nothing (0 rows). Joins the caller's transaction.
     */
    @Transactional
    @Modifying
    @Query("update BookEntity b set b.copiesAvailable = b.copiesAvailable - 1 "
            + "where b.id = :id and b.copiesAvailable > 0")
    int takeCopy(@Param("id") Long id);

    @Transactional
    @Modifying
    @Query("update BookEntity b set b.copiesAvailable = b.copiesAvailable + 1 where b.id = :id")
    int returnCopy(@Param("id") Long id);
}
