"""The OpenAPI schema's errors on small documents: where each is (a JSON pointer), and how they are summed up."""

from __future__ import annotations

import copy
from typing import Any

from harness.validators.rest.openapi_schema import MAX_ERRORS, SpecError, listing, pointer, spec_errors, summary


def doc(version: str = "3.1.0") -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/v1/books": {"get": {"responses": {
                "200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Book"}}}},
            }}},
            "/v1/books/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "delete": {"responses": {"204": {"description": "Deleted."}}},
            },
        },
        "components": {"schemas": {"Book": {"type": "object", "properties": {"id": {"type": "string"}}}}},
    }


def test_pointer_escapes_slashes_and_tildes() -> None:
    assert pointer(["paths", "/v1/books", "get", "responses", 0]) == "/paths/~1v1~1books/get/responses/0"
    assert pointer(["components", "schemas", "a~b"]) == "/components/schemas/a~0b"
    assert pointer([]) == ""


def test_valid_documents_of_both_versions_have_no_errors() -> None:
    assert spec_errors(doc("3.1.0"), "3.1.0") == []
    assert spec_errors(doc("3.0.3"), "3.0.3") == []


def test_a_response_without_description_is_reported_at_its_pointer() -> None:
    document = doc()
    del document["paths"]["/v1/books/{id}"]["delete"]["responses"]["204"]["description"]
    assert spec_errors(document, "3.1.0") == [
        SpecError("/paths/~1v1~1books~1{id}/delete/responses/204", "'description' is a required property")]


def test_an_operation_without_responses_is_reported_at_the_operation() -> None:
    document = doc("3.0.3")
    del document["paths"]["/v1/books"]["get"]["responses"]
    errors = spec_errors(document, "3.0.3")
    assert [str(e) for e in errors] == ["/paths/~1v1~1books/get: 'responses' is a required property"]


def test_a_ref_to_a_missing_component_names_where_it_is_written() -> None:
    document = doc()
    document["paths"]["/v1/books"]["get"]["responses"]["404"] = {"$ref": "#/components/responses/NotFound"}
    (error,) = spec_errors(document, "3.1.0")
    assert error.pointer == "/paths/~1v1~1books/get/responses/404/$ref"
    assert "'#/components/responses/NotFound' points to nothing" in error.message


def test_3_0_forbids_what_3_1_allows() -> None:
    document = doc("3.0.3")
    document["components"]["schemas"]["Book"]["properties"]["year"] = {"type": ["integer", "null"]}
    errors = spec_errors(document, "3.0.3")
    assert [str(e) for e in errors] == [
        "/components/schemas/Book/properties/year/type: ['integer', 'null'] is not of type 'string'"]
    document["openapi"] = "3.1.0"
    assert spec_errors(document, "3.1.0") == []


def test_errors_beyond_the_schema_have_no_pointer_but_name_their_place() -> None:
    document = doc()
    del document["paths"]["/v1/books/{id}"]["parameters"]
    (error,) = spec_errors(document, "3.1.0")
    assert error.pointer == "" and "'id'" in error.message and "/v1/books/{id}" in error.message
    assert str(error) == error.message


def test_a_long_value_is_not_quoted_whole() -> None:
    document = doc()
    document["paths"]["/v1/books"]["get"]["responses"]["200"] = "ok " * 500
    (error,) = spec_errors(document, "3.1.0")
    assert error == SpecError("/paths/~1v1~1books/get/responses/200", "the value is not of type 'object'")


def test_one_of_names_the_reason_not_the_ref_branch() -> None:
    document = doc("3.0.3")
    document["paths"]["/v1/books"]["get"]["responses"]["200"]["summary"] = "a 3.1 field"
    (error,) = spec_errors(document, "3.0.3")
    assert str(error) == ("/paths/~1v1~1books/get/responses/200: 'summary' not allowed here "
                          "(only the specification's fields, and x- extensions)")


def test_summary_shows_a_few_and_counts_the_rest() -> None:
    errors = [SpecError(f"/paths/~1p{i}", "'responses' is a required property") for i in range(5)]
    text = summary(errors)
    assert text.startswith("5 errors: /paths/~1p0: 'responses' is a required property; /paths/~1p1")
    assert "/paths/~1p2" in text and "/paths/~1p3" not in text and text.endswith("; and 2 more")
    assert summary(errors[:1]) == "1 error: /paths/~1p0: 'responses' is a required property"
    assert listing(errors, shown=2).splitlines() == [str(errors[0]), str(errors[1]), "... and 3 more"]


def test_a_document_wrong_everywhere_stops_at_the_limit() -> None:
    document = doc()
    template = copy.deepcopy(document["paths"]["/v1/books"])
    del template["get"]["responses"]["200"]["description"]
    document["paths"] = {f"/v1/r{i}": copy.deepcopy(template) for i in range(MAX_ERRORS + 10)}
    errors = spec_errors(document, "3.1.0")
    assert len(errors) == MAX_ERRORS
    assert summary(errors).startswith(f"{MAX_ERRORS} or more errors: ")
