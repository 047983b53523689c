package shelf.accounts;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import shelf.errors.Problems;

/** Register, login, refresh, logout: Shelf's Accounts section (LAB.md). */
@RestController
@RequestMapping("/v1/auth")
public class AuthController {

    // TODO (LAB.md, task 2): POST /v1/auth/register {email, password, name} -> 201, the member
    // without its hash, role "member" whatever the body says; BCrypt cost >= 10; 12 characters at
    // least, 72 *bytes* at most (422); 409 for a taken e-mail.
    @PostMapping("/register")
    public Object register() {
        throw Problems.notImplemented("task 2, POST /v1/auth/register");
    }

    // TODO (LAB.md, tasks 3 and 4): 200 {access_token, refresh_token, token_type, expires_in};
    // 401 alike for an unknown e-mail and a wrong password (a BCrypt comparison in both cases);
    // 429 with Retry-After after 10 failures for one account and peer within a minute.
    @PostMapping("/login")
    public Object login() {
        throw Problems.notImplemented("task 3, POST /v1/auth/login");
    }

    // TODO (LAB.md, task 3): {refresh_token} -> a new pair; a spent token revokes its family.
    @PostMapping("/refresh")
    public Object refresh() {
        throw Problems.notImplemented("task 3, POST /v1/auth/refresh");
    }

    // TODO (LAB.md, task 3): {refresh_token} -> 204, and the token's family is revoked.
    @PostMapping("/logout")
    public Object logout() {
        throw Problems.notImplemented("task 3, POST /v1/auth/logout");
    }
}
