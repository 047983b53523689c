package shelf.accounts;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import shelf.members.Member;
import shelf.members.MemberEntity;
import shelf.members.MemberRepository;
import shelf.security.Caller;

/** GET /v1/me: the caller's own account. */
@RestController
public class MeController {

    private final MemberRepository members;

    public MeController(MemberRepository members) {
        this.members = members;
    }

    @GetMapping("/v1/me")
    public Member me(Authentication caller) {
        return members.findById(Long.valueOf(Caller.id(caller))).map(MemberEntity::view)
                .orElseThrow(() -> Caller.unauthorized("this account no longer exists"));
    }
}
