"""Rows the tests need, made through the API with values no other test or run has used.

    from factories import new_author, new_book, new_member

Each returns the created resource's JSON; the test asserts on the ids it got back, never
on how many rows a table holds (the same database serves every run).
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
# The largest bigint: an id no row will have.
NO_SUCH_ID = "9223372036854775807"


def fresh(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def new_author(client: TestClient, name: str | None = None) -> dict[str, Any]:
    res = client.post("/v1/authors", json={"name": name or fresh("author")})
    assert res.status_code == 201, res.text
    return res.json()


def new_book(client: TestClient, **fields: Any) -> dict[str, Any]:
    """A book of a new author unless author_id is given; fields override the defaults."""
    body = {"title": fresh("title"), "isbn": fresh("isbn"), "year": 2001, "copies_total": 1, **fields}
    if "author_id" not in body:
        body["author_id"] = new_author(client)["id"]
    res = client.post("/v1/books", json=body)
    assert res.status_code == 201, res.text
    return res.json()


def new_member(client: TestClient) -> dict[str, Any]:
    res = client.post("/v1/members", json={"email": f"{fresh('member')}@example.org", "name": "A Member"})
    assert res.status_code == 201, res.text
    return res.json()


def copies_available(client: TestClient, book_id: str) -> int:
    res = client.get(f"/v1/books/{book_id}")
    assert res.status_code == 200, res.text
    return res.json()["copies_available"]


def assert_problem(res: Any, status: int) -> dict[str, Any]:
    """An error answered as RFC 9457 problem+json with this status."""
    assert res.status_code == status, res.text
    assert res.headers["content-type"].startswith(PROBLEM)
    body = res.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body
