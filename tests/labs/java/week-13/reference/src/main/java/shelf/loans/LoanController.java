package shelf.loans;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.validation.Valid;

/** /v1/loans: HTTP in and out; LoanService runs each loan and return in one transaction. */
@RestController
@RequestMapping("/v1/loans")
public class LoanController {

    private final LoanService loans;

    public LoanController(LoanService loans) {
        this.loans = loans;
    }

    @PostMapping
    public ResponseEntity<Loan> borrow(@Valid @RequestBody LoanCreate body) {
        Loan loan = loans.borrow(body);
        return ResponseEntity.created(URI.create("/v1/loans/" + loan.id())).body(loan);
    }

    @PostMapping("/{id}/return")
    public Loan giveBack(@PathVariable String id) {
        return loans.giveBack(id);
    }
}
