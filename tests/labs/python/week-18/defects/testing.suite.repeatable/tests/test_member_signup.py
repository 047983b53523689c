"""A fixed e-mail: passes on an empty database, 409 on the one its first run left behind."""


def test_a_new_member_can_sign_up(client):
    res = client.post("/v1/members", json={"email": "ada@example.org", "name": "Ada Lovelace"})
    assert res.status_code == 201, res.text
    assert res.json()["email"] == "ada@example.org"
