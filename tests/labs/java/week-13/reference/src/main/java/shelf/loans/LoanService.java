package shelf.loans;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import shelf.books.BookRepository;
import shelf.db.Ids;
import shelf.errors.Problems;
import shelf.members.MemberRepository;

/**
 * Loans. Each method is ONE transaction (@Transactional: Spring begins it on entry, commits on
 * return, rolls back on any exception), and every repository call inside joins it: the copy
 * taken and the loan saved commit together or not at all.
 */
@Service
public class LoanService {

    private final LoanRepository loans;
    private final BookRepository books;
    private final MemberRepository members;

    public LoanService(LoanRepository loans, BookRepository books, MemberRepository members) {
        this.loans = loans;
        this.books = books;
        this.members = members;
    }

    @Transactional
    public Loan borrow(LoanCreate body) {
        Long bookId = Ids.parse(body.bookId());
        Long memberId = Ids.parse(body.memberId());
        if (bookId == null || !books.existsById(bookId)) {
            throw Problems.notFound("book", body.bookId());
        }
        if (memberId == null || !members.existsById(memberId)) {
            throw Problems.notFound("member", body.memberId());
        }
        // The check and the decrement are one statement: no copy is taken twice.
        if (books.takeCopy(bookId) == 0) {
            throw Problems.conflict("no copy of book " + body.bookId() + " is available");
        }
        return loans.save(new LoanEntity(bookId, memberId, now())).view();
    }

    @Transactional
    public Loan giveBack(String id) {
        Long key = Ids.parse(id);
        LoanEntity loan = (key == null ? java.util.Optional.<LoanEntity>empty() : loans.findForUpdate(key))
                .orElseThrow(() -> Problems.notFound("loan", id));
        if (loan.getReturnedAt() != null) {
            throw Problems.conflict("loan " + id + " was returned already");
        }
        loan.setReturnedAt(now());
        books.returnCopy(loan.getBookId());
        return loan.view();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }
}
