"""The TOML scenario format: what it accepts, and errors that name the file and the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.load.scenario import Route, ScenarioError, load_scenario, scenario_for_url

GOOD = """
[defaults]
headers = { Authorization = "Bearer ${API_TOKEN}" }
expect_status = [200]

[[route]]
name = "list books"
path = "/v1/books?limit=20"
weight = 5

[[route]]
method = "post"
path = "/v1/books"
json = { title = "Dune", author = "Herbert" }
expect_status = 201
headers = { "X-Request-Id" = "bench" }
"""


def _write(tmp_path: Path, text: str, name: str = "scenario.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_scenario(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, GOOD), environ={"API_TOKEN": "s3cret"})
    listing, create = scenario.routes
    assert listing == Route(name="list books", method="GET", path="/v1/books?limit=20",
                            weight=5, headers=(("Authorization", "Bearer s3cret"),),
                            expect_status=(200,))
    assert create.name == "POST /v1/books"
    assert create.method == "POST"
    assert json.loads(create.body or b"") == {"title": "Dune", "author": "Herbert"}
    assert dict(create.headers) == {"Authorization": "Bearer s3cret", "X-Request-Id": "bench",
                                    "Content-Type": "application/json"}
    assert create.expect_status == (201,)
    assert create.is_success(201) and not create.is_success(200)


def test_without_expected_status_anything_below_400_succeeds() -> None:
    route = Route(name="r", method="GET", path="/")
    assert route.is_success(200) and route.is_success(304)
    assert not route.is_success(404) and not route.is_success(0)


def test_route_json_round_trip(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, GOOD), environ={"API_TOKEN": "t"})
    for route in scenario.routes:
        assert Route.from_json(json.loads(json.dumps(route.to_json()))) == route


def test_a_missing_environment_variable_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, GOOD), environ={})
    assert "${API_TOKEN}" in str(info.value)
    assert "environment variable API_TOKEN is not set" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[route]]\npath = '/x'\nmethod = 'GRAB'\n", "route 1: 'method' must be one of GET"),
        ("[[route]]\npath = 'x'\n", "route 1: 'path' must be a string starting with '/'"),
        ("[[route]]\npath = '/x'\nweight = 0\n", "'weight' must be a whole number >= 1"),
        ("[[route]]\npath = '/x'\nbodyy = 'a'\n", "route 1: unknown key 'bodyy'"),
        ("[[route]]\npath = '/x'\njson = {a = 1}\nbody = 'b'\n", "either 'json' or 'body'"),
        ("[[route]]\npath = '/x'\nexpect_status = 'ok'\n", "'expect_status' must be"),
        ("[[route]]\npath = '/x'\nheaders = { A = 1 }\n", "'headers' must be a table of strings"),
        ("[defaults]\nhost = 'x'\n[[route]]\npath = '/x'\n", "[defaults] has unknown key 'host'"),
        ("rate = 5\n[[route]]\npath = '/x'\n", "unknown top-level key 'rate'"),
        ("[defaults]\n", "no routes"),
        ("[[route]\n", "not valid TOML"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, environ={})
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_a_python_file_is_a_locust_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "from locust import FastHttpUser\n", "locustfile.py")
    scenario = load_scenario(path)
    assert scenario.locustfile == path.resolve()
    assert scenario.routes == ()


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "nope.toml")


def test_no_scenario_gets_the_url_path() -> None:
    (route,) = scenario_for_url("http://127.0.0.1:8080/health?deep=1").routes
    assert (route.method, route.path) == ("GET", "/health?deep=1")
    (root,) = scenario_for_url("http://127.0.0.1:8080").routes
    assert root.path == "/"
