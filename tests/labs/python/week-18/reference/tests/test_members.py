"""Members: create and fetch; an e-mail is taken once. Every run uses e-mails of its own."""

import pytest

from factories import NO_SUCH_ID, assert_problem


def test_create_member_answers_201_with_its_location(client, unique):
    email = f"{unique('ada')}@example.org"
    res = client.post("/v1/members", json={"email": email, "name": "Ada Lovelace"})
    assert res.status_code == 201, res.text
    member = res.json()
    assert res.headers["location"] == f"/v1/members/{member['id']}"
    assert member["email"] == email
    assert member["name"] == "Ada Lovelace"
    assert client.get(res.headers["location"]).json() == member


def test_an_email_already_taken_answers_409(client, unique):
    email = f"{unique('grace')}@example.org"
    assert client.post("/v1/members", json={"email": email, "name": "Grace"}).status_code == 201
    assert_problem(client.post("/v1/members", json={"email": email, "name": "Another Grace"}), 409)


@pytest.mark.parametrize("body", [{"email": "not-an-email", "name": "X"}, {"email": "x@example.org"},
                                  {"email": "x@example.org", "name": ""}, {"name": "X"}])
def test_create_with_an_invalid_body_answers_422(client, body):
    assert_problem(client.post("/v1/members", json=body), 422)


@pytest.mark.parametrize("member_id", [NO_SUCH_ID, "-1"])
def test_get_an_unknown_member_answers_404(client, member_id):
    assert_problem(client.get(f"/v1/members/{member_id}"), 404)
