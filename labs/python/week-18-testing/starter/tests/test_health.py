"""An example to start from: one request, and assertions on what came back."""


def test_health_answers_200_ok(client):
    res = client.get("/health")
    assert res.status_code == 200, res.text
    assert res.json() == {"status": "ok"}
