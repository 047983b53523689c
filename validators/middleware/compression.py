"""Compression: a large JSON answer is gzip'd for a client that accepts gzip, and only for it."""

from __future__ import annotations

import gzip
import json
import zlib
from typing import Any

from harness.outcomes import Failure
from harness.registry import CheckContext, check

from .plain_http import NoAnswer, RawAnswer, fetch

PATH = "/catalog"
HINT = ("Add compression before the routes: app.use(compression()) (Fastify: @fastify/compress). It gzips answers "
        "over its threshold (1 KB) for clients that send Accept-Encoding: gzip and adds Vary: Accept-Encoding.")


def _get(ctx: CheckContext, encoding: str) -> tuple[RawAnswer, str]:
    headers = {"Accept-Encoding": encoding}
    # The headers only: a gzip'd body is not for a terminal.
    reproduce = f'curl -s -D - -o /dev/null -H "Accept-Encoding: {encoding}" "http://localhost:$PORT{PATH}"'
    try:
        return fetch(ctx.app.base_url, "GET", PATH, headers), reproduce
    except NoAnswer as exc:
        raise Failure(f"GET {PATH} got no answer", expected="200 and the catalog", actual=str(exc),
                      hint=HINT, reproduce=reproduce) from exc


def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return None


@check("middleware.compression.gzip", points=1, timeout_s=30)
def large_json_is_gzipped_when_accepted(ctx: CheckContext) -> None:
    """A large JSON answer is gzip'd when the client accepts gzip, and sent plain when it does not.

    GET /catalog (about 210 KB of JSON) with Accept-Encoding: identity must come plain; with
    Accept-Encoding: gzip it must come with Content-Encoding: gzip and Vary: Accept-Encoding,
    smaller than the plain body, and decompress to the same JSON.
    """
    plain, reproduce = _get(ctx, "identity")
    value = _json(plain.body) if plain.status == 200 else None
    encoding = plain.headers.get("content-encoding", "identity").strip().lower()
    if value is None or encoding != "identity":
        raise Failure(f"GET {PATH} with Accept-Encoding: identity did not answer plain JSON",
                      expected="200, no Content-Encoding, the catalog as JSON",
                      actual=f"{plain.status}, Content-Encoding: {encoding}, {plain.body[:120]!r}",
                      hint=HINT + " A client that does not accept gzip gets the body as it is.", reproduce=reproduce)
    packed, reproduce = _get(ctx, "gzip")
    encoding = packed.headers.get("content-encoding", "identity").strip().lower()
    vary = {v.strip().lower() for v in packed.headers.get("vary", "").split(",")}
    problem = None
    if packed.status != 200:
        problem = f"it answered {packed.status}"
    elif encoding != "gzip":
        problem = f"Content-Encoding is {encoding}, not gzip ({len(packed.body)} bytes sent as they are)"
    elif "accept-encoding" not in vary and "*" not in vary:
        problem = "no Vary: Accept-Encoding, so a shared cache may give the gzip'd body to a client without gzip"
    else:
        try:
            unpacked = gzip.decompress(packed.body)
        except (OSError, EOFError, zlib.error) as exc:
            unpacked, problem = b"", f"the body does not decompress as gzip: {exc}"
        if problem is None and _json(unpacked) != value:
            problem = "the body decompresses to something else than the plain answer's JSON"
        elif problem is None and len(packed.body) >= len(plain.body):
            problem = (f"the gzip'd body ({len(packed.body)} bytes) is not smaller than the plain one "
                       f"({len(plain.body)})")
    if problem:
        raise Failure(f"GET {PATH} with Accept-Encoding: gzip: {problem}",
                      expected="200, Content-Encoding: gzip, Vary: Accept-Encoding, a gzip body of the same JSON",
                      actual=f"{packed.status}, Content-Encoding: {encoding}, Vary: {packed.headers.get('vary')}, "
                             f"{len(packed.body)} bytes (plain: {len(plain.body)})",
                      hint=HINT, reproduce=reproduce)
