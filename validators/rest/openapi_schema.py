"""A served document judged against the OpenAPI specification's own schema (3.0 or 3.1).

openapi-spec-validator does the judging: the specification's JSON Schema for the document's
version, then the rules a schema cannot say (a $ref that resolves, path parameters declared,
operationIds unique, defaults valid against their schema). Each error is reported at its JSON
pointer in the served document, so the learner can find it in what their framework produced.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError, best_match
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from referencing.exceptions import Unresolvable

from .openapi_doc import escape

# The walk stops after this many: a generator that gets one thing wrong gets it wrong on every
# operation, and the first few errors say what to fix.
MAX_ERRORS = 50
SHOWN = 3
# A message quotes the offending value whole; a response object can fill a screen.
MESSAGE_CHARS = 200
# jsonschema's words for a key that is no field of the object: "'summary' does not match any of the regexes: '^x-'".
_UNKNOWN_KEYS = re.compile(r"^(.*) do(?:es)? not match any of the regexes: '\^x-'$")


@dataclass(frozen=True)
class SpecError:
    pointer: str  # JSON pointer into the document ("" for the document itself)
    message: str

    def __str__(self) -> str:
        # The checks beyond the schema name their place in the message, not in a path.
        return f"{self.pointer}: {self.message}" if self.pointer else self.message


def pointer(path: Iterable[Any]) -> str:
    """The RFC 6901 pointer of a path of keys and indexes: ["paths", "/v1/books"] -> /paths/~1v1~1books."""
    return "".join(f"/{escape(str(token))}" for token in path)


def _refs(node: Any, at: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, target) of every $ref in the document, in document order."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield at, ref
        for key, value in node.items():
            yield from _refs(value, f"{at}/{escape(str(key))}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, f"{at}/{index}")


def _unresolved(document: Mapping[str, Any], exc: Unresolvable) -> SpecError:
    """Where the $ref that led nowhere is written (the validator says only what it was)."""
    target = str(getattr(exc, "ref", "") or "")
    for at, ref in _refs(document):
        if target and (ref == target or ref == f"#{target}" or ref.endswith(target)):
            return SpecError(f"{at}/$ref", f"{ref!r} points to nothing in the document")
    return SpecError("", f"a $ref cannot be resolved: {target or exc!s}")


def _is_reference_branch(error: ValidationError) -> bool:
    return error.validator == "required" and "'$ref'" in error.message


def _deepest(error: ValidationError) -> ValidationError:
    """The error inside "one of" that says what is wrong.

    The schema allows a response, parameter or schema either written out or as a $ref: an object
    written out fails both branches, and "'$ref' is a required property" is never the reason.
    """
    for _ in range(32):  # as deep as the schema nests, no deeper
        candidates = [e for e in error.context or [] if not _is_reference_branch(e)]
        if not candidates:
            break
        error = best_match(candidates) or error
    return error


def _from_schema(error: ValidationError) -> SpecError:
    """An error against the specification's schema, at its reason's place, in a line."""
    deepest = _deepest(error)
    message = deepest.message
    quoted = repr(deepest.instance)
    if len(quoted) > 60 and message.startswith(quoted):
        # jsonschema's messages begin with the offending value: the pointer already says which.
        kind = "the object" if isinstance(deepest.instance, dict) else \
            "the array" if isinstance(deepest.instance, list) else "the value"
        message = kind + message[len(quoted):]
    unknown = _UNKNOWN_KEYS.match(message) if deepest.validator == "additionalProperties" else None
    if unknown:
        message = f"{unknown[1]} not allowed here (only the specification's fields, and x- extensions)"
    if len(message) > MESSAGE_CHARS:
        message = message[:MESSAGE_CHARS - 3] + "..."
    return SpecError(pointer(deepest.absolute_path), message)


def _from_walk(error: ValidationError) -> SpecError:
    # A default judged against its schema comes back with a path inside the value, which says
    # nothing about where the value is; the walk's own errors name the place themselves.
    if str(error.validator) != "<unset>" and error.validator is not None:
        return SpecError("", f"a default value: {error.message}")
    return SpecError("", error.message)


def spec_errors(document: Mapping[str, Any], version: str) -> list[SpecError]:
    """Every way the document breaks the OpenAPI schema of its version (3.0.x or 3.1.x), at most MAX_ERRORS.

    The schema's errors first; only a document that passes the schema is walked for the rest,
    since the walk follows what the schema vouches for (and repeats the schema's errors).
    """
    cls = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    errors = [_from_schema(e) for e in itertools.islice(cls.schema_validator.iter_errors(document), MAX_ERRORS)]
    if errors:
        return errors
    found = cls(document).iter_errors()
    while len(errors) < MAX_ERRORS:
        try:
            error = next(found)
        except StopIteration:
            break
        except Unresolvable as exc:  # the walk follows $ref and cannot go on past one that leads nowhere
            errors.append(_unresolved(document, exc))
            break
        errors.append(_from_walk(error))
    return errors


def summary(errors: list[SpecError], shown: int = SHOWN) -> str:
    """The first few errors, one per clause, and how many more there are."""
    more = len(errors) - shown
    counted = f"{MAX_ERRORS} or more" if len(errors) >= MAX_ERRORS else str(len(errors))
    listed = "; ".join(str(error) for error in errors[:shown])
    return f"{counted} error{'s' if len(errors) != 1 else ''}: {listed}" + (f"; and {more} more" if more > 0 else "")


def listing(errors: list[SpecError], shown: int = 10) -> str:
    """More of the errors, one a line, for the failure's evidence."""
    more = len(errors) - shown
    return "\n".join([*(str(error) for error in errors[:shown]), *([f"... and {more} more"] if more > 0 else [])])
