"""Loans are transactional: all of a loan or none of it, also under concurrency."""

from __future__ import annotations

import secrets
from functools import partial

from psycopg import sql

from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..shelf.api import ShelfApi

COPIES = 5
CONCURRENT = 20


def _install_failure(ctx: CheckContext, book_id: str) -> str:
    """A deferred constraint trigger that aborts any loan of `book_id` at COMMIT.

    Deferred, so it fires at the end of the app's transaction whatever order the app
    writes in: an app that commits the stock change separately keeps that change.
    """
    name = f"harness_fail_{secrets.token_hex(4)}"
    # The book's id as the trigger's argument, quoted as a literal: it came from the app's answer
    # (an integer, a UUID or any text key), so it never becomes part of the SQL itself.
    ctx.pg.execute(sql.SQL(
        "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.book_id::pg_catalog.text OPERATOR(pg_catalog.=) TG_ARGV[0] THEN "
        "RAISE EXCEPTION 'harness: injected failure while saving a loan'; END IF; RETURN NEW; END $$"
    ).format(name=sql.Identifier(name)))
    ctx.pg.execute(sql.SQL(
        "CREATE CONSTRAINT TRIGGER {name} AFTER INSERT ON loans DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION {name}({book})"
    ).format(name=sql.Identifier(name), book=sql.Literal(str(book_id))))
    return name


def _remove_failure(ctx: CheckContext, name: str) -> None:
    ctx.pg.execute(f"DROP TRIGGER IF EXISTS {name} ON loans")
    ctx.pg.execute(f"DROP FUNCTION IF EXISTS {name}()")


def _stock(ctx: CheckContext, book_id: str) -> tuple[int, int]:
    copies = ctx.pg.scalar("SELECT copies_available FROM books WHERE id::pg_catalog.text OPERATOR(pg_catalog.=) %s",
                           (book_id,))
    loans = ctx.pg.scalar("SELECT pg_catalog.count(*) FROM loans WHERE book_id::pg_catalog.text "
                          "OPERATOR(pg_catalog.=) %s", (book_id,))
    return int(copies), int(loans)


def _rollback(ctx: CheckContext, api: ShelfApi, author_id: str) -> None:
    book = api.book(author_id, copies_total=2)
    member = api.member()
    trigger = _install_failure(ctx, book.id)
    try:
        response = api.loan(book.id, member.id)
    finally:
        _remove_failure(ctx, trigger)
    copies, loans = _stock(ctx, book.id)
    if copies != 2 or loans != 0 or response.status_code < 400:
        raise Failure(
            "a loan that failed in the database left part of its changes behind",
            expected="the failed loan changes nothing: copies_available stays 2, no loan row, an error status",
            actual=f"status {response.status_code}; copies_available {copies}, loan rows {loans}",
            hint=ctx.hint(
                "Run the stock update and the loan insert in one transaction on one connection, committed "
                "once at the end and rolled back on any error.",
                node="Node: const c = await pool.connect(); try { await c.query('BEGIN'); ...; "
                     "await c.query('COMMIT') } catch (e) { await c.query('ROLLBACK'); throw e } "
                     "finally { c.release() }",
                python="SQLAlchemy: change the book and add the loan in one Session, then one session.commit(); "
                       "never commit in between.",
                java="Spring: one @Transactional service method for both changes.",
            ),
            evidence="The harness added a trigger on loans that raises an error when this book's loan commits.",
            reproduce="psql \"$DATABASE_URL\" -c \"create function fail() returns trigger language plpgsql as "
                      "\\$\\$ begin raise exception 'boom'; end \\$\\$; create constraint trigger fail after insert "
                      "on loans deferrable initially deferred for each row execute function fail()\"; "
                      "curl -i -X POST \"http://localhost:$PORT/v1/loans\" -H 'content-type: application/json' "
                      "--data-raw '{\"book_id\": \"<id>\", \"member_id\": \"<id>\"}'",
        )


def _concurrent(ctx: CheckContext, api: ShelfApi, author_id: str) -> None:
    book = api.book(author_id, copies_total=COPIES)
    members = [api.member() for _ in range(CONCURRENT)]
    responses = ctx.http.concurrently([partial(api.loan, book.id, m.id) for m in members])
    created = sum(r.status_code == 201 for r in responses)
    conflicts = sum(r.status_code == 409 for r in responses)
    copies, loans = _stock(ctx, book.id)
    if created != COPIES or conflicts != CONCURRENT - COPIES or copies != 0 or loans != COPIES:
        raise Failure(
            f"{CONCURRENT} concurrent loans of a book with {COPIES} copies did not give exactly {COPIES} loans",
            expected=f"{COPIES} x 201 and {CONCURRENT - COPIES} x 409; copies_available 0; {COPIES} loan rows",
            actual=f"{created} x 201, {conflicts} x 409, others: "
                   f"{sorted(r.status_code for r in responses if r.status_code not in (201, 409))}; "
                   f"copies_available {copies}; {loans} loan rows",
            hint=ctx.hint(
                "Decrement atomically and conditionally: UPDATE books SET copies_available = copies_available - 1 "
                "WHERE id = $1 AND copies_available > 0 RETURNING id; no row means no copy (409). A SELECT "
                "then UPDATE lets two requests take the same copy.",
                java="Spring Data JPA: a @Modifying @Query with that conditional UPDATE in the @Transactional "
                     "method (its int result 0 means 409), or read the book with @Lock(PESSIMISTIC_WRITE) before "
                     "changing it."),
            reproduce=f"seq {CONCURRENT} | xargs -P {CONCURRENT} -I{{}} curl -s -o /dev/null -w '%{{http_code}}\\n' "
                      "-X POST \"http://localhost:$PORT/v1/loans\" -H 'content-type: application/json' "
                      "--data-raw '{\"book_id\": \"<id>\", \"member_id\": \"<member {}>\"}'",
        )


@check("db.tx.loans_atomic", points=3, services={"postgres"}, timeout_s=90)
def loans_are_transactional(ctx: CheckContext) -> None:
    """Loans are transactional: a failed loan changes nothing, and copies are never oversold.

    With a failure injected in the database when a loan commits, the book's
    copies_available is unchanged; 20 concurrent loans on a book with 5 copies give
    exactly 5 loans and leave 0 copies.
    """
    api = ShelfApi(ctx)
    author = api.author()
    _rollback(ctx, api, author.id)
    _concurrent(ctx, api, author.id)
