"""One error shape everywhere: RFC 9457 problem+json, also for the errors frameworks make."""

from __future__ import annotations

from harness import expect
from harness.registry import CheckContext, check

from ..shelf.polite import Polite


@check("rest.errors.problem_json", points=2)
def every_error_is_problem_json(ctx: CheckContext) -> None:
    """Every error is application/problem+json, without stack traces.

    Unknown routes, malformed JSON, unknown ids and invalid bodies all answer with the
    same {type, title, status, detail} document and nothing from the server's insides.
    """
    http = Polite(ctx)  # waits out a 429 on the writes, as clients do
    probes = [
        ("an unknown route", 404, ctx.http.get("/v1/no-such-route-" + ctx.run_id)),
        ("malformed JSON", 400, http.post("/v1/authors", content='{"name": "unterminated',
                                              headers={"content-type": "application/json"})),
        ("an unknown book id", 404, ctx.http.get("/v1/books/987654321")),
        ("an invalid book", 422, http.post("/v1/books", json={"title": 42})),
    ]
    for what, status, response in probes:
        expect.status(response, status, what=f"{what} ({response.request.method} {response.request.url.path})",
                      hint="Malformed JSON is 400, an unknown route or id 404, an invalid body 422.")
        expect.problem_json(response, what=what)
