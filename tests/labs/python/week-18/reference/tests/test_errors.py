"""Errors the framework makes itself are problem+json too."""

from factories import assert_problem


def test_an_unknown_route_answers_404(client):
    body = assert_problem(client.get("/v1/nothing-here"), 404)
    assert "/v1/nothing-here" in body["detail"]


def test_a_wrong_method_answers_405(client):
    assert_problem(client.put("/v1/books"), 405)


def test_a_body_that_is_not_json_answers_400(client):
    res = client.post("/v1/authors", content=b'{"name": ', headers={"content-type": "application/json"})
    assert_problem(res, 400)
