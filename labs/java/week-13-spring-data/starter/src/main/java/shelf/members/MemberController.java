package shelf.members;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import shelf.errors.Problems;

/** /v1/members. */
@RestController
@RequestMapping("/v1/members")
public class MemberController {

    // TODO (LAB.md, task 1): a MemberEntity (table members: email unique, name) and a
    // MemberRepository; take the repository in this controller's constructor.
    // TODO (LAB.md, task 2): POST /v1/members {"email", "name"} -> 201 + Location + the member;
    // 422 for an invalid email (@Email), 409 for an email that exists (compare them lower-cased).
    @PostMapping
    public Member create() {
        throw Problems.notImplemented("task 2, POST /v1/members");
    }
}
