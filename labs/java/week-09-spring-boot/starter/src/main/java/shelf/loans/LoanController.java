package shelf.loans;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import shelf.Store;
import shelf.errors.Problems;

/** /v1/loans. */
@RestController
@RequestMapping("/v1/loans")
public class LoanController {

    private final Store store;

    public LoanController(Store store) {
        this.store = store;
    }

    // TODO (LAB.md, task 3): POST /v1/loans {"book_id", "member_id"} -> 201 + Location + the loan;
    // the book's copies_available drops by one in the same synchronized block that checks it;
    // 404 for an unknown book or member, 409 when no copy is left.
    @PostMapping
    public Loan borrow() {
        throw Problems.notImplemented("task 3, POST /v1/loans");
    }

    // TODO (LAB.md, task 3): POST /v1/loans/{id}/return -> 200 with the loan (returned_at set);
    // the copy comes back; 404 for an unknown loan, 409 when it was returned already.
    @PostMapping("/{id}/return")
    public Loan giveBack(@PathVariable String id) {
        throw Problems.notImplemented("task 3, POST /v1/loans/{id}/return");
    }
}
