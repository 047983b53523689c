"""reactive.stream.contract: GET /v1/books/stream passes the feed's books on as NDJSON."""

from __future__ import annotations

from typing import Any

import httpx

from harness.context import CheckContext
from harness.outcomes import Failure
from harness.registry import check

from .. import book_lines
from ..stream_client import CONNECT_S, PATH, REPRODUCE, never_asked, parse_line, reading

COUNT = 12
# A whole stream of a dozen short records: the feed writes them at once.
READ_S = 15.0


@check("reactive.stream.contract", points=1, timeout_s=60)
def the_stream_passes_the_feed_on_as_ndjson(ctx: CheckContext) -> None:
    """GET /v1/books/stream answers 200 application/x-ndjson: the feed's books, one per line, in order."""
    records = book_lines.books(ctx, COUNT)
    before = len(ctx.feed.streams)
    stream = ctx.feed.plan(book_lines.lines(records))
    try:
        with reading(ctx, READ_S) as response:
            body = response.read().decode("utf-8", "replace")
    except httpx.TimeoutException:
        if not stream.connected:
            raise never_asked("", READ_S) from None
        raise _failure(f"the stream did not end within {READ_S:.0f} s of the feed's end", "the body ends when "
                       "the feed's body ends", "still open") from None
    finally:
        ctx.feed.forget_plans()
    if not stream.connected:
        raise never_asked(f"{response.status_code} {response.headers.get('content-type', '')} "
                          f"{body[:200]}".strip())
    if response.status_code != 200:
        raise _failure(f"GET {PATH} answered {response.status_code}", "200", body[:300])
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/x-ndjson":
        raise _failure(f"GET {PATH} is {media or 'untyped'}, not newline-delimited JSON",
                       "Content-Type: application/x-ndjson", media or "no Content-Type",
                       "produces = MediaType.APPLICATION_NDJSON_VALUE on the mapping (a Flux without it is "
                       "written as one JSON array, after the last element)")
    # Counted before the lines are judged: a second request finds the feed's books given to the
    # first, and the lines it streams would be called wrong when the cause is the second request.
    requests = len(ctx.feed.streams) - before
    if requests != 1:
        raise _failure(f"one stream made {requests} requests to the feed", "exactly one",
                       f"{requests}", "Subscribe to Feed.books() once per stream: a Flux subscribed twice "
                       "(a log step that subscribes, a count and then the body, a take(1) and then the rest) "
                       "requests the feed twice.")
    _same_books(records, body)
    if not stream.wait_done(CONNECT_S):
        raise _failure("the feed's response was not read to its end", "the whole feed read", "still open")


def _same_books(records: list[dict[str, Any]], body: str) -> None:
    got = [parse_line(line) for line in body.splitlines() if line.strip()]
    for index, (want, line) in enumerate(zip(records, got, strict=False)):
        fields = {name: line.get(name) for name in book_lines.FIELDS} if isinstance(line, dict) else line
        if fields != want:
            raise _failure(f"line {index + 1} of the stream is not the feed's book {index + 1}",
                           str(want)[:300], str(fields)[:300],
                           "Pass each book on as it came, in the feed's order, with its five fields "
                           f"({', '.join(book_lines.FIELDS)}), one JSON object per line.")
    if len(got) != len(records):
        raise _failure(f"the stream has {len(got)} lines for the feed's {len(records)} books",
                       f"{len(records)} lines", f"{len(got)}")


def _failure(message: str, expected: str, actual: str, hint: str | None = None) -> Failure:
    return Failure(message, expected=expected, actual=actual,
                   hint=hint or "Return the feed's Flux<Book> from a @GetMapping(path = \"/v1/books/stream\", "
                                "produces = MediaType.APPLICATION_NDJSON_VALUE).",
                   reproduce=REPRODUCE)
