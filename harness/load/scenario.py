"""What to request: a declarative TOML scenario, a Locust file, or just the URL.

The TOML format (documented in docs/bench.md)::

    [defaults]
    headers = { Authorization = "Bearer ${API_TOKEN}" }   # ${VAR}: from the environment
    expect_status = [200]

    [[route]]
    name = "list books"          # optional, defaults to "METHOD path"
    method = "GET"               # optional, defaults to GET
    path = "/v1/books?limit=20"
    weight = 5                   # optional, defaults to 1

    [[route]]
    method = "POST"
    path = "/v1/books"
    json = { title = "Dune", author = "Herbert" }
    expect_status = 201

``${VAR}`` is expanded in paths and header values so tokens stay out of the file.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_ROUTE_KEYS = {"name", "method", "path", "weight", "json", "body", "headers", "expect_status"}
_DEFAULT_KEYS = {"headers", "expect_status"}
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str
    weight: int = 1
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    # Empty: any status below 400 is a success (what Locust counts as a success too).
    expect_status: tuple[int, ...] = ()

    def is_success(self, status: int) -> bool:
        if self.expect_status:
            return status in self.expect_status
        return 0 < status < 400

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "method": self.method,
            "path": self.path,
            "weight": self.weight,
            "body": self.body.decode("utf-8") if self.body is not None else None,
            "headers": [list(h) for h in self.headers],
            "expect_status": list(self.expect_status),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Route:
        body = data.get("body")
        headers = data.get("headers") or []
        expect = data.get("expect_status") or []
        assert isinstance(headers, list) and isinstance(expect, list)
        return cls(
            name=str(data["name"]),
            method=str(data["method"]),
            path=str(data["path"]),
            weight=int(str(data.get("weight", 1))),
            body=body.encode("utf-8") if isinstance(body, str) else None,
            headers=tuple((str(k), str(v)) for k, v in headers),
            expect_status=tuple(int(s) for s in expect),
        )


@dataclass(frozen=True)
class Scenario:
    routes: tuple[Route, ...] = ()
    locustfile: Path | None = None
    source: Path | None = None
    notes: tuple[str, ...] = field(default=())


def scenario_for_url(url: str) -> Scenario:
    """No scenario file: GET the URL's own path (and query)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Scenario(routes=(Route(name=f"GET {path}", method="GET", path=path),))


def load_scenario(path: Path, environ: Mapping[str, str] | None = None) -> Scenario:
    """A ``.py`` file is a Locust file; anything else is read as the TOML format."""
    if not path.is_file():
        raise ScenarioError(f"{path}: no such scenario file")
    if path.suffix == ".py":
        return Scenario(locustfile=path.resolve(), source=path)
    env = os.environ if environ is None else environ
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file") from None
    return Scenario(routes=_parse_routes(path, data, env), source=path)


def _parse_routes(path: Path, data: Mapping[str, object], env: Mapping[str, str]) -> tuple[
    Route, ...
]:
    unknown = set(data) - {"defaults", "route"}
    if unknown:
        raise ScenarioError(
            f"{path}: unknown top-level key {sorted(unknown)[0]!r}; expected [defaults] and "
            "[[route]] tables"
        )
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise ScenarioError(f"{path}: [defaults] must be a table")
    bad = set(defaults) - _DEFAULT_KEYS
    if bad:
        raise ScenarioError(f"{path}: [defaults] has unknown key {sorted(bad)[0]!r}; "
                            f"allowed: {', '.join(sorted(_DEFAULT_KEYS))}")
    raw_routes = data.get("route")
    if not isinstance(raw_routes, list) or not raw_routes:
        raise ScenarioError(f"{path}: no routes; add at least one [[route]] table with a 'path'")
    routes = []
    for number, raw in enumerate(raw_routes, start=1):
        where = f"{path}: route {number}"
        if not isinstance(raw, dict):
            raise ScenarioError(f"{where}: must be a table")
        routes.append(_parse_route(where, raw, defaults, env))
    return tuple(routes)


def _parse_route(
    where: str, raw: dict[str, object], defaults: dict[str, object], env: Mapping[str, str]
) -> Route:
    bad = set(raw) - _ROUTE_KEYS
    if bad:
        raise ScenarioError(f"{where}: unknown key {sorted(bad)[0]!r}; allowed: "
                            f"{', '.join(sorted(_ROUTE_KEYS))}")
    route_path = raw.get("path")
    if not isinstance(route_path, str) or not route_path.startswith("/"):
        raise ScenarioError(f"{where}: 'path' must be a string starting with '/', "
                            f"got {route_path!r}")
    route_path = _expand(f"{where} 'path'", route_path, env)
    method = raw.get("method", "GET")
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise ScenarioError(f"{where}: 'method' must be one of {', '.join(METHODS)}, "
                            f"got {method!r}")
    method = method.upper()
    weight = raw.get("weight", 1)
    if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
        raise ScenarioError(f"{where}: 'weight' must be a whole number >= 1, got {weight!r}")
    headers = _headers(where, defaults.get("headers", {}), env)
    headers.update(_headers(where, raw.get("headers", {}), env))
    body: bytes | None = None
    if "json" in raw and "body" in raw:
        raise ScenarioError(f"{where}: give either 'json' or 'body', not both")
    if "json" in raw:
        body = json.dumps(raw["json"], separators=(",", ":")).encode("utf-8")
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"
    elif "body" in raw:
        if not isinstance(raw["body"], str):
            raise ScenarioError(f"{where}: 'body' must be a string (use 'json' for a table)")
        body = raw["body"].encode("utf-8")
    expect = raw.get("expect_status", defaults.get("expect_status", []))
    statuses = [expect] if isinstance(expect, int) else expect
    if not isinstance(statuses, list) or not all(
        isinstance(s, int) and not isinstance(s, bool) and 100 <= s <= 599 for s in statuses
    ):
        raise ScenarioError(f"{where}: 'expect_status' must be a status code or a list of "
                            f"them (100-599), got {expect!r}")
    name = raw.get("name", f"{method} {route_path}")
    if not isinstance(name, str) or not name:
        raise ScenarioError(f"{where}: 'name' must be a non-empty string")
    return Route(
        name=name,
        method=method,
        path=route_path,
        weight=weight,
        body=body,
        headers=tuple(headers.items()),
        expect_status=tuple(statuses),
    )


def _headers(where: str, raw: object, env: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise ScenarioError(f"{where}: 'headers' must be a table of strings, e.g. "
                            "headers = { Authorization = \"Bearer ${API_TOKEN}\" }")
    return {str(k): _expand(f"{where} header {k!r}", v, env) for k, v in raw.items()}


def _expand(where: str, text: str, env: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            raise ScenarioError(f"{where} uses ${{{name}}} but the environment variable "
                                f"{name} is not set")
        return env[name]

    return _ENV_REF.sub(replace, text)
