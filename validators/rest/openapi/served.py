"""GET /openapi.json: the project documents its API, and documents all of Shelf."""

from __future__ import annotations

from typing import Any

import httpx

from harness import expect
from harness.httpclient import curl_for
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..openapi_doc import DocumentError, OpenApiDocument, Operation, escape, media_type, shelf_document
from ..openapi_schema import listing, spec_errors, summary

DOC_PATH = "/openapi.json"
PROBLEM = "application/problem+json"
SERVE_HINT = ("Serve the OpenAPI 3 document of your API as JSON at GET /openapi.json: FastAPI does by default; "
              "in Express, res.json(document) from a route (e.g. the document of labs/shelf/openapi.yaml, "
              "converted to JSON, kept next to your code); in Spring Boot, springdoc-openapi with "
              "springdoc.api-docs.path=/openapi.json.")


def fetch_served(ctx: CheckContext) -> tuple[httpx.Response, OpenApiDocument]:
    response = ctx.http.get(DOC_PATH)
    expect.status(response, 200, what=f"GET {DOC_PATH}", hint=SERVE_HINT)
    body = expect.json_object(response, what=f"GET {DOC_PATH}")
    try:
        return response, OpenApiDocument(body, name=f"the document at {DOC_PATH}")
    except DocumentError as exc:
        raise expect.fail(response, str(exc), expected="an OpenAPI 3.0 or 3.1 document", hint=SERVE_HINT) from None


def shelf_operations() -> list[tuple[Operation, list[int]]]:
    """Every operation of labs/shelf/openapi.yaml with the 4xx statuses it documents."""
    shelf = OpenApiDocument(shelf_document(), name="labs/shelf/openapi.yaml")
    return [(op, sorted(int(k) for k in op.spec.get("responses", {}) if str(k).startswith("4")))
            for op in shelf.operations()]


def undocumented_errors(served: OpenApiDocument) -> list[str]:
    """The Shelf error responses the served document lacks or does not describe as problem+json."""
    problems: list[str] = []
    for shelf_op, statuses in shelf_operations():
        operation = served.find(shelf_op.method, shelf_op.shape)
        if operation is None:
            continue
        for status in statuses:
            found = served.response(operation, status)
            if found is None:
                problems.append(f"{shelf_op.key} {status} (not documented)")
                continue
            content = found[2].get("content")
            media = [str(m) for m in content] if isinstance(content, dict) else []
            if PROBLEM not in (media_type(m) for m in media):
                problems.append(f"{shelf_op.key} {status} (documented as {', '.join(media) or 'no body'})")
    return problems


def _usable(document: OpenApiDocument, response: httpx.Response) -> None:
    """Every body schema of the document resolves and compiles, so that responses can be judged."""
    for operation in document.operations():
        responses = operation.spec.get("responses")
        if not isinstance(responses, dict) or not responses:
            raise expect.fail(response, f"{operation.key} documents no responses",
                              expected="\"responses\": {\"200\": ...} on every operation", hint=SERVE_HINT)
        try:
            for status in responses:
                pointer, node = document.follow(f"{operation.pointer}/responses/{escape(str(status))}")
                content = node.get("content") if isinstance(node, dict) else None
                media_types: dict[str, Any] = content if isinstance(content, dict) else {}
                for media, declared in media_types.items():
                    if isinstance(declared, dict) and "schema" in declared:
                        document.violation(f"{pointer}/content/{escape(media)}/schema", {})
        except (DocumentError, TypeError) as exc:
            raise expect.fail(response, f"{operation.key}: {exc}", expected="schemas whose $ref resolve",
                              hint="Validate your document, e.g. with an OpenAPI linter or by loading it "
                                   "in Swagger UI.") from None


