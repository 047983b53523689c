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


@pytest.fixture(scope="module")
def author(client):
    """The author of every book in this file: its tests are about the book's own fields."""
    return new_author(client)


@pytest.fixture
def valid_body(author):
    return {"title": fresh("title"), "isbn": fresh("isbn"), "year": 1999, "author_id": author["id"],
            "copies_total": 2}


def test_the_valid_body_is_accepted(client, valid_body):
    """What the tests below break one field of is itself valid: their 422s come from that field."""
    res = client.post("/v1/books", json=valid_body)
    assert res.status_code == 201, res.text


@pytest.mark.parametrize(("field", "value"), INVALID)
def test_create_with_one_invalid_field_answers_422_and_stores_nothing(client, valid_body, field, value):
    body = {**valid_body, field: value}
    assert_problem(client.post("/v1/books", json=body), 422)
    assert client.get("/v1/books", params={"q": body["title"]}).json()["items"] == []


@pytest.mark.parametrize("title", ["", 42, None, "x" * 201])
def test_create_with_an_invalid_title_answers_422(client, valid_body, title):
    assert_problem(client.post("/v1/books", json={**valid_body, "title": title}), 422)


@pytest.mark.parametrize("field", ["title", "isbn", "author_id"])
def test_create_without_a_required_field_answers_422(client, valid_body, field):
    body = dict(valid_body)
    del body[field]
    assert_problem(client.post("/v1/books", json=body), 422)


@pytest.mark.parametrize(("field", "value"), [("copies_total", -1), ("title", ""), ("title", None), ("year", "x")])
def test_update_with_an_invalid_field_answers_422_and_changes_nothing(client, author, field, value):
    book = new_book(client, copies_total=2, author_id=author["id"])
    assert_problem(client.patch(f"/v1/books/{book['id']}", json={field: value}), 422)
    assert client.get(f"/v1/books/{book['id']}").json() == book
