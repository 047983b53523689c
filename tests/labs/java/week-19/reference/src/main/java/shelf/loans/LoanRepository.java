package shelf.loans;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import jakarta.persistence.LockModeType;

public interface LoanRepository extends JpaRepository<LoanEntity, Long> {

    /** SELECT ... FOR UPDATE: of two returns of one loan, the second waits and sees it returned. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select l from LoanEntity l where l.id = :id")
    Optional<LoanEntity> findForUpdate(@Param("id") Long id);

    /** GET /v1/members/{id}/loans. */
    List<LoanEntity> findByMemberIdOrderById(Long memberId);
}
