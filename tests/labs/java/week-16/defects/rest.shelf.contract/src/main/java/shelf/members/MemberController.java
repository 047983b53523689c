package shelf.members;

import java.util.Locale;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.validation.Valid;
import shelf.Store;
import shelf.errors.Problems;

/** /v1/members. */
@RestController
@RequestMapping("/v1/members")
public class MemberController {

    private final Store store;

    public MemberController(Store store) {
        this.store = store;
    }

    @PostMapping
    public ResponseEntity<Member> create(@Valid @RequestBody MemberCreate body) {
        String key = body.email().toLowerCase(Locale.ROOT);
        Member member;
        synchronized (store) {
            if (store.emails.containsKey(key)) {
                throw Problems.conflict("a member with email " + body.email() + " exists");
            }
            member = new Member(store.nextId(), body.email(), body.name());
            store.members.put(member.id(), member);
            store.emails.put(key, member.id());
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(member);
    }
}
