"""A loan comes back once (catches testing.catches.double_return)."""

from factories import assert_problem, copies_available, new_book, new_member


def test_a_returned_loan_cannot_be_returned_again(client):
    book = new_book(client, copies_total=1)
    loan = client.post("/v1/loans", json={"book_id": book["id"], "member_id": new_member(client)["id"]}).json()

    first = client.post(f"/v1/loans/{loan['id']}/return")
    assert first.status_code == 200, first.text
    assert first.json()["returned_at"] is not None
    assert copies_available(client, book["id"]) == 1

    again = client.post(f"/v1/loans/{loan['id']}/return")
    assert_problem(again, 409)
    assert copies_available(client, book["id"]) == 1
    assert client.get(f"/v1/loans/{loan['id']}").json()["returned_at"] == first.json()["returned_at"]
