"""Concurrent requests: no lost update on loans, across instances."""

from __future__ import annotations

from functools import partial

import httpx

from harness.httpclient import curl_for
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..security.account_setup import Accounts, bearer
from .shared import admin_api, two_instances

COPIES, MEMBERS = 5, 20
# Members are registered and logged in SETUP_WORKERS at a time (Accounts.members): twenty
# password hashes of each kind one after the other were most of the check's time. Only the
# loans below are timed against each other, and they still go out all at once.
SETUP_WORKERS = 4


def sold_exactly(statuses: list[int], copies_left: object, loan_rows: object, copies: int = COPIES) -> bool:
    """Exactly `copies` loans succeeded (201), every other borrower was told "sold out" (409),
    and the database agrees: no copy left, one loan row per success. A 401 or a 500 from one
    instance is no success, and would hide an oversell on the other."""
    return (statuses.count(201) == copies and statuses.count(409) == len(statuses) - copies
            and copies_left == 0 and loan_rows == copies)


@check("prod.concurrency.loans", points=2, services={"postgres", "redis"}, timeout_s=120)
def loans_never_oversell_across_instances(ctx: CheckContext) -> None:
    """Concurrent loans never oversell, even split over two instances.

    Twenty members borrow the same book, which has five copies, at the same moment,
    half through each instance: exactly five loans succeed.
    """
    first, second = two_instances(ctx)
    api, _ = admin_api(ctx)
    book = api.book(api.author().id, copies_total=COPIES)
    members = Accounts(ctx).members(MEMBERS, workers=SETUP_WORKERS)

    def borrow(index: int) -> httpx.Response:
        account, tokens = members[index]
        client = (first, second)[index % 2]
        return client.post("/v1/loans", json={"book_id": book.id, "member_id": account.id},
                           headers=bearer(tokens.access))

    responses = ctx.http.concurrently([partial(borrow, i) for i in range(MEMBERS)])
    statuses = [r.status_code for r in responses]
    copies = ctx.pg.scalar("SELECT copies_available FROM books WHERE id::text = %s", (book.id,))
    loans = ctx.pg.scalar("SELECT count(*) FROM loans WHERE book_id::text = %s", (book.id,))
    odd = next((r for r in responses if r.status_code not in (201, 409)), responses[-1])
    reproduce = (f"{curl_for(odd.request)}  (x{MEMBERS} at once, each member with their own token, half on each "
                 f"instance); then: psql \"$DATABASE_URL\" -c \"SELECT copies_available, (SELECT count(*) FROM loans "
                 f"WHERE book_id = b.id) AS loans FROM books b WHERE id = {book.id}\"")
    others = sorted(s for s in statuses if s not in (201, 409))
    if others:
        raise Failure(
            f"{len(others)} of {MEMBERS} concurrent loans, over two instances, answered neither 201 (borrowed) "
            f"nor 409 (sold out): {', '.join(str(s) for s in sorted(set(others)))}",
            expected=f"{COPIES} x 201, the rest 409",
            actual=f"statuses {sorted(statuses)}; copies_available {copies}; {loans} loan rows",
            hint="Every member borrows with their own valid token, half through each instance: a 401 means an "
                 "instance rejects tokens the other issued (share the JWT secret), a 5xx is in the app's log.",
            reproduce=reproduce,
        )
    if not sold_exactly(statuses, copies, loans):
        raise Failure(
            f"{MEMBERS} concurrent loans of a book with {COPIES} copies, over two instances, did not give "
            f"exactly {COPIES} loans",
            expected=f"{COPIES} x 201, the rest 409; copies_available 0; {COPIES} loan rows",
            actual=f"statuses {sorted(statuses)}; copies_available {copies}; {loans} loan rows",
            hint="Take the copy in the database, atomically: UPDATE books SET copies_available = "
                 "copies_available - 1 WHERE id = $1 AND copies_available > 0 RETURNING id, in the loan's "
                 "transaction. A lock (or a counter) in one process's memory does not stop the other instance.",
            reproduce=reproduce,
        )
