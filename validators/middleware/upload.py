"""Uploads have a size limit of their own: a raw upload of up to 1 MiB is stored whole, one byte
more is refused with 413 (and the JSON limit of 16 KiB does not apply to it)."""

from __future__ import annotations

import hashlib

import httpx

from harness.httpclient import describe
from harness.outcomes import Failure
from harness.params import Param
from harness.registry import CheckContext, check

LIMIT = 1024 * 1024
OCTETS = {"content-type": "application/octet-stream"}


def reproduce(size: int) -> str:
    return (f"head -c {size} /dev/urandom | curl -i -H 'content-type: application/octet-stream' "
            '--data-binary @- "http://localhost:$PORT/uploads"')


def receipt_problem(response: httpx.Response, data: bytes) -> str | None:
    """What is wrong with the 201 answer to an upload of `data`, or None."""
    try:
        body = response.json()
    except ValueError:
        return "the answer is not JSON"
    if not isinstance(body, dict):
        return "the answer is not a JSON object"
    if body.get("bytes") != len(data):
        return f'"bytes" is {body.get("bytes")!r}, the upload had {len(data)}'
    if body.get("sha256") != hashlib.sha256(data).hexdigest():
        return f'"sha256" is {body.get("sha256")!r}, not the SHA-256 of the bytes sent'
    return None


@check("middleware.upload.size_limit", points=2, timeout_s=60,
       params=[Param("limit_bytes", int, LIMIT, "the largest upload the app accepts")])
def uploads_over_the_limit_get_413(ctx: CheckContext) -> None:
    """A raw upload of up to 1 MiB is stored whole; one byte more is refused with 413.

    POST /uploads (Content-Type: application/octet-stream) with random bytes: a quarter of the
    limit and exactly the limit (1048576 bytes) must be 201 with {"bytes", "sha256"} of what
    was sent; one byte over the limit must be 413 Content Too Large.
    """
    limit: int = ctx.param("limit_bytes")
    hint = (f"Mount a raw parser with its own limit on the upload route: express.raw({{ type: "
            f"'application/octet-stream', limit: '{limit // 1024 // 1024}mb' }}) (1 MiB = {limit} bytes; Fastify: the "
            f"route's bodyLimit). The JSON limit does not cover uploads; over the upload limit the parser's "
            f"error carries status 413 for your error handler.")
    for size, wanted in ((limit // 4, 201), (limit, 201), (limit + 1, 413)):
        data = ctx.rng.randbytes(size)
        response = ctx.http.post("/uploads", content=data, headers=OCTETS)
        problem = None if response.status_code == wanted else \
            ("accepted" if response.is_success else f"answered {response.status_code}")
        if problem is None and wanted == 201:
            problem = receipt_problem(response, data)
        if problem:
            raise Failure(f"POST /uploads with {size} bytes: {problem}",
                          expected=f"{wanted} (the limit is {limit} bytes: up to it 201 with the bytes' count and "
                                   "SHA-256, over it 413)",
                          actual=describe(response), hint=hint, reproduce=reproduce(size))
