"""OpenAPI documents: lookup of operations and responses, 3.0 schemas, validation messages."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from harness.validators.rest.openapi_doc import DocumentError, OpenApiDocument, content_for, escape, shape

PROBLEM = {"type": "object", "required": ["status"], "properties": {"status": {"type": "integer"}}}


def doc(version: str = "3.1.0") -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/v1/books/{book_id}": {
                "get": {"responses": {
                    "200": {"description": "ok", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Book"}}}},
                    "4XX": {"$ref": "#/components/responses/Problem"},
                }},
            },
            "/v1/books/search": {"get": {"responses": {"default": {"description": "any"}}}},
        },
        "components": {
            "schemas": {"Book": {"type": "object", "required": ["id", "year"], "properties": {
                "id": {"type": "string"}, "year": {"type": "integer", "nullable": True},
                "copies": {"type": "integer", "minimum": 0, "exclusiveMinimum": True}}}},
            "responses": {"Problem": {"description": "p", "content": {"application/problem+json": {
                "schema": PROBLEM}}}},
        },
    }


def test_shape_ignores_parameter_names() -> None:
    assert shape("/v1/books/{id}") == shape("/v1/books/{book_id}/") == "/v1/books/{}"


def test_match_prefers_literal_segments() -> None:
    document = OpenApiDocument(doc(), name="d")
    assert document.match("GET", "/v1/books/search").template == "/v1/books/search"  # type: ignore[union-attr]
    assert document.match("GET", "/v1/books/7").template == "/v1/books/{book_id}"  # type: ignore[union-attr]
    assert document.match("POST", "/v1/books/7") is None
    assert document.find("GET", "/v1/books/{}") is not None


def test_response_lookup_exact_range_default() -> None:
    document = OpenApiDocument(doc(), name="d")
    operation = document.match("GET", "/v1/books/7")
    assert operation is not None
    assert document.response(operation, 200)[0] == "200"  # type: ignore[index]
    key, pointer, _ = document.response(operation, 404)  # type: ignore[misc]
    assert (key, pointer) == ("4XX", "/components/responses/Problem")
    assert document.response(operation, 500) is None
    search = document.match("GET", "/v1/books/search")
    assert search is not None and document.response(search, 503)[0] == "default"  # type: ignore[index]


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_violation_names_the_field(version: str) -> None:
    raw = doc(version)
    if version.startswith("3.1"):  # 3.1 writes nullability and exclusive bounds as JSON Schema does
        props = raw["components"]["schemas"]["Book"]["properties"]
        props["year"] = {"type": ["integer", "null"]}
        props["copies"] = {"type": "integer", "exclusiveMinimum": 0}
    document = OpenApiDocument(raw, name="d")
    schema = "/paths/" + escape("/v1/books/{book_id}") + "/get/responses/200/content/application~1json/schema"
    assert document.violation(schema, {"id": "1", "year": None}) is None
    assert document.violation(schema, {"id": "1", "year": 1999, "copies": 1}) is None
    message = document.violation(schema, {"id": 1, "year": 1999})
    assert message is not None and message.startswith("['id']: 1 is not of type 'string'")
    missing = document.violation(schema, {"id": "1"})
    assert missing is not None and "'year' is a required property" in missing
    bound = document.violation(schema, {"id": "1", "year": 1, "copies": 0})
    assert bound is not None and "copies" in bound


def test_nullable_ref_in_30_becomes_any_of() -> None:
    raw = doc("3.0.3")
    raw["components"]["schemas"]["Holder"] = {"type": "object", "properties": {
        "book": {"$ref": "#/components/schemas/Book", "nullable": True}}}
    document = OpenApiDocument(raw, name="d")
    assert document.violation("/components/schemas/Holder", {"book": None}) is None
    assert document.violation("/components/schemas/Holder", {"book": 3}) is not None


def test_content_for_exact_and_wildcards() -> None:
    declared = {"content": {"application/json": {}, "text/*": {}}}
    assert content_for(declared, "application/json; charset=utf-8") == ("application/json", True)
    assert content_for(declared, "text/plain") == ("text/*", True)
    assert content_for(declared, "application/problem+json") == (None, True)
    assert content_for({"description": "no body"}, "application/json") == (None, False)


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda d: d.update(openapi="2.0"), "expected an OpenAPI 3.0 or 3.1"),
        (lambda d: d.pop("paths"), "no \"paths\""),
    ],
)
def test_documents_that_cannot_be_used(mutate: Any, words: str) -> None:
    raw = doc()
    mutate(raw)
    with pytest.raises(DocumentError, match=words):
        OpenApiDocument(raw, name="d")
    with pytest.raises(DocumentError, match="not a JSON object"):
        OpenApiDocument([], name="d")


def test_broken_references_are_document_errors_not_crashes() -> None:
    raw = copy.deepcopy(doc())
    raw["paths"]["/v1/books/{book_id}"]["get"]["responses"]["4XX"] = {"$ref": "#/components/responses/Nope"}
    raw["components"]["schemas"]["Book"]["properties"]["id"] = {"$ref": "#/components/schemas/Nope"}
    document = OpenApiDocument(raw, name="d")
    operation = document.match("GET", "/v1/books/1")
    assert operation is not None
    with pytest.raises(DocumentError, match="nothing at"):
        document.response(operation, 404)
    schema = "/paths/" + escape("/v1/books/{book_id}") + "/get/responses/200/content/application~1json/schema"
    with pytest.raises(DocumentError, match="cannot be used"):
        document.violation(schema, {"id": "1", "year": 1})
