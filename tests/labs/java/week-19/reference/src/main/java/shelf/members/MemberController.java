package shelf.members;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.validation.Valid;
import shelf.db.Ids;
import shelf.errors.Problems;
import shelf.loans.Loan;
import shelf.loans.LoanEntity;
import shelf.loans.LoanRepository;
import shelf.security.Caller;

/** /v1/members. Members sign up through POST /v1/auth/register; an admin may still add one. */
@RestController
@RequestMapping("/v1/members")
public class MemberController {

    private final MemberRepository members;
    private final LoanRepository loans;

    public MemberController(MemberRepository members, LoanRepository loans) {
        this.members = members;
        this.loans = loans;
    }

    // Admin only (SecurityConfig): a member made here has no password and cannot log in.
    @PostMapping
    public ResponseEntity<Member> create(@Valid @RequestBody MemberCreate body) {
        Member member;
        try {
            if (members.existsByEmailIgnoreCase(body.email())) {
                throw Problems.conflict("a member with email " + body.email() + " exists");
            }
            member = members.save(new MemberEntity(body.email(), body.name())).view();
        } catch (DataIntegrityViolationException e) {
            // the unique index on lower(email): another request created it in between
            throw Problems.conflict("a member with email " + body.email() + " exists");
        }
        return ResponseEntity.created(URI.create("/v1/members/" + member.id())).body(member);
    }

    @GetMapping("/{id}")
    public Member get(@PathVariable String id, Authentication caller) {
        Caller.requireSelfOrAdmin(caller, id);
        Long key = Ids.parse(id);
        return (key == null ? java.util.Optional.<MemberEntity>empty() : members.findById(key))
                .orElseThrow(() -> Problems.notFound("member", id)).view();
    }

    // The ownership check runs before any query: another member learns nothing, not even
    // whether the id exists.
    @GetMapping("/{id}/loans")
    public Map<String, List<Loan>> loans(@PathVariable String id, Authentication caller) {
        Caller.requireSelfOrAdmin(caller, id);
        Long key = Ids.parse(id);
        List<Loan> items = key == null ? List.of()
                : loans.findByMemberIdOrderById(key).stream().map(LoanEntity::view).toList();
        return Map.of("items", items);
    }
}
