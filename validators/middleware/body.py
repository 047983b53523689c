"""JSON bodies have a size limit: up to 16 KiB accepted, one byte more refused with 413."""

from __future__ import annotations

import json

from harness.httpclient import describe
from harness.outcomes import Failure
from harness.params import Param
from harness.registry import CheckContext, check

LIMIT = 16 * 1024


def reproduce(name: str, size: int) -> str:
    """A shell line that sends the same body as item_body(name, size), without writing it out."""
    pad = size - len(json.dumps({"name": name, "note": ""}).encode())
    return (f"printf '{{\"name\": \"{name}\", \"note\": \"%s\"}}' \"$(head -c {pad} /dev/zero | tr '\\0' x)\" | "
            "curl -i -H 'content-type: application/json' --data-binary @- \"http://localhost:$PORT/items\"")


def item_body(name: str, size: int) -> bytes:
    """A POST /items body of exactly `size` bytes: the item's name and a note padding it out."""
    empty = json.dumps({"name": name, "note": ""}).encode()
    if size < len(empty):
        raise ValueError(f"a body of {size} bytes cannot hold the item {name!r}")
    return json.dumps({"name": name, "note": "x" * (size - len(empty))}).encode()


@check("middleware.body.size_limit", points=1, timeout_s=30,
       params=[Param("limit_bytes", int, LIMIT, "the largest JSON body the app accepts")])
def json_bodies_over_the_limit_get_413(ctx: CheckContext) -> None:
    """A JSON body of up to 16 KiB is accepted; one byte more, or far more, is refused with 413.

    POST /items with a body of exactly the limit (16384 bytes) must be 201; with one byte more
    and with 64 times the limit it must be 413 Content Too Large, and the app keeps running.
    """
    limit: int = ctx.param("limit_bytes")
    hint = (f"Give the JSON parser the limit: express.json({{ limit: '{limit // 1024}kb' }}) (Fastify: bodyLimit: "
            f"{limit}). Over it, the parser's error carries status 413: let your error handler answer it.")
    headers = {"content-type": "application/json"}
    for size, wanted in ((limit, 201), (limit + 1, 413), (limit * 64, 413)):
        name = ctx.unique("item")
        response = ctx.http.post("/items", content=item_body(name, size), headers=headers)
        if response.status_code != wanted:
            verdict = "accepted" if response.is_success else f"answered {response.status_code}"
            raise Failure(f"POST /items with a JSON body of {size} bytes: {verdict}",
                          expected=f"{wanted} (the limit is {limit} bytes: up to it 201, over it 413)",
                          actual=describe(response), hint=hint, reproduce=reproduce(name, size))
    if not ctx.app.alive():
        raise Failure("the app exited after an oversized body", expected="413, the app still running",
                      actual=ctx.app.log_tail(10), hint=hint, reproduce=reproduce("big", limit * 64))
