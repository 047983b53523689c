"""Invalid books are refused with 422, one invalid field at a time, and nothing is stored
(catches testing.catches.invalid_book)."""

import pytest

from factories import assert_problem, fresh, new_author, new_book

INVALID = [
    ("copies_total", -1),
    ("copies_total", "3"),
    ("copies_total", 10_001),
    ("isbn", ""),
    ("year", "1999"),
    ("tags", "fiction"),
    ("tags", [""]),
    ("author_id", "abc"),
    ("author_id", 7),
]


def valid_body(client):
    return {"title": fresh("title"), "isbn": fresh("isbn"), "year": 1999,
            "author_id": new_author(client)["id"], "copies_total": 2}


@pytest.mark.parametrize(("field", "value"), INVALID)
def test_create_with_one_invalid_field_answers_422_and_stores_nothing(client, field, value):
    body = {**valid_body(client), field: value}
    assert_problem(client.post("/v1/books", json=body), 422)
    assert client.get("/v1/books", params={"q": body["title"]}).json()["items"] == []


@pytest.mark.parametrize("title", ["", 42, None, "x" * 201])
def test_create_with_an_invalid_title_answers_422(client, title):
    assert_problem(client.post("/v1/books", json={**valid_body(client), "title": title}), 422)


@pytest.mark.parametrize("field", ["title", "isbn", "author_id"])
def test_create_without_a_required_field_answers_422(client, field):
    body = valid_body(client)
    del body[field]
    assert_problem(client.post("/v1/books", json=body), 422)


@pytest.mark.parametrize(("field", "value"), [("copies_total", -1), ("title", ""), ("title", None), ("year", "x")])
def test_update_with_an_invalid_field_answers_422_and_changes_nothing(client, field, value):
    book = new_book(client, copies_total=2)
    assert_problem(client.patch(f"/v1/books/{book['id']}", json={field: value}), 422)
    assert client.get(f"/v1/books/{book['id']}").json() == book
