"""Authorization: object level (BOLA), function level (BFLA) and mass assignment.

OWASP API Security Top 10 2023 API1, API5 and API3; ASVS 5.0 8.2.1-8.2.3 and 15.3.3.
Each probe is made by a real member with a valid token: the question is never "is this
caller authenticated" but "may *this* caller do *this*".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx

from harness import expect
from harness.httpclient import curl_for, describe
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..shelf import values
from ..shelf.api import ShelfApi
from ..shelf.refused import setup_failure
from . import jwt_tools
from .account_setup import Account, Accounts, Tokens, bearer, stored_role
from .stack_hint import in_stack


def scalars(value: Any) -> Iterator[str]:
    """Every string and number of a JSON document, as strings (ids are strings in Shelf, numbers in some apps)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from scalars(item)
    elif isinstance(value, str | int) and not isinstance(value, bool):
        yield str(value)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _borrow(ctx: CheckContext, book_id: str, owner: Account, owner_tokens: Tokens, admin: Tokens) -> str:
    """A loan of `owner`'s: made by the owner, or by the admin when members cannot borrow themselves."""
    payload = {"book_id": book_id, "member_id": owner.id}
    response = ctx.http.post("/v1/loans", json=payload, headers=bearer(owner_tokens.access))
    if not response.is_success:
        response = ctx.http.post("/v1/loans", json=payload, headers=bearer(admin.access))
    what = "POST /v1/loans"
    try:
        expect.status(response, 200, 201, what=what, hint="A member borrows for themselves; an admin for anyone.")
        return expect.string_id(response, expect.json_object(response, what=what), what=what)
    except Failure as failure:
        raise setup_failure(response, what, payload, failure) from None


@check("security.authz.object_level", points=3, services={"postgres"})
def members_only_reach_their_own_loans(ctx: CheckContext) -> None:
    """A member can read and return only their own loans (no BOLA).

    Member A borrows a book. GET /v1/members/{A}/loans must answer 200 with the loan to A
    and to an admin, 401 without a token, and 403 (or 404) to member B, without A's data
    in the body; B must not be able to return A's loan either.
    """
    accounts = Accounts(ctx)
    _, admin = accounts.admin()
    shelf = ShelfApi(ctx, headers=bearer(admin.access))
    book = shelf.book(shelf.author().id)
    owner, owner_tokens = accounts.member()
    _, other_tokens = accounts.member()
    loan_id = _borrow(ctx, book.id, owner, owner_tokens, admin)
    path = f"/v1/members/{owner.id}/loans"

    for who, tokens in (("the member", owner_tokens), ("an admin", admin)):
        response = ctx.http.get(path, headers=bearer(tokens.access))
        expect.status(response, 200, what=f"{who} reading GET {path}",
                      hint="A member reads their own loans; an admin reads anyone's.")
        if loan_id not in set(scalars(_json(response))):
            raise expect.fail(response, f"GET {path} read by {who} does not list the loan {loan_id}",
                              expected=f"the member's loans, including the loan with id {loan_id}")
    anonymous = ctx.http.get(path)
    expect.status(anonymous, 401, what=f"GET {path} without a token",
                  hint="Routes that need an account answer 401 without a valid Bearer token.")

    response = ctx.http.get(path, headers=bearer(other_tokens.access))
    leaked = {loan_id, book.id} & set(scalars(_json(response)))
    if response.is_success or response.status_code not in (403, 404) or leaked:
        problem = ("answered with A's loans" if response.is_success else
                   f"answered {response.status_code} with A's loan in the body" if leaked else
                   f"answered {response.status_code}")
        raise Failure(
            f"member B read member A's loans: GET {path} with B's token {problem} (BOLA)",
            expected="403 (or 404) without A's data", actual=describe(response),
            hint=in_stack(ctx, "Compare the id in the path with the caller's:",
                          node="if (req.user.role !== 'admin' && req.user.id !== req.params.id) answer 403.",
                          java="unless the caller has ROLE_ADMIN or authentication.getName() equals the path's id, "
                               "answer 403."),
            reproduce=curl_for(response.request))
    response = ctx.http.post(f"/v1/loans/{loan_id}/return", headers=bearer(other_tokens.access))
    if response.is_success:
        raise Failure(
            f"member B returned member A's loan {loan_id} (BOLA)", expected="403 (or 404)",
            actual=describe(response), reproduce=curl_for(response.request),
            hint="Load the loan, then check that it belongs to the caller (or the caller is an admin).")


