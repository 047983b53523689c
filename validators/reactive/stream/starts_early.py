"""reactive.stream.starts_early: the first book reaches the client before the feed has ended."""

from __future__ import annotations

import httpx

from harness.context import CheckContext
from harness.outcomes import Failure
from harness.registry import check

from .. import book_lines
from ..stream_client import CONNECT_S, PATH, REPRODUCE, never_asked, parse_line, reading

COUNT = 40
# The feed sends this many books, then waits: a stream that sends as it goes has them all.
FIRST = 3
# How long the first line may take once the app has it: a write on loopback, so seconds only
# on a machine under heavy load. What is judged is that it comes while the feed is paused.
FIRST_LINE_S = 10.0


@check("reactive.stream.starts_early", points=2, timeout_s=60)
def the_first_book_arrives_before_the_feed_ends(ctx: CheckContext) -> None:
    """The stream sends each book as it arrives: the first reaches the client while the feed is still going."""
    records = book_lines.books(ctx, COUNT)
    stream = ctx.feed.plan(book_lines.lines(records), hold_after=FIRST)
    first: object = None
    status = ""
    try:
        with reading(ctx, FIRST_LINE_S) as response:
            status = f"{response.status_code} {response.headers.get('content-type', '')}"
            lines = response.iter_lines()
            # The feed cannot send more than FIRST books before release(): a line read here
            # was sent before the feed's end.
            first = next((parse_line(line) for line in lines if line.strip()), None)
            stream.release()
            for _ in lines:  # the rest, so that the app finishes the stream normally
                pass
    except httpx.TimeoutException:
        pass
    finally:
        stream.release()
        ctx.feed.forget_plans()
    if not stream.connected:
        raise never_asked(status, FIRST_LINE_S)
    if first is None:
        written = stream.lines_written
        raise Failure(
            f"no book reached the client within {FIRST_LINE_S:.0f} s while the feed had sent {written} of "
            f"{COUNT} and was waiting",
            expected=f"the first {FIRST} books passed on as they arrived",
            actual=f"{status}; no line" if status else "not even the response's headers",
            hint="Do not collect the feed (collectList(), reduce(), a List in the controller) before "
                 "answering: return the Flux, so each book is written and flushed as it comes.",
            reproduce=REPRODUCE,
        )
    if not isinstance(first, dict) or first.get("isbn") != records[0]["isbn"]:
        raise Failure(
            f"the first line of GET {PATH} is not the feed's first book",
            expected=f'{{"isbn": "{records[0]["isbn"]}", ...}}', actual=str(first)[:300],
            hint="Pass the feed's books on in their order, one JSON object per line.", reproduce=REPRODUCE,
        )
    stream.wait_done(CONNECT_S)
