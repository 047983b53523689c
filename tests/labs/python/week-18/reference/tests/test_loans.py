"""Loans: borrow, fetch, return; unknown ids and invalid bodies."""

from datetime import datetime

import pytest

from factories import NO_SUCH_ID, assert_problem, copies_available, new_book, new_member


def test_borrow_answers_201_and_takes_a_copy(client):
    book, member = new_book(client, copies_total=2), new_member(client)
    res = client.post("/v1/loans", json={"book_id": book["id"], "member_id": member["id"]})
    assert res.status_code == 201, res.text
    loan = res.json()
    assert res.headers["location"] == f"/v1/loans/{loan['id']}"
    assert (loan["book_id"], loan["member_id"], loan["returned_at"]) == (book["id"], member["id"], None)
    assert loan["borrowed_at"]
    assert copies_available(client, book["id"]) == 1
    assert client.get(res.headers["location"]).json() == loan


def test_return_answers_200_and_puts_the_copy_back(client):
    book = new_book(client, copies_total=1)
    loan = client.post("/v1/loans", json={"book_id": book["id"], "member_id": new_member(client)["id"]}).json()
    res = client.post(f"/v1/loans/{loan['id']}/return")
    assert res.status_code == 200, res.text
    assert datetime.fromisoformat(res.json()["returned_at"]) >= datetime.fromisoformat(loan["borrowed_at"])
    assert copies_available(client, book["id"]) == 1


def test_borrow_an_unknown_book_or_member_answers_404(client):
    book, member = new_book(client), new_member(client)
    assert_problem(client.post("/v1/loans", json={"book_id": NO_SUCH_ID, "member_id": member["id"]}), 404)
    assert_problem(client.post("/v1/loans", json={"book_id": book["id"], "member_id": NO_SUCH_ID}), 404)
    assert copies_available(client, book["id"]) == 1


@pytest.mark.parametrize("body", [{}, {"book_id": 1, "member_id": 1}, {"book_id": "x", "member_id": "1"}])
def test_borrow_with_an_invalid_body_answers_422(client, body):
    assert_problem(client.post("/v1/loans", json=body), 422)


@pytest.mark.parametrize("loan_id", [NO_SUCH_ID, "abc"])
def test_an_unknown_loan_answers_404(client, loan_id):
    assert_problem(client.get(f"/v1/loans/{loan_id}"), 404)
    assert_problem(client.post(f"/v1/loans/{loan_id}/return"), 404)
