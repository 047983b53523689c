package shelf.authors;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Spring Data writes the implementation: save, findById, existsById, ... each in its own
 * transaction unless the caller already runs one (a @Transactional service method).
 */
public interface AuthorRepository extends JpaRepository<AuthorEntity, Long> {
}
