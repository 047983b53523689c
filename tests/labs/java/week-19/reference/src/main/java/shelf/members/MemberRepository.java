package shelf.members;

import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

public interface MemberRepository extends JpaRepository<MemberEntity, Long> {

    /** where lower(email) = lower(?): the same comparison as the unique index. */
    boolean existsByEmailIgnoreCase(String email);

    Optional<MemberEntity> findByEmailIgnoreCase(String email);
}
