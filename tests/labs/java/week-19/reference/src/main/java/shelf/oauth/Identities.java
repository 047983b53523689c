package shelf.oauth;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import shelf.members.Member;
import shelf.members.MemberEntity;
import shelf.members.MemberRepository;

/** Accounts signed in with an OpenID provider, linked by the provider's (issuer, sub). */
@Repository
public class Identities {

    private final JdbcTemplate jdbc;
    private final MemberRepository members;

    public Identities(JdbcTemplate jdbc, MemberRepository members) {
        this.jdbc = jdbc;
        this.members = members;
    }

    /**
     * The member linked to (issuer, subject), or a new one linked now on a first sign-in. Never
     * by e-mail: empty when the e-mail belongs to a member already (409), verified or not.
     */
    @Transactional
    public Optional<Member> link(String issuer, String subject, String email, String name) {
        List<Long> linked = jdbc.queryForList(
                "SELECT member_id FROM oauth_identities WHERE issuer = ? AND subject = ?", Long.class, issuer, subject);
        if (!linked.isEmpty()) {
            return members.findById(linked.get(0)).map(MemberEntity::view);
        }
        String address = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        if (address.isEmpty() || members.existsByEmailIgnoreCase(address)) {
            return Optional.empty();
        }
        MemberEntity member = members.saveAndFlush(new MemberEntity(address, name == null || name.isBlank() ? address : name));
        jdbc.update("INSERT INTO oauth_identities (issuer, subject, member_id) VALUES (?, ?, ?)",
                issuer, subject, member.getId());
        return Optional.of(member.view());
    }
}
