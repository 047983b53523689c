package shelf.loans;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.validation.Valid;
import shelf.db.Ids;
import shelf.errors.Problems;
import shelf.security.Caller;

/**
 * /v1/loans, for callers with an account (SecurityConfig): a member borrows and returns for
 * themselves, an admin (the librarian) for anyone.
 */
@RestController
@RequestMapping("/v1/loans")
public class LoanController {

    private final LoanService loans;
    private final LoanRepository rows;

    public LoanController(LoanService loans, LoanRepository rows) {
        this.loans = loans;
        this.rows = rows;
    }

    @PostMapping
    public ResponseEntity<Loan> borrow(@Valid @RequestBody LoanCreate body, Authentication caller) {
        if (!Caller.isSelfOrAdmin(caller, body.memberId())) {
            throw Caller.forbidden("you may only borrow for yourself");
        }
        Loan loan = loans.borrow(body);
        return ResponseEntity.created(URI.create("/v1/loans/" + loan.id())).body(loan);
    }

    // Someone else's loan answers 404, like a loan that does not exist.
    @PostMapping("/{id}/return")
    public Loan giveBack(@PathVariable String id, Authentication caller) {
        Long key = Ids.parse(id);
        boolean mine = key != null && rows.findById(key)
                .map(loan -> Caller.isSelfOrAdmin(caller, loan.view().memberId())).orElse(false);
        if (!mine) {
            throw Problems.notFound("loan", id);
        }
        return loans.giveBack(id);
    }
}