def _conforms_to_specification(ctx: CheckContext, response: httpx.Response, served: OpenApiDocument) -> None:
    """The document is one that OpenAPI tools accept: Swagger UI, client generators and linters
    read it by the specification's schema, and stop at the first thing it forbids."""
    errors = spec_errors(served.raw, served.version)
    if not errors:
        return
    minor = served.version.rsplit(".", 1)[0]
    raise Failure(
        f"the document at {DOC_PATH} is not valid OpenAPI {minor}: {summary(errors)}",
        # The errors, not the document: it is the learner's own, and runs to thousands of characters.
        actual=listing(errors),
        reproduce=curl_for(response.request),
        expected=f"a document valid against the OpenAPI {minor} schema (errors are given as JSON pointers "
                 "into it: ~1 stands for / in a path)",
        hint=ctx.hint(
            "Fix the document where each pointer says, and check it before serving it: Swagger Editor, "
            "`npx @redocly/cli lint openapi.json` or `openapi-spec-validator openapi.json` report the same errors.",
            python="FastAPI generates it from your routes: an error comes from what you add by hand, "
                   "e.g. a responses={...} entry, a custom app.openapi() that edits the schema, or "
                   "app.openapi_version set to 3.0.x (FastAPI writes 3.1 schemas whatever the label says).",
            node="A hand-written document (or one assembled by swagger-jsdoc or express-openapi from "
                 "comments) is served as written: edit openapi.json, or the comment the generator read.",
            java="springdoc generates it from your controllers: an error comes from an annotation "
                 "(@ApiResponse, @Schema) or an OpenApiCustomizer that edits the document.",
        ),
    )


def _judge_document(response: httpx.Response, served: OpenApiDocument) -> None:
    wanted = shelf_operations()
    missing = [op.key for op, _ in wanted if served.find(op.method, op.shape) is None]
    if missing:
        raise Failure(
            f"the document at {DOC_PATH} lacks {len(missing)} of the {len(wanted)} Shelf operations: "
            + ", ".join(missing),
            expected="every operation of the Shelf contract (labs/shelf/openapi.yaml) under \"paths\"",
            actual=f"documented: {', '.join(sorted(op.key for op in served.operations())) or 'nothing'}",
            hint="Document every route you serve. FastAPI documents its routes unless include_in_schema=False; "
                 "a hand-written document needs each new route added under \"paths\".",
            reproduce=f"curl -s \"http://localhost:$PORT{DOC_PATH}\" | python3 -m json.tool",
        )
    errors = undocumented_errors(served)
    if errors:
        shown = "; ".join(errors[:6]) + (f"; and {len(errors) - 6} more" if len(errors) > 6 else "")
        raise expect.fail(response, f"{len(errors)} error responses of Shelf are not documented as "
                          f"{PROBLEM}: {shown}",
                          expected=f"each error status of the Shelf contract documented with content {PROBLEM}",
                          hint="Document the errors clients must handle. FastAPI: responses={404: {\"description\": "
                               "..., \"content\": {\"application/problem+json\": {\"schema\": ...}}}} on the route "
                               "(declaring 422 replaces FastAPI's default HTTPValidationError). Spring: "
                               "@ApiResponse(responseCode = \"404\", ...) or an OpenApiCustomizer.")
    catalog = served.find("GET", "/v1/catalog")
    if catalog is not None and catalog.spec.get("deprecated") is not True:
        raise expect.fail(response, "GET /v1/catalog is not marked deprecated in the document",
                          expected="\"deprecated\": true on GET /v1/catalog",
                          hint="Mark the operation: deprecated=True on the FastAPI route, "
                               "@Operation(deprecated = true) in Spring, or \"deprecated\": true "
                               "in the operation object. Clients and generators warn their users about it.")
    _usable(served, response)


@check("rest.openapi.served", points=2, timeout_s=30)
def openapi_document_describes_shelf(ctx: CheckContext) -> None:
    """GET /openapi.json serves a valid OpenAPI 3 document that covers every Shelf operation.

    Reads the document and validates it against the OpenAPI 3.0 or 3.1 schema of its version
    (openapi-spec-validator; each error at its JSON pointer), then looks up each operation of the shared Shelf contract
    (labs/shelf/openapi.yaml) in it by method and path ({id} and {book_id} are the same
    route); each error status the contract lists must be documented as
    application/problem+json, GET /v1/catalog marked deprecated, and every schema resolve.
    """
    response, served = fetch_served(ctx)
    _conforms_to_specification(ctx, response, served)
    try:
        _judge_document(response, served)
    except DocumentError as exc:
        raise expect.fail(response, str(exc), expected="an OpenAPI document whose $ref resolve",
                          hint=SERVE_HINT) from None
