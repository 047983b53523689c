package shelf.members;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

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

    // TODO (LAB.md, task 2): POST /v1/members {"email", "name"} -> 201 + Location + the member;
    // 422 for an invalid email (@Email), 409 for an email that exists (compare them lower-cased).
    @PostMapping
    public Member create() {
        throw Problems.notImplemented("task 2, POST /v1/members");
    }
}
