package shelf.loans;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.validation.Valid;
import shelf.Store;
import shelf.books.Book;
import shelf.errors.Problems;

/** /v1/loans: a loan takes a copy, a return brings it back, each in one synchronized block. */
@RestController
@RequestMapping("/v1/loans")
public class LoanController {

    private final Store store;

    public LoanController(Store store) {
        this.store = store;
    }

    @PostMapping
    public ResponseEntity<Loan> borrow(@Valid @RequestBody LoanCreate body) {
        Loan loan;
        synchronized (store) {
            Book book = store.books.get(body.bookId());
            if (book == null) {
                throw Problems.notFound("book", body.bookId());
            }
            if (!store.members.containsKey(body.memberId())) {
                throw Problems.notFound("member", body.memberId());
            }
            if (book.copiesAvailable() < 1) {
                throw Problems.conflict("no copy of book " + book.id() + " is available");
            }
            store.books.put(book.id(), withAvailable(book, book.copiesAvailable() - 1));
            loan = new Loan(store.nextId(), book.id(), body.memberId(), now(), null);
            store.loans.put(loan.id(), loan);
        }
        return ResponseEntity.created(URI.create("/v1/loans/" + loan.id())).body(loan);
    }

    @PostMapping("/{id}/return")
    public Loan giveBack(@PathVariable String id) {
        synchronized (store) {
            Loan loan = store.loans.get(id);
            if (loan == null) {
                throw Problems.notFound("loan", id);
            }
            if (loan.returnedAt() != null) {
                throw Problems.conflict("loan " + id + " was returned already");
            }
            Loan returned = new Loan(loan.id(), loan.bookId(), loan.memberId(), loan.borrowedAt(), now());
            store.loans.put(id, returned);
            Book book = store.books.get(loan.bookId());
            if (book != null) { // a deleted book keeps no copies
                store.books.put(book.id(), withAvailable(book, book.copiesAvailable() + 1));
            }
            return returned;
        }
    }

    private static Book withAvailable(Book b, int available) {
        return new Book(b.id(), b.title(), b.isbn(), b.year(), b.tags(), b.authorId(), b.copiesTotal(), available);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }
}
