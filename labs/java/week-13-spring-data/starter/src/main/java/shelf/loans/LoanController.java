package shelf.loans;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import shelf.errors.Problems;

/** /v1/loans. */
@RestController
@RequestMapping("/v1/loans")
public class LoanController {

    // TODO (LAB.md, task 5): POST /v1/loans {"book_id", "member_id"} -> 201 + Location + the loan;
    // 404 for an unknown book or member, 409 when no copy is left. Taking a copy
    // (books.copies_available - 1) and inserting the loan happen in ONE transaction: a
    // LoanService whose method is @Transactional, called from here. And 20 members borrowing the
    // last 5 copies at the same moment get exactly 5 loans: read-then-write on an entity you
    // loaded without a lock lets two requests take the same copy (an UPDATE ... WHERE
    // copies_available > 0, or @Lock(PESSIMISTIC_WRITE) on the read, does not).
    @PostMapping
    public Loan borrow() {
        throw Problems.notImplemented("task 5, POST /v1/loans");
    }

    // TODO (LAB.md, task 5): POST /v1/loans/{id}/return -> 200 with the loan (returned_at set);
    // the copy comes back; 404 for an unknown loan, 409 when it was returned already. Also one
    // transaction.
    @PostMapping("/{id}/return")
    public Loan giveBack(@PathVariable String id) {
        throw Problems.notImplemented("task 5, POST /v1/loans/{id}/return");
    }
}
