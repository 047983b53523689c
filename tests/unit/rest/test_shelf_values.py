"""The harness's valid data is valid in the real world, and a refusal of it is reported as a refusal."""

from __future__ import annotations

import itertools
import json
import random
import re

import httpx

from harness.outcomes import Failure
from harness.validators.rest.casegen import local_resolver, valid
from harness.validators.rest.openapi_doc import shelf_document
from harness.validators.shelf import values
from harness.validators.shelf.refused import setup_failure

# The address grammar of validator.js isEmail / the HTML living standard, which Hibernate's
# @Email and email-validator accept too; special-use names (.test, .local) fail the latter.
EMAIL = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z]{2,})+$")
SPECIAL_USE = ("test", "local", "localhost", "invalid", "onion", "arpa")


def counter(run: str = "r1a2b3c4d") -> values.Unique:
    numbers = itertools.count(1)
    return lambda prefix: f"{prefix}-{run}-{next(numbers)}"


def test_isbns_are_valid_isbn13_and_unique_within_a_run() -> None:
    unique = counter()
    isbns = [values.isbn13(unique) for _ in range(5000)]
    assert all(values.is_isbn13(i) and i.startswith("978") for i in isbns)
    assert len(set(isbns)) == len(isbns)


def test_known_check_digits() -> None:
    assert values.is_isbn13("9780306406157") and values.is_isbn13("9781861972712")
    assert not values.is_isbn13("9780306406158") and not values.is_isbn13("isbn-r1-1")


def test_two_runs_start_their_isbns_apart() -> None:
    assert values.isbn13(counter("r00000001")) != values.isbn13(counter("r00000002"))


def test_emails_are_on_a_reserved_domain_and_pass_common_validators() -> None:
    address = values.email(counter(), "member")
    assert EMAIL.match(address), address
    assert address.endswith("@example.com") and address.rsplit(".", 1)[1] not in SPECIAL_USE


def test_generated_valid_bodies_look_real() -> None:
    doc = shelf_document()
    resolve = local_resolver(doc)
    rng = random.Random(7)
    for _ in range(50):
        book = valid(doc["components"]["schemas"]["BookCreate"], rng, resolve)
        assert re.fullmatch(r"The [A-Z][a-z]+ [A-Z][a-z]+", book["title"])
        assert values.is_isbn13(book["isbn"])
        assert book.get("year") is None or values.YEAR_LOW <= book["year"] <= values.YEAR_HIGH
        assert all(tag in values.TAGS for tag in book.get("tags", []))
        member = valid(doc["components"]["schemas"]["MemberCreate"], rng, resolve)
        assert EMAIL.match(member["email"]) and re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", member["name"])


def _answer(status: int, body: object, sent: dict[str, object]) -> httpx.Response:
    request = httpx.Request("POST", "http://app/v1/books", json=sent)
    return httpx.Response(status, content=json.dumps(body).encode(), request=request,
                          headers={"content-type": "application/problem+json"})


def test_a_refused_isbn_is_reported_as_refused_data_with_the_contract_rule() -> None:
    sent = {"title": "The Quiet Harbor", "isbn": "9780306406157", "year": 1999}
    response = _answer(422, {"type": "about:blank", "title": "Unprocessable", "status": 422,
                             "detail": "isbn is invalid"}, sent)
    failure = setup_failure(response, "POST /v1/books", sent, Failure("stand-in"))
    assert failure.message.startswith("your app refused the data this check needs as invalid "
                                      "(422: isbn is invalid); the harness sent {")
    assert "the contract allows isbn: any string of 1-40 characters" in failure.message
    assert "this is the value it rejected (isbn='9780306406157')" in failure.message
    assert "does not work" not in failure.message


def test_fastapi_detail_lists_name_the_field() -> None:
    sent = {"email": "member-r1-1@example.com", "name": "Ada Lovelace"}
    request = httpx.Request("POST", "http://app/v1/members", json=sent)
    response = httpx.Response(422, request=request, json={"detail": [
        {"loc": ["body", "email"], "msg": "value is not a valid email address"}]})
    failure = setup_failure(response, "POST /v1/members", sent, Failure("stand-in"))
    assert "(422: email: value is not a valid email address)" in failure.message
    assert "the contract allows email: an e-mail address of up to 254 characters" in failure.message


def test_a_missing_route_is_not_called_refused_data() -> None:
    response = _answer(404, {"status": 404}, {"name": "Ada Lovelace"})
    failure = setup_failure(response, "POST /v1/authors", {"name": "Ada Lovelace"}, Failure("got 404"))
    assert failure.message.startswith("this check builds its data through POST /v1/authors, which is not there yet")


def test_the_conformance_plan_sends_real_world_values_in_its_valid_cases() -> None:
    from harness.validators.rest.conformance_plan import shelf_plan

    plan = shelf_plan(random.Random(3), counter())
    probe = next(plan)
    isbns: list[str] = []
    try:
        for number in itertools.count(1):
            body = probe.body if isinstance(probe.body, dict) else {}
            if not probe.invalid and probe.method in ("POST", "PATCH"):
                if isinstance(body.get("isbn"), str):
                    assert values.is_isbn13(body["isbn"]), probe
                    isbns.append(body["isbn"])
                if "email" in body:
                    assert EMAIL.match(body["email"]), probe
                if isinstance(body.get("year"), int):
                    assert values.YEAR_LOW <= body["year"] <= values.YEAR_HIGH, probe
            reply = httpx.Response(201, json={"id": str(number), "next_cursor": None, "items": []},
                                   request=httpx.Request(probe.method, "http://app" + probe.path))
            probe = plan.send(reply)
    except StopIteration:
        pass
    assert len(isbns) >= 3
