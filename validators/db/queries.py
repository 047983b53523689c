"""No N+1: listing books costs the same number of statements for 5 books or 20."""

from __future__ import annotations

from harness import expect
from harness.httpclient import curl_for
from harness.introspect.statements import Window, observe, require_statements
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..shelf.api import ShelfApi

SMALL, LARGE = 5, 20


def n_plus_one(small: Window, large: Window, *, slack: int = 2) -> str | None:
    """Why the statement counts grow with the page, or None."""
    if large.calls > small.calls + slack:
        return f"{small.calls} statements for {SMALL} books, {large.calls} for {LARGE}"
    repeated = [s for s in large.statements if s.calls >= LARGE]
    if repeated:
        return f"one statement ran {repeated[0].calls} times for a page of {LARGE}"
    return None


@check("db.queries.no_n_plus_one", points=2, services={"postgres"})
def listing_books_is_not_n_plus_one(ctx: CheckContext) -> None:
    """Statements per GET /v1/books stay constant as the page grows (no N+1).

    A page of 20 books, each by a different author, must not cost more statements than a
    page of 5: the authors come with the books in one query (a JOIN) or one batched query.
    """
    require_statements(ctx.pg)
    api = ShelfApi(ctx)
    tag = ctx.unique("nplus1")
    for _ in range(LARGE):
        api.book(api.author().id, tags=[tag])
    (small_resp, small) = observe(ctx.pg, lambda: api.list_books(tag=tag, limit=SMALL))
    (large_resp, large) = observe(ctx.pg, lambda: api.list_books(tag=tag, limit=LARGE))
    for response, size in ((small_resp, SMALL), (large_resp, LARGE)):
        expect.status(response, 200, what=f"GET /v1/books?tag=...&limit={size}")
        items = expect.json_object(response, what="GET /v1/books").get("items")
        if not isinstance(items, list) or len(items) != size:
            raise expect.fail(response, f"GET /v1/books?limit={size} should return {size} books of that tag",
                              expected=f"{size} items")
    problem = n_plus_one(small, large)
    if problem:
        top = "\n".join(f"  {s.calls:>3} x {' '.join(s.query.split())[:140]}" for s in large.statements[:4])
        raise Failure(
            f"listing books runs a query per book (N+1): {problem}",
            expected="the same number of statements whatever the page size",
            actual=f"statements for the page of {LARGE}:\n{top}",
            hint=ctx.hint(
                "Fetch the authors with the books: SELECT b.*, a.name FROM books b JOIN authors a ON "
                "a.id = b.author_id ..., or load all the page's authors at once with WHERE id = ANY($1).",
                python="SQLAlchemy: select(Book).options(joinedload(Book.author)) (or selectinload).",
                java="Spring Data JPA: a JOIN FETCH b.author in the list's query, or @EntityGraph(attributePaths = "
                     "\"author\") on the repository method (or @BatchSize on the association)."),
            reproduce=curl_for(large_resp.request) + "  # then: select calls, query from pg_stat_statements",
        )
