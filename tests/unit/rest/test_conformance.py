"""The conformance judge on fake exchanges, and the Shelf document and plan it relies on."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import httpx
import yaml  # type: ignore[import-untyped]
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from harness.validators.rest.casegen import local_resolver, mutations, valid
from harness.validators.rest.conformance_plan import Probe, shelf_plan
from harness.validators.rest.openapi.conforms import judge
from harness.validators.rest.openapi.served import shelf_operations, undocumented_errors
from harness.validators.rest.openapi_doc import OpenApiDocument, shelf_document

ROOT = Path(__file__).resolve().parents[3]
SHELF = OpenApiDocument(shelf_document(), name="shelf")
BOOK: dict[str, Any] = {"id": "1", "title": "T", "isbn": "i", "year": None, "tags": [], "author_id": "2",
                        "copies_total": 1, "copies_available": 1, "author": {"id": "2", "name": "A"}}
PROBLEM = {"type": "about:blank", "title": "Not Found", "status": 404}


def exchange(method: str, path: str, status: int, body: Any = None, *, ctype: str = "application/json",
             sent: Any = None, invalid: bool = False) -> tuple[Probe, httpx.Response]:
    request = httpx.Request(method, "http://app" + path, json=sent)
    content = b"" if body is None else json.dumps(body).encode()
    response = httpx.Response(status, content=content, headers={"content-type": ctype} if content else {},
                              request=request)
    return Probe(f"{method} {path}", "case", method, path, body=sent, invalid=invalid), response


def verdict(*args: Any, **kwargs: Any) -> str | None:
    found = judge(SHELF, *exchange(*args, **kwargs))
    return None if found is None else found.problem


def test_conforming_exchanges_pass() -> None:
    assert verdict("GET", "/v1/books/1", 200, BOOK) is None
    assert verdict("GET", "/v1/books/9", 404, PROBLEM, ctype="application/problem+json") is None
    assert verdict("DELETE", "/v1/books/1", 204) is None
    assert verdict("GET", "/nowhere", 404, "x", ctype="text/html") is None  # undocumented: served's business


def test_each_rule_names_its_problem() -> None:
    assert verdict("GET", "/v1/books/1", 500, PROBLEM) == "the server failed with 500"
    assert verdict("POST", "/v1/authors", 501, PROBLEM) == "the route answered 501 Not Implemented"
    assert verdict("GET", "/v1/books/1", 418, PROBLEM).startswith(  # type: ignore[union-attr]
        "status 418 is not documented for GET /v1/books/{id} (documented: 200, 404)")
    assert "Content-Type 'application/json' is not documented for 404" in str(
        verdict("GET", "/v1/books/9", 404, {"detail": "Not Found"}))
    missing_year = {k: v for k, v in BOOK.items() if k != "year"}
    assert "'year' is a required property" in str(verdict("GET", "/v1/books/1", 200, missing_year))
    accepted = verdict("PATCH", "/v1/books/1", 200, BOOK, sent={"title": {"unexpected": "object"}}, invalid=True)
    assert accepted is not None and "does not match" not in accepted
    assert "accepted a body that its own document calls invalid" in accepted


def test_shelf_document_is_what_the_node_reference_and_starters_carry() -> None:
    shelf = yaml.safe_load((ROOT / "labs" / "shelf" / "openapi.yaml").read_text())
    served = json.loads((ROOT / "tests/labs/node/week-15/reference/openapi.json").read_text())
    assert served == shelf
    for starter in ("labs/node/week-15-rest-api/starter", "labs/python/week-15-api-design/starter"):
        assert yaml.safe_load((ROOT / starter / "contract/shelf.openapi.yaml").read_text()) == shelf


def test_shelf_document_documents_its_own_errors() -> None:
    assert undocumented_errors(SHELF) == []
    assert len(shelf_operations()) == 12


def test_generated_bodies_are_valid_and_mutations_invalid() -> None:
    doc = shelf_document()
    resolve = local_resolver(doc)
    for name in ("AuthorCreate", "BookCreate", "BookPatch", "MemberCreate", "LoanCreate"):
        schema = {**doc["components"]["schemas"][name], "components": doc["components"]}
        validator = Draft202012Validator(schema)
        for seed in range(25):
            body = valid(doc["components"]["schemas"][name], random.Random(seed), resolve)
            assert validator.is_valid(body), (name, body)
            for mutation in mutations(doc["components"]["schemas"][name], body, resolve):
                assert not validator.is_valid(mutation.body), (name, mutation.what)


def run_plan(seed: int) -> list[Probe]:
    counter = iter(range(10**6))
    plan = shelf_plan(random.Random(seed), lambda prefix: f"{prefix}-{next(counter)}")
    probes, n = [next(plan)], 0
    while True:
        n += 1
        request = httpx.Request(probes[-1].method, "http://app" + probes[-1].path)
        try:
            probes.append(plan.send(httpx.Response(201, json={"id": str(n), "next_cursor": "c"}, request=request)))
        except StopIteration:
            return probes


def test_the_plan_is_reproducible_and_covers_every_operation() -> None:
    first, again, other = run_plan(7), run_plan(7), run_plan(8)
    assert first == again
    assert [p.case for p in first] == [p.case for p in other]  # same structure, other values
    assert first != other
    operations = {p.operation for p in first}
    assert operations == {op.key for op, _ in shelf_operations()}
    assert 60 <= len(first) <= 200
