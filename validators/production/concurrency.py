"""Concurrent requests: no lost update on loans, across instances."""

from __future__ import annotations

from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..security.accounts import Accounts, bearer
from .shared import admin_api, two_instances

COPIES, MEMBERS = 5, 20


@check("prod.concurrency.loans", points=2, services={"postgres", "redis"}, timeout_s=120)
def loans_never_oversell_across_instances(ctx: CheckContext) -> None:
    """Concurrent loans never oversell, even split over two instances.

    Twenty members borrow the same book, which has five copies, at the same moment,
    half through each instance: exactly five loans succeed.
    """
    first, second = two_instances(ctx)
    api, _ = admin_api(ctx)
    book = api.book(api.author().id, copies_total=COPIES)
    accounts = Accounts(ctx)
    members = [accounts.member() for _ in range(MEMBERS)]

    def borrow(index: int) -> int:
        account, tokens = members[index]
        client = (first, second)[index % 2]
        response = client.post("/v1/loans", json={"book_id": book.id, "member_id": account.id},
                               headers=bearer(tokens.access))
        return response.status_code

    statuses = ctx.http.concurrently([lambda i=i: borrow(i) for i in range(MEMBERS)])  # type: ignore[misc]
    copies = ctx.pg.scalar("SELECT copies_available FROM books WHERE id::text = %s", (book.id,))
    loans = ctx.pg.scalar("SELECT count(*) FROM loans WHERE book_id::text = %s", (book.id,))
    if statuses.count(201) != COPIES or copies != 0 or loans != COPIES:
        raise Failure(
            f"{MEMBERS} concurrent loans of a book with {COPIES} copies, over two instances, did not give "
            f"exactly {COPIES} loans",
            expected=f"{COPIES} x 201, the rest 409; copies_available 0; {COPIES} loan rows",
            actual=f"statuses {sorted(statuses)}; copies_available {copies}; {loans} loan rows",
            hint="Take the copy in the database, atomically: UPDATE books SET copies_available = "
                 "copies_available - 1 WHERE id = $1 AND copies_available > 0 RETURNING id, in the loan's "
                 "transaction. A lock in one process's memory does not stop the other instance.",
        )
