"""Authors: create and fetch."""

import pytest

from factories import NO_SUCH_ID, assert_problem, fresh


def test_create_answers_201_with_its_location_and_fetches_back(client):
    name = fresh("Ursula")
    res = client.post("/v1/authors", json={"name": name})
    assert res.status_code == 201, res.text
    author = res.json()
    assert author["name"] == name and author["id"].isdigit()
    assert res.headers["location"] == f"/v1/authors/{author['id']}"
    assert client.get(res.headers["location"]).json() == author


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": 5}, {"name": None}])
def test_create_with_an_invalid_name_answers_422(client, body):
    assert_problem(client.post("/v1/authors", json=body), 422)


@pytest.mark.parametrize("author_id", [NO_SUCH_ID, "abc"])
def test_get_an_unknown_author_answers_404(client, author_id):
    assert_problem(client.get(f"/v1/authors/{author_id}"), 404)
