"""OpenAPI 3.0/3.1 documents: the Shelf one the labs share, and the one a project serves.

Only what the checks need: the operations, the response declared for a status code, the
schema of a body, and a jsonschema validator for it. A 3.0 document is turned into the
JSON Schema dialect of 3.1 first (`nullable`, boolean exclusive bounds), so one validator
(Draft 2020-12) judges both. Any defect of a served document is a DocumentError with a
sentence for the learner, never a crash.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml  # no stubs in the dev extras
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from harness.paths import labs_root

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
BASE_URI = "urn:harness:openapi"
_PARAM = re.compile(r"\{[^}/]+\}")


class DocumentError(ValueError):
    """The document cannot answer what a check asks of it."""


@functools.cache
def shelf_document() -> dict[str, Any]:
    """labs/shelf/openapi.yaml, the contract every Shelf lab shares."""
    path = labs_root() / "shelf" / "openapi.yaml"
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise RuntimeError(f"{path} is not an OpenAPI document")
    return loaded


def shape(template: str) -> str:
    """`/v1/books/{book_id}` and `/v1/books/{id}` are the same route: `/v1/books/{}`."""
    return _PARAM.sub("{}", template).rstrip("/") or "/"


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    template: str  # as the document writes it
    pointer: str  # JSON pointer of the operation object
    spec: Mapping[str, Any]

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def shape(self) -> str:
        return shape(self.template)


def _json_schema_dialect(node: Any) -> Any:
    """OpenAPI 3.0's schema keywords rewritten as JSON Schema 2020-12 (as OpenAPI 3.1 has them)."""
    if isinstance(node, list):
        return [_json_schema_dialect(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema_dialect(value) for key, value in node.items()}
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        # 3.0 writes `exclusiveMinimum: true` beside `minimum`; 2020-12 wants the bound itself.
        if isinstance(out.get(exclusive), bool) and out.pop(exclusive) and bound in out:
            out[exclusive] = out.pop(bound)
    if out.get("nullable") is True:
        del out["nullable"]
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if isinstance(out.get("enum"), list) and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:
            return {"anyOf": [out, {"type": "null"}]}
    return out


class OpenApiDocument:
    def __init__(self, document: Any, *, name: str) -> None:
        self.name = name
        if not isinstance(document, dict):
            raise DocumentError(f"{name} is not a JSON object")
        version = document.get("openapi")
        if not isinstance(version, str) or not re.match(r"^3\.[01]\.\d+", version):
            raise DocumentError(f"{name} has \"openapi\": {version!r}; expected an OpenAPI 3.0 or 3.1 document "
                                "(\"openapi\": \"3.1.0\")")
        if not isinstance(document.get("paths"), dict):
            raise DocumentError(f"{name} has no \"paths\" object")
        self.raw: dict[str, Any] = document
        self.version = version
        schema_view = document if version.startswith("3.1") else _json_schema_dialect(copy.deepcopy(document))
        self._schema_view: dict[str, Any] = schema_view
        try:
            resource = Resource.from_contents(schema_view, default_specification=DRAFT202012)
        except Exception as exc:  # e.g. a "$schema" naming a dialect jsonschema does not know
            raise DocumentError(f"{name} cannot be read as JSON Schema: {type(exc).__name__}: {exc}") from None
        self._registry: Registry[Any] = Registry().with_resource(BASE_URI, resource)
        self._validators: dict[str, Draft202012Validator] = {}

    # -- navigation -------------------------------------------------------------------
    def at(self, pointer: str) -> Any:
        node: Any = self.raw
        for token in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise DocumentError(f"{self.name}: nothing at #{pointer}")
        return node

    def follow(self, pointer: str) -> tuple[str, Any]:
        """The node at pointer, with its $ref (responses, parameters, bodies) followed."""
        node = self.at(pointer)
        for _ in range(32):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if ref is None:
                return pointer, node
            if not isinstance(ref, str) or not ref.startswith("#"):
                raise DocumentError(f"{self.name}: only references inside the document are supported, got {ref!r}")
            pointer = ref[1:]
            node = self.at(pointer)
        raise DocumentError(f"{self.name}: a cycle of $ref at #{pointer}")

    def operations(self) -> Iterator[Operation]:
        for template, item in self.raw["paths"].items():
            if not isinstance(item, dict):
                continue
            item_pointer = "/paths/" + escape(template)
            if "$ref" in item:
                item_pointer, item = self.follow(item_pointer)
            for method in METHODS:
                spec = item.get(method)
                if isinstance(spec, dict):
                    yield Operation(method.upper(), template, f"{item_pointer}/{method}", spec)

    def find(self, method: str, route_shape: str) -> Operation | None:
        for operation in self.operations():
            if operation.method == method.upper() and operation.shape == route_shape:
                return operation
        return None

    def match(self, method: str, path: str) -> Operation | None:
        """The operation a concrete request path belongs to; literal segments win over {params}."""
        best: tuple[int, Operation] | None = None
        for operation in self.operations():
            if operation.method != method.upper():
                continue
            parts = [re.escape(p) if not _PARAM.fullmatch(p) else "[^/]+" for p in operation.template.split("/")]
            if re.fullmatch("/".join(parts) + "/?", path):
                literal = len(_PARAM.sub("", operation.template))
                if best is None or literal > best[0]:
                    best = (literal, operation)
        return best[1] if best else None

    def response(self, operation: Operation, status: int) -> tuple[str, str, Mapping[str, Any]] | None:
        """(the key that covers status: "201", "2XX" or "default"; its pointer; the response)."""
        responses = operation.spec.get("responses")
        if not isinstance(responses, dict):
            return None
        for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
            if key in responses:
                pointer, node = self.follow(f"{operation.pointer}/responses/{escape(key)}")
                if not isinstance(node, dict):
                    raise DocumentError(f"{self.name}: the response {key} of {operation.key} is not an object")
                return key, pointer, node
        return None

    def request_body_schema(self, operation: Operation) -> str | None:
        """The pointer of the application/json request body schema, if the operation has one."""
        if "requestBody" not in operation.spec:
            return None
        pointer, body = self.follow(f"{operation.pointer}/requestBody")
        content = body.get("content") if isinstance(body, dict) else None
        if isinstance(content, dict):
            for media in content:
                if media_type(media) in ("application/json", "*/*", "application/*") and \
                        isinstance(content[media], dict) and "schema" in content[media]:
                    return f"{pointer}/content/{escape(media)}/schema"
        return None

    # -- validation -------------------------------------------------------------------
    def violation(self, schema_pointer: str, instance: Any) -> str | None:
        """Why instance does not match the schema at the pointer (None if it does)."""
        validator = self._validators.get(schema_pointer)
        if validator is None:
            validator = Draft202012Validator({"$ref": f"{BASE_URI}#{schema_pointer}"}, registry=self._registry)
            self._validators[schema_pointer] = validator
        try:
            error = best_match(validator.iter_errors(instance))
        except Exception as exc:  # a broken schema in a served document: jsonschema's many error types
            raise DocumentError(f"{self.name}: the schema at #{schema_pointer} cannot be used: "
                                f"{type(exc).__name__}: {exc}") from None
        if error is None:
            return None
        where = "".join(f"[{p!r}]" if isinstance(p, str) else f"[{p}]" for p in error.absolute_path) or "the body"
        return f"{where}: {error.message} (schema: {'/'.join(str(p) for p in error.absolute_schema_path)})"


def content_for(response: Mapping[str, Any], received: str) -> tuple[str | None, bool]:
    """(the documented media type that covers the received one, whether any is documented)."""
    content = response.get("content")
    if not isinstance(content, dict) or not content:
        return None, False
    documented = {media_type(key): key for key in content}
    base = media_type(received)
    for candidate in (base, base.split("/")[0] + "/*", "*/*"):
        if candidate in documented:
            return documented[candidate], True
    return None, True