@check("security.authz.function_level", points=3)
def only_admins_change_the_catalog(ctx: CheckContext) -> None:
    """Only admins write the catalog: members get 403, anonymous callers 401 (no BFLA).

    A member's POST /v1/authors, POST /v1/books, PATCH /v1/books/{id} and DELETE
    /v1/books/{id} must be refused with 403 and change nothing; without a token (or with a
    garbage one) the answer is 401; the admin's own PATCH and DELETE still work.
    """
    accounts = Accounts(ctx)
    _, admin = accounts.admin()
    shelf = ShelfApi(ctx, headers=bearer(admin.access))
    author = shelf.author()
    book = shelf.book(author.id)
    _, member = accounts.member()
    new_book = {"title": "The Forbidden Library", "isbn": values.isbn13(ctx.unique), "year": 2001,
                "author_id": author.id, "tags": [], "copies_total": 1}
    attempts: list[tuple[str, Callable[[dict[str, str]], httpx.Response]]] = [
        ("POST /v1/authors", lambda h: ctx.http.post("/v1/authors", json={"name": "Forbidden"}, headers=h)),
        ("POST /v1/books", lambda h: ctx.http.post("/v1/books", json=new_book, headers=h)),
        ("PATCH /v1/books/{id}", lambda h: ctx.http.patch(f"/v1/books/{book.id}", json={"title": "Defaced"},
                                                          headers=h)),
        ("DELETE /v1/books/{id}", lambda h: ctx.http.delete(f"/v1/books/{book.id}", headers=h)),
    ]
    for what, send in attempts:
        response = send(bearer(member.access))
        if response.status_code not in (401, 403):
            raise Failure(
                f"a member (not an admin) called {what}: it answered {response.status_code}"
                + (" and did it (BFLA)" if response.is_success else ""),
                expected="403 Forbidden", actual=describe(response), reproduce=curl_for(response.request),
                hint=in_stack(ctx, "Put an admin guard on every catalog write:",
                              node="router.delete('/:id', requireAdmin, ...), where requireAdmin answers 403 unless "
                                   "req.user.role === 'admin'.",
                              java="requestMatchers(HttpMethod.DELETE, \"/v1/books/**\").hasRole(\"ADMIN\") (and "
                                   "POST, PATCH) before the rules that only ask for an account."))
    for label, headers in (("without a token", {}), ("with a garbage token", bearer("garbage"))):
        response = attempts[0][1](headers)
        expect.status(response, 401, what=f"POST /v1/authors {label}",
                      hint="Answer 401 when the Bearer token is missing or invalid, before any role check.")
    current = ctx.http.get(f"/v1/books/{book.id}")
    body = expect.json_object(current, what=f"GET /v1/books/{book.id}") if current.is_success else {}
    if not current.is_success or body.get("title") != book.body.get("title"):
        raise expect.fail(current, "the book changed after members' refused writes",
                          expected=f"the book unchanged, title {book.body.get('title')!r}")
    for what, response in (
        ("PATCH", ctx.http.patch(f"/v1/books/{book.id}", json={"title": "Renamed"}, headers=bearer(admin.access))),
        ("DELETE", ctx.http.delete(f"/v1/books/{book.id}", headers=bearer(admin.access))),
    ):
        expect.status(response, 200, 204, what=f"an admin's {what} /v1/books/{{id}}",
                      hint="Admins keep every catalog write: the guard refuses members, not everyone.")


ESCALATION = {"role": "admin", "is_admin": True, "isAdmin": True, "admin": True, "roles": ["admin"]}


@check("security.authz.mass_assignment", points=2, services={"postgres"})
def register_ignores_privilege_fields(ctx: CheckContext) -> None:
    """Registering cannot make anyone an admin: role fields in the body are ignored or refused (no mass assignment).

    POST /v1/auth/register with role: "admin" (and is_admin, isAdmin, admin, roles) must
    either be refused (400/422) or create a plain member: the row in the database, the
    answer, the access token and an admin route all say so.
    """
    accounts = Accounts(ctx)
    accounts.register()  # plain registration works: a 4xx below is a decision, not a broken route
    email, password = accounts.new_email("escalate"), accounts.new_password()
    response = accounts.register_raw({"email": email, "password": password, "name": "Mallory", **ESCALATION})
    hint = in_stack(ctx, "Build the row from the fields you accept (email, password, name) and set role = 'member' "
                    "yourself;", node="never spread req.body into the INSERT.",
                    java="bind the body to a record without a role field, never to the entity.")
    if response.status_code >= 500:
        raise expect.fail(response, "register with extra fields crashed the app",
                          expected="201 as a member, or 422", hint=hint)
    if not response.is_success:
        return
    body = _json(response)
    role = stored_role(ctx, email)
    answered = body.get("role") if isinstance(body, dict) else None
    if role == "admin" or answered == "admin":
        where = f"the database row says role = {role!r}" if role == "admin" else "the answer says role: admin"
        raise Failure(
            f"registering with role: \"admin\" in the body made an admin: {where} (mass assignment)",
            expected="role 'member' whatever the body says", actual=describe(response),
            hint=hint, reproduce=curl_for(response.request))
    tokens = accounts.login(Account(email, password, "Mallory", "", {}, response))
    claims = jwt_tools.claims(tokens.access)
    attempt = ctx.http.post("/v1/authors", json={"name": "Escalated"}, headers=bearer(tokens.access))
    if claims.get("role") == "admin" or attempt.is_success:
        raise Failure(
            "an account registered with role: \"admin\" in the body acts as an admin (mass assignment)",
            expected="403 on admin routes for a self-registered account",
            actual=describe(attempt) + f"\naccess token claims: {claims}",
            hint=hint, reproduce=curl_for(attempt.request))
