"""What rest.openapi.conforms sends: every Shelf operation, valid and invalid, in a fixed order.

The plan is a generator: it yields a Probe, receives the app's answer, and uses it (the id
of the author it created) for the next probes. Bodies come from the schemas of
labs/shelf/openapi.yaml (casegen), values from a seeded random generator.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..shelf import values
from .casegen import local_resolver, mutations, valid
from .openapi_doc import shelf_document

MISSING_ID = "987654321"


@dataclass(frozen=True)
class Probe:
    operation: str  # the Shelf operation, "POST /v1/books"
    case: str  # what this probe is about: "valid", "no title", "unknown id"
    method: str
    path: str
    params: Mapping[str, str | int] = field(default_factory=dict)
    body: Any = None
    invalid: bool = False  # the body breaks the Shelf schema on purpose

    @property
    def has_body(self) -> bool:
        return self.method in ("POST", "PATCH", "PUT") and self.body is not None


Plan = Generator[Probe, httpx.Response, None]


def _id(response: httpx.Response) -> str | None:
    if response.status_code not in (200, 201):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    value = body.get("id") if isinstance(body, dict) else None
    return value if isinstance(value, str) and value else None


class Needed(Exception):
    """A probe that creates data the rest of the plan needs did not create it."""

    def __init__(self, probe: Probe, response: httpx.Response) -> None:
        super().__init__(probe.operation)
        self.probe = probe
        self.response = response


def shelf_plan(rng: random.Random, unique: Callable[[str], str]) -> Plan:
    doc = shelf_document()
    resolve = local_resolver(doc)
    schemas = doc["components"]["schemas"]

    def body(name: str, overrides: Mapping[str, Callable[[random.Random], Any]] | None = None) -> Any:
        return valid(schemas[name], rng, resolve, overrides)

    def create(probe: Probe) -> Generator[Probe, httpx.Response, str]:
        response = yield probe
        created = _id(response)
        if created is None:
            raise Needed(probe, response)
        return created

    def invalid_bodies(operation: str, method: str, path: str, schema: str,
                       base: dict[str, Any], fresh: Callable[[dict[str, Any]], dict[str, Any]]) -> Plan:
        for mutation in mutations(schemas[schema], base, resolve):
            sent = fresh(mutation.body) if isinstance(mutation.body, dict) else mutation.body
            yield Probe(operation, mutation.what, method, path, body=sent, invalid=True)

    def unchanged(b: dict[str, Any]) -> dict[str, Any]:
        return b

    yield Probe("GET /health", "valid", "GET", "/health")

    # Authors
    author_body = body("AuthorCreate", {"name": values.person_name})
    author = yield from create(Probe("POST /v1/authors", "valid", "POST", "/v1/authors", body=author_body))
    yield from invalid_bodies("POST /v1/authors", "POST", "/v1/authors", "AuthorCreate", author_body, unchanged)
    yield Probe("GET /v1/authors/{id}", "valid", "GET", f"/v1/authors/{author}")
    yield Probe("GET /v1/authors/{id}", "unknown id", "GET", f"/v1/authors/{MISSING_ID}")

    # Books
    def book_overrides() -> dict[str, Callable[[random.Random], Any]]:
        return {"author_id": lambda r: author, "isbn": lambda r: values.isbn13(unique)}

    def fresh_isbn(b: dict[str, Any]) -> dict[str, Any]:
        return {**b, "isbn": values.isbn13(unique)} if isinstance(b.get("isbn"), str) else b

    book_body = body("BookCreate", book_overrides())
    book = yield from create(Probe("POST /v1/books", "valid", "POST", "/v1/books", body=book_body))
    null_year = {**body("BookCreate", book_overrides()), "year": None, "tags": []}
    nullable = yield from create(Probe("POST /v1/books", "valid, year null", "POST", "/v1/books", body=null_year))
    yield from invalid_bodies("POST /v1/books", "POST", "/v1/books", "BookCreate", book_body, fresh_isbn)
    yield Probe("POST /v1/books", "isbn that exists", "POST", "/v1/books",
                body={**body("BookCreate", book_overrides()), "isbn": book_body["isbn"]})
    yield Probe("POST /v1/books", "unknown author_id", "POST", "/v1/books",
                body={**body("BookCreate", book_overrides()), "author_id": MISSING_ID})

    yield Probe("GET /v1/books/{id}", "valid", "GET", f"/v1/books/{book}")
    yield Probe("GET /v1/books/{id}", "valid, year null", "GET", f"/v1/books/{nullable}")
    yield Probe("GET /v1/books/{id}", "unknown id", "GET", f"/v1/books/{MISSING_ID}")

    for route in ("/v1/books", "/v1/catalog"):
        operation = f"GET {route}"
        yield Probe(operation, "no parameters", "GET", route)
        for sort in ("title", "-title", "year", "-year"):
            yield Probe(operation, f"sort={sort}", "GET", route, params={"sort": sort, "limit": rng.randint(1, 100)})
        first = yield Probe(operation, "filtered, limit=1", "GET", route, params={"author_id": author, "limit": 1})
        cursor = first.json().get("next_cursor") if first.status_code == 200 and _is_object(first) else None
        if isinstance(cursor, str):
            yield Probe(operation, "the next page", "GET", route,
                        params={"author_id": author, "limit": 1, "cursor": cursor})
        title = book_body["title"]
        yield Probe(operation, "q and tag", "GET", route,
                    params={"q": title[: max(1, len(title) // 2)], "tag": rng.choice(book_body.get("tags") or ["x"])})
        for bad, value in (("sort", "bogus"), ("limit", 0), ("limit", "many"), ("cursor", "not-a-cursor")):
            yield Probe(operation, f"{bad}={value}", "GET", route, params={bad: value})

    patch_overrides = {"author_id": lambda r: author, "isbn": lambda r: values.isbn13(unique)}
    patch_body = body("BookPatch", patch_overrides)
    yield Probe("PATCH /v1/books/{id}", "valid", "PATCH", f"/v1/books/{book}", body=patch_body)
    yield from invalid_bodies("PATCH /v1/books/{id}", "PATCH", f"/v1/books/{book}", "BookPatch",
                              patch_body, fresh_isbn)
    yield Probe("PATCH /v1/books/{id}", "unknown id", "PATCH", f"/v1/books/{MISSING_ID}",
                body={"title": values.title(rng)})

    # Members
    def email(r: random.Random) -> str:
        return values.email(unique, "member")

    member_body = body("MemberCreate", {"email": email})
    member = yield from create(Probe("POST /v1/members", "valid", "POST", "/v1/members", body=member_body))
    yield from invalid_bodies("POST /v1/members", "POST", "/v1/members", "MemberCreate", member_body,
                              lambda b: {**b, "email": email(rng)} if isinstance(b.get("email"), str) else b)
    yield Probe("POST /v1/members", "email that exists", "POST", "/v1/members",
                body={**body("MemberCreate", {"email": email}), "email": member_body["email"]})

    # Loans: a book with one copy, borrowed, borrowed again, returned, returned again
    single = {**body("BookCreate", book_overrides()), "copies_total": 1}
    lent = yield from create(Probe("POST /v1/books", "valid, one copy", "POST", "/v1/books", body=single))
    loan_body = {"book_id": lent, "member_id": member}
    loan = yield from create(Probe("POST /v1/loans", "valid", "POST", "/v1/loans", body=loan_body))
    yield Probe("POST /v1/loans", "no copy left", "POST", "/v1/loans", body=loan_body)
    yield Probe("POST /v1/loans", "unknown book", "POST", "/v1/loans", body={**loan_body, "book_id": MISSING_ID})
    yield Probe("POST /v1/loans", "unknown member", "POST", "/v1/loans",
                body={**loan_body, "member_id": MISSING_ID})
    yield from invalid_bodies("POST /v1/loans", "POST", "/v1/loans", "LoanCreate", loan_body, unchanged)
    yield Probe("POST /v1/loans/{id}/return", "valid", "POST", f"/v1/loans/{loan}/return")
    yield Probe("POST /v1/loans/{id}/return", "returned already", "POST", f"/v1/loans/{loan}/return")
    yield Probe("POST /v1/loans/{id}/return", "unknown id", "POST", f"/v1/loans/{MISSING_ID}/return")

    yield Probe("DELETE /v1/books/{id}", "valid", "DELETE", f"/v1/books/{nullable}")
    yield Probe("DELETE /v1/books/{id}", "deleted already", "DELETE", f"/v1/books/{nullable}")


def _is_object(response: httpx.Response) -> bool:
    try:
        return isinstance(response.json(), dict)
    except ValueError:
        return False
