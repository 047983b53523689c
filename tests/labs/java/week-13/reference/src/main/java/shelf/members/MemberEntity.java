package shelf.members;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of members; the migration makes lower(email) unique. */
@Entity
@Table(name = "members")
public class MemberEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String email;

    @Column(nullable = false)
    private String name;

    protected MemberEntity() {
    }

    public MemberEntity(String email, String name) {
        this.email = email;
        this.name = name;
    }

    public Member view() {
        return new Member(String.valueOf(id), email, name);
    }
}
