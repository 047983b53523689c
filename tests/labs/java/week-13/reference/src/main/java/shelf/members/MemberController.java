package shelf.members;

import java.net.URI;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.validation.Valid;
import shelf.errors.Problems;

/** /v1/members. */
@RestController
@RequestMapping("/v1/members")
public class MemberController {

    private final MemberRepository members;

    public MemberController(MemberRepository members) {
        this.members = members;
    }

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
}
