"""Never more loans than copies (catches testing.catches.loan_oversell)."""

from factories import assert_problem, copies_available, new_book, new_member


def test_the_last_copy_can_be_borrowed_and_then_no_more(client):
    book = new_book(client, copies_total=2)
    for _ in range(2):
        res = client.post("/v1/loans", json={"book_id": book["id"], "member_id": new_member(client)["id"]})
        assert res.status_code == 201, res.text
    assert copies_available(client, book["id"]) == 0

    late = client.post("/v1/loans", json={"book_id": book["id"], "member_id": new_member(client)["id"]})
    assert_problem(late, 409)
    assert copies_available(client, book["id"]) == 0


def test_a_book_with_no_copies_cannot_be_borrowed(client):
    book = new_book(client, copies_total=0)
    res = client.post("/v1/loans", json={"book_id": book["id"], "member_id": new_member(client)["id"]})
    assert_problem(res, 409)
    assert copies_available(client, book["id"]) == 0
