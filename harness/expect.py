"""Assertions for checks: each failure carries what was sent, what came back, and a curl line."""

from __future__ import annotations

import re
from typing import Any

import httpx

from harness.httpclient import curl_for, describe
from harness.outcomes import Failure

PROBLEM_TYPE = "application/problem+json"
# Signatures of stack traces and driver errors leaking into a response body.
LEAK_PATTERNS = (
    re.compile(r"at \S+ \(.*:\d+:\d+\)"),
    re.compile(r"\n\s+at .+:\d+:\d+"),
    re.compile(r"Traceback \(most recent call last\)"),
    re.compile(r"org\.springframework|java\.lang\.\w+Exception"),
    re.compile(r"SQLSTATE|syntax error at or near|unterminated quoted string|psycopg|node_modules"),
    re.compile(r"MongoServerError"),
)


def fail(response: httpx.Response, message: str, *, expected: str, hint: str | None = None) -> Failure:
    return Failure(message, expected=expected, actual=describe(response), hint=hint,
                   reproduce=curl_for(response.request))


def status(response: httpx.Response, *codes: int, what: str, hint: str | None = None) -> None:
    if response.status_code not in codes:
        wanted = " or ".join(str(c) for c in codes)
        raise fail(response, f"{what}: expected status {wanted}, got {response.status_code}",
                   expected=f"status {wanted}", hint=hint)


def json_body(response: httpx.Response, *, what: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise fail(response, f"{what}: the body is not JSON", expected="a JSON body",
                   hint="Send JSON with Content-Type: application/json.") from None


def json_object(response: httpx.Response, *, what: str) -> dict[str, Any]:
    body = json_body(response, what=what)
    if not isinstance(body, dict):
        raise fail(response, f"{what}: expected a JSON object", expected="a JSON object")
    return body


def field_equals(response: httpx.Response, body: dict[str, Any], key: str, value: Any, *, what: str) -> None:
    if key not in body:
        raise fail(response, f"{what}: the field '{key}' is missing", expected=f"'{key}': {value!r}")
    if body[key] != value:
        raise fail(response, f"{what}: '{key}' is {body[key]!r}, expected {value!r}",
                   expected=f"'{key}': {value!r}")


def string_id(response: httpx.Response, body: dict[str, Any], *, what: str, key: str = "id") -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise fail(response, f"{what}: '{key}' must be a non-empty string (ids are strings in JSON)",
                   expected=f"'{key}': \"<id>\"", hint="Serialise ids as strings, e.g. String(row.id).")
    return value


def leaks(text: str) -> str | None:
    for pattern in LEAK_PATTERNS:
        match = pattern.search(text)
        if match:
            return match.group(0).strip()
    return None


def problem_json(response: httpx.Response, *, what: str, status_code: int | None = None) -> dict[str, Any]:
    """An RFC 9457 problem document: the media type, and type/title/status(/detail) fields."""
    hint = ("Answer every error with Content-Type: application/problem+json and a body "
            "{type, title, status, detail}, from one error handler.")
    ctype = response.headers.get("content-type", "")
    if not ctype.split(";")[0].strip().lower() == PROBLEM_TYPE:
        raise fail(response, f"{what}: the error is not application/problem+json",
                   expected=f"Content-Type: {PROBLEM_TYPE}", hint=hint)
    body = json_object(response, what=what)
    missing = [k for k in ("type", "title", "status") if k not in body]
    if missing:
        raise fail(response, f"{what}: the problem document lacks {', '.join(missing)}",
                   expected="a body with type, title, status and detail", hint=hint)
    if body.get("status") != response.status_code:
        raise fail(response, f"{what}: the problem's status {body.get('status')!r} differs from "
                   f"the HTTP status {response.status_code}", expected=f"\"status\": {response.status_code}")
    if status_code is not None and response.status_code != status_code:
        raise fail(response, f"{what}: expected status {status_code}, got {response.status_code}",
                   expected=f"status {status_code}")
    leaked = leaks(response.text)
    if leaked:
        raise fail(response, f"{what}: the error body leaks internals: {leaked!r}",
                   expected="a generic message without stack traces or SQL",
                   hint="Log the details on the server; send the client only a short detail.")
    return body
