"""What a check says when the app will not create the data the check needs.

A check builds its data through the app's own routes. When a route answers 4xx to that
data, the route works: the app refused the values, often because its validation is
stricter than the contract (a learner who checks ISBN check digits). The message says so,
shows what the harness sent, and quotes the contract's rule for the value, so a learner can
tell a harness value the contract allows from a bug of theirs. Only a route that is not
there (404, 405, 501) or that crashes (5xx) is reported as not working.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from harness.httpclient import curl_for, describe
from harness.outcomes import Failure

from .polite import rate_limited_hint

REFUSED_AS_INVALID = (400, 422)
NOT_THERE = (404, 405, 501)

# The rules of the bodies that are not in labs/shelf/openapi.yaml (SHELF.md, Accounts).
_EXTRA_RULES: dict[str, dict[str, str]] = {
    "/v1/auth/register": {
        "email": "an e-mail address",
        "password": "a password your lab's policy accepts (the harness sends long random ones)",
        "name": "a string of 1-200 characters",
    },
}


def _body_schema(path: str) -> Mapping[str, Any] | None:
    from ..rest.casegen import local_resolver
    from ..rest.openapi_doc import shelf_document

    try:
        doc = shelf_document()
        resolve = local_resolver(doc)
        post = doc["paths"][path]["post"]
        schema = resolve(post["requestBody"]["content"]["application/json"]["schema"])
    except (KeyError, TypeError, OSError, RuntimeError):
        return None
    properties = schema.get("properties")
    return {name: resolve(sub) for name, sub in properties.items()} if isinstance(properties, dict) else None


def _rule(schema: Mapping[str, Any]) -> str:
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    nullable = " or null" if "null" in kinds else ""
    if "integer" in kinds:
        return f"an integer from {schema.get('minimum', '...')} to {schema.get('maximum', '...')}{nullable}"
    if "array" in kinds:
        items = schema.get("items")
        items = items if isinstance(items, dict) else {}
        return f"a list of up to {schema.get('maxItems', 'any number of')} items, each {_rule(items)}"
    if schema.get("format") == "email":
        return f"an e-mail address of up to {schema.get('maxLength', 254)} characters"
    if "string" in kinds or not kinds:
        low, high = schema.get("minLength"), schema.get("maxLength")
        if low is not None and high is not None:
            return f"any string of {low}-{high} characters{nullable}"
        return f"a string{nullable}"
    return " or ".join(str(k) for k in kinds)


def contract_rules(path: str) -> dict[str, str]:
    """field -> the rule the Shelf contract sets for it, for POST `path`."""
    if path in _EXTRA_RULES:
        return dict(_EXTRA_RULES[path])
    schema = _body_schema(path)
    return {name: _rule(sub) for name, sub in schema.items()} if schema else {}


def app_message(response: httpx.Response) -> str:
    """The app's own reason, from a problem document, a FastAPI/Spring error body or the text."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200] or "no body"
    if isinstance(body, dict):
        for key in ("detail", "message", "error", "title"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value[:200]
            if isinstance(value, list) and value:  # FastAPI: [{"loc": [...], "msg": ...}]
                parts = []
                for item in value[:3]:
                    if isinstance(item, dict):
                        loc = ".".join(str(p) for p in item.get("loc", []) if p != "body")
                        parts.append(f"{loc}: {item.get('msg', '')}".strip(": "))
                return "; ".join(parts)[:200]
        errors = body.get("errors")
        if errors:
            return json.dumps(errors)[:200]
    return json.dumps(body)[:200]


def _named_fields(message: str, payload: Mapping[str, Any]) -> list[str]:
    lowered = message.lower()
    return [name for name in payload if name.lower() in lowered]


def refused(response: httpx.Response, what: str, payload: Mapping[str, Any]) -> Failure:
    """The failure for a 4xx answer to valid setup data (400, 409, 422 ...)."""
    path = response.request.url.path
    reason = app_message(response)
    status = response.status_code
    sent = json.dumps(dict(payload), ensure_ascii=False)
    rules = contract_rules(path)
    named = _named_fields(reason, payload) or list(payload)
    allowed = "; ".join(f"{name}: {rules[name]}" for name in named if name in rules)
    values = ", ".join(f"{name}={payload[name]!r}" for name in named if name in payload)
    if status == 409:
        message = (f"your app refused the data this check needs as a conflict ({status}: {reason}); the harness "
                   f"sent {sent} through {what}; its unique values (ISBN, e-mail) are new to this run, so "
                   f"nothing it sent before has them: check what your uniqueness rule compares")
    else:
        message = (f"your app refused the data this check needs as invalid ({status}: {reason}); the harness "
                   f"sent {sent} through {what}; the contract allows {allowed or 'these values'}: if your "
                   f"validation is stricter than the contract, this is the value it rejected ({values})")
    return Failure(
        message,
        expected="201 Created with the new resource: the values are valid under the Shelf contract "
                 "(labs/shelf/openapi.yaml) and real-world rules (ISBN-13 check digit, e-mail on example.com)",
        actual=describe(response),
        hint="Accept every value the contract allows; validate strictly only what the contract also forbids. "
             "If the rejected value is one the contract allows, loosen that rule.",
        reproduce=curl_for(response.request),
    )


def not_working(response: httpx.Response, what: str, failure: Failure) -> Failure:
    """Prefixes a failure about `what` with the route's state, in words true of that state."""
    status = response.status_code
    if status == 429:
        failure.hint = rate_limited_hint(what)
        lead = f"this check builds its data through {what}, which kept answering 429"
    elif status in NOT_THERE:
        lead = f"this check builds its data through {what}, which is not there yet (it answered {status})"
    elif status >= 500:
        lead = f"this check builds its data through {what}, which failed with {status}"
    else:
        lead = f"this check builds its data through {what}, whose answer it cannot use"
    failure.message = f"{lead}: {failure.message}"
    return failure


def setup_failure(response: httpx.Response, what: str, payload: Mapping[str, Any] | None,
                  failure: Failure) -> Failure:
    """The right failure for setup data `payload` sent to `what` and answered by `response`."""
    status = response.status_code
    if payload is not None and 400 <= status < 500 and status not in (*NOT_THERE, 401, 403, 429):
        return refused(response, what, payload)
    return not_working(response, what, failure)
