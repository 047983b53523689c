"""An example with a flaw: run the tests twice on the same database (README, task 1)."""


def test_create_member_answers_201_with_its_location(client):
    res = client.post("/v1/members", json={"email": "ada@example.org", "name": "Ada Lovelace"})
    assert res.status_code == 201, res.text
    member = res.json()
    assert res.headers["location"] == f"/v1/members/{member['id']}"
    assert member["email"] == "ada@example.org"
    assert member["name"] == "Ada Lovelace"
