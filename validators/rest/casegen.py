"""Request data from the schemas of the Shelf document, reproducible from a seed.

`valid` draws a value that satisfies a schema (bounds, lengths, enums, formats the Shelf
document uses); `mutations` lists bodies that break it in one place each: a property of the
wrong type, a required property left out. The structure of the cases is fixed; only the
values depend on the seed, so every run exercises the same things and `--seed N` repeats
one exactly.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..shelf import values

# A JSON object is the wrong type for every field Shelf has (strings, integers, arrays):
# no framework coerces it, so a 2xx answer means the field was not validated.
WRONG_TYPE: dict[str, Any] = {"unexpected": "object"}
WRONG_FOR_OBJECT: Any = ["not", "an", "object"]
_WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heath", "inlet", "juniper")

Resolve = Callable[[Mapping[str, Any]], Mapping[str, Any]]
Override = Callable[[random.Random], Any]


def local_resolver(document: Mapping[str, Any]) -> Resolve:
    """Follows `#/...` references inside one document."""

    def resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
        seen = 0
        while isinstance(schema.get("$ref"), str):
            node: Any = document
            for token in str(schema["$ref"]).lstrip("#/").split("/"):
                node = node[token.replace("~1", "/").replace("~0", "~")]
            schema = node
            seen += 1
            if seen > 32:
                raise ValueError("a cycle of $ref")
        return schema

    return resolve


def _types(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [str(k) for k in kind]
    if "properties" in schema:
        return ["object"]
    return ["string"]


def _realistic(name: str | None, kind: str, schema: Mapping[str, Any], rng: random.Random) -> Any:
    """A value that looks like what the field holds (a title, a person's name, a year), or None.

    A valid case must be valid for a model that validates like the real world too (see
    validators/shelf/values.py); fields the Shelf schemas do not name fall back to the schema.
    """
    if kind == "string" and name in _REALISTIC_TEXT:
        text = _REALISTIC_TEXT[name](rng)
        return text if int(schema.get("minLength", 0)) <= len(text) <= int(schema.get("maxLength", 10**6)) else None
    if kind == "integer" and name in _REALISTIC_NUMBER:
        low, high = _REALISTIC_NUMBER[name]
        low, high = max(low, int(schema.get("minimum", low))), min(high, int(schema.get("maximum", high)))
        return rng.randint(low, high) if low <= high else None
    if kind == "array" and name == "tags":
        count = rng.randint(int(schema.get("minItems", 0)), min(int(schema.get("maxItems", 3)), 3))
        return rng.sample(values.TAGS, count)
    return None


def _isbn(rng: random.Random) -> str:
    first_twelve = "978" + f"{rng.randrange(10**9):09d}"
    return first_twelve + values.isbn13_check_digit(first_twelve)


_REALISTIC_TEXT: dict[str, Callable[[random.Random], str]] = {
    "title": values.title, "name": values.person_name, "isbn": _isbn,
}
_REALISTIC_NUMBER = {"year": (values.YEAR_LOW, values.YEAR_HIGH), "copies_total": (1, 20)}


def _string(schema: Mapping[str, Any], rng: random.Random) -> str:
    if schema.get("format") == "email":
        return f"{rng.choice(_WORDS)}.{rng.randrange(10**6)}@{values.RESERVED_DOMAIN}"
    if schema.get("format") == "date-time":
        return f"20{rng.randrange(10, 30)}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 10)}T12:00:00Z"
    low = int(schema.get("minLength", 1))
    high = max(low, min(int(schema.get("maxLength", 24)), 24))
    text = rng.choice(_WORDS).capitalize() + " " + "".join(rng.choices(string.ascii_lowercase, k=6))
    while len(text) < low:
        text += rng.choice(string.ascii_lowercase)
    return text[:high]


def valid(schema: Mapping[str, Any], rng: random.Random, resolve: Resolve,
          overrides: Mapping[str, Override] | None = None, *, allow_null: bool = False,
          field: str | None = None) -> Any:
    """A value that satisfies schema. Properties named in overrides get the override's value
    (real ids, unique isbns); optional properties are included at random. `field` is the
    property's name: known Shelf fields get realistic values (see _realistic)."""
    overrides = overrides or {}
    schema = resolve(schema)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return rng.choice(schema["enum"])
    for combinator in ("oneOf", "anyOf"):
        options = schema.get(combinator)
        if isinstance(options, list) and options:
            usable = [o for o in options if allow_null or "null" not in _types(resolve(o))]
            return valid(rng.choice(usable or options), rng, resolve, overrides)
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(resolve(part))
        return valid(merged, rng, resolve, overrides)
    kinds = [k for k in _types(schema) if allow_null or k != "null"] or ["null"]
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    realistic = _realistic(field, kind, schema, rng)
    if realistic is not None:
        return realistic
    if kind == "boolean":
        return rng.random() < 0.5
    if kind in ("integer", "number"):
        low = int(schema.get("minimum", 0))
        high = int(schema.get("maximum", low + 2000))
        return rng.randint(low, min(high, low + 2000)) if kind == "integer" else rng.uniform(low, high)
    if kind == "array":
        count = rng.randint(int(schema.get("minItems", 0)), min(int(schema.get("maxItems", 3)), 3))
        items = schema.get("items", {})
        return [valid(items, rng, resolve) for _ in range(count)]
    if kind == "object":
        required = set(schema.get("required", []))
        out: dict[str, Any] = {}
        for name, sub in schema.get("properties", {}).items():
            if name in overrides:
                out[name] = overrides[name](rng)
            elif name in required or rng.random() < 0.7:
                out[name] = valid(sub, rng, resolve, field=name)
        return out
    return _string(schema, rng)


@dataclass(frozen=True)
class Mutation:
    body: Any
    what: str  # "title of the wrong type", "no isbn"


def mutations(schema: Mapping[str, Any], base: Mapping[str, Any], resolve: Resolve) -> Iterator[Mutation]:
    """One invalid variant of a valid body per property (wrong type) and per required property (left out)."""
    schema = resolve(schema)
    yield Mutation(WRONG_FOR_OBJECT, "a JSON array instead of an object")
    for name in schema.get("properties", {}):
        yield Mutation({**base, name: WRONG_TYPE}, f"{name} of the wrong type")
    for name in schema.get("required", []):
        yield Mutation({k: v for k, v in base.items() if k != name}, f"no {name}")
