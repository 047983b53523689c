"""Books: create, fetch, update, delete."""

import pytest

from factories import NO_SUCH_ID, assert_problem, fresh, new_author, new_book, new_member


def test_create_answers_201_with_the_author_embedded(client):
    author = new_author(client)
    body = {"title": fresh("Dune"), "isbn": fresh("isbn"), "year": 1965, "author_id": author["id"],
            "tags": ["sf", "classic"], "copies_total": 3}
    res = client.post("/v1/books", json=body)
    assert res.status_code == 201, res.text
    book = res.json()
    assert res.headers["location"] == f"/v1/books/{book['id']}"
    assert {k: book[k] for k in body} == body
    assert book["copies_available"] == 3
    assert book["author"] == author
    assert client.get(res.headers["location"]).json() == book


def test_create_with_the_defaults(client):
    author = new_author(client)
    res = client.post("/v1/books", json={"title": fresh("t"), "isbn": fresh("isbn"), "author_id": author["id"]})
    assert res.status_code == 201, res.text
    book = res.json()
    assert (book["year"], book["tags"], book["copies_total"], book["copies_available"]) == (None, [], 1, 1)


def test_a_duplicate_isbn_answers_409(client):
    book = new_book(client)
    again = client.post("/v1/books", json={"title": fresh("t"), "isbn": book["isbn"], "author_id": book["author_id"]})
    assert_problem(again, 409)


def test_an_unknown_author_answers_422(client):
    assert_problem(client.post("/v1/books", json={"title": fresh("t"), "isbn": fresh("isbn"),
                                                  "author_id": NO_SUCH_ID}), 422)


def test_update_changes_only_the_fields_sent(client):
    book = new_book(client, year=1999, tags=["a"])
    other = new_author(client)
    res = client.patch(f"/v1/books/{book['id']}", json={"title": "New title", "year": None, "tags": ["b", "c"],
                                                         "author_id": other["id"]})
    assert res.status_code == 200, res.text
    changed = res.json()
    assert (changed["title"], changed["year"], changed["tags"]) == ("New title", None, ["b", "c"])
    assert changed["author"] == other
    assert (changed["isbn"], changed["copies_total"]) == (book["isbn"], book["copies_total"])


def test_copies_available_moves_with_copies_total_and_loans_stay(client):
    book = new_book(client, copies_total=3)
    loan = client.post("/v1/loans", json={"book_id": book["id"], "member_id": new_member(client)["id"]})
    assert loan.status_code == 201, loan.text

    res = client.patch(f"/v1/books/{book['id']}", json={"copies_total": 5})
    assert (res.json()["copies_total"], res.json()["copies_available"]) == (5, 4)
    res = client.patch(f"/v1/books/{book['id']}", json={"copies_total": 1})
    assert (res.json()["copies_total"], res.json()["copies_available"]) == (1, 0)
    # Below the copies on loan: refused, nothing changes.
    assert_problem(client.patch(f"/v1/books/{book['id']}", json={"copies_total": 0}), 409)
    assert client.get(f"/v1/books/{book['id']}").json()["copies_total"] == 1


def test_update_to_an_isbn_taken_answers_409(client):
    one, two = new_book(client), new_book(client)
    assert_problem(client.patch(f"/v1/books/{two['id']}", json={"isbn": one["isbn"]}), 409)


def test_update_to_an_unknown_author_answers_422(client):
    book = new_book(client)
    assert_problem(client.patch(f"/v1/books/{book['id']}", json={"author_id": NO_SUCH_ID}), 422)


@pytest.mark.parametrize("book_id", [NO_SUCH_ID, "abc"])
def test_update_or_delete_an_unknown_book_answers_404(client, book_id):
    assert_problem(client.patch(f"/v1/books/{book_id}", json={"title": "x"}), 404)
    assert_problem(client.delete(f"/v1/books/{book_id}"), 404)


def test_delete_answers_204_once_then_404(client):
    book = new_book(client)
    res = client.delete(f"/v1/books/{book['id']}")
    assert res.status_code == 204 and res.content == b""
    assert_problem(client.delete(f"/v1/books/{book['id']}"), 404)
