"""A book that does not exist is a 404 (catches testing.catches.unknown_book)."""

import pytest

from factories import NO_SUCH_ID, assert_problem, new_book


@pytest.mark.parametrize("book_id", [NO_SUCH_ID, "0", "abc", "12x", "99999999999999999999"])
def test_get_an_id_no_book_has_answers_404(client, book_id):
    assert_problem(client.get(f"/v1/books/{book_id}"), 404)


def test_a_deleted_book_is_gone(client):
    book = new_book(client)
    assert client.get(f"/v1/books/{book['id']}").status_code == 200
    assert client.delete(f"/v1/books/{book['id']}").status_code == 204
    assert_problem(client.get(f"/v1/books/{book['id']}"), 404)
