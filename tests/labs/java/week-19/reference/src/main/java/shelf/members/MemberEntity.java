package shelf.members;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of members: an account when it has a password hash or a linked identity. */
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

    // Read at login only; never part of a view.
    @Column(name = "password_hash")
    private String passwordHash;

    // 'member' or 'admin'; nothing in the API sets it (the harness promotes admins in SQL).
    @Column(nullable = false)
    private String role = "member";

    protected MemberEntity() {
    }

    public MemberEntity(String email, String name) {
        this.email = email;
        this.name = name;
    }

    public MemberEntity(String email, String name, String passwordHash) {
        this(email, name);
        this.passwordHash = passwordHash;
    }

    public Long getId() {
        return id;
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public String getRole() {
        return "admin".equals(role) ? "admin" : "member";
    }

    public Member view() {
        return new Member(String.valueOf(id), email, name, getRole());
    }
}
