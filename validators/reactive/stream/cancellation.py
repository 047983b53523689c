"""reactive.stream.cancellation: a client that leaves makes the app close the feed's connection."""

from __future__ import annotations

from harness.context import CheckContext
from harness.outcomes import Failure
from harness.registry import check
from harness.runner.feed import wait_for

from .. import book_lines
from ..stream_client import CONNECT_S, REPRODUCE, Stalled, wait_asked

COUNT = 40
# The feed sends this many, then waits with its connection open: only the app can end it.
FIRST = 5
# How long the app may take to notice the client left and cancel: the client's close reaches
# the app at once on loopback, so seconds only on a machine under heavy load.
CANCEL_S = 10.0


@check("reactive.stream.cancellation", points=2, timeout_s=60, app_database=False)
def a_client_that_leaves_cancels_the_feed(ctx: CheckContext) -> None:
    """When the client disconnects, the app cancels its request to the feed (closes that connection)."""
    stream = ctx.feed.plan(book_lines.lines(book_lines.books(ctx, COUNT)), hold_after=FIRST)
    client = Stalled(ctx)
    try:
        wait_asked(stream, client)
        if not wait_for(lambda: stream.holding or stream.closed_by_peer, CONNECT_S):
            raise Failure("the feed could not send its first books to the app", expected=f"{FIRST} written",
                          actual=f"{stream.lines_written} written", reproduce=REPRODUCE)
        client.close()
        if not stream.wait_done(CANCEL_S):
            raise Failure(
                f"the client left, and {CANCEL_S:.0f} s later the app still held its request to the feed open",
                expected="the feed's connection closed by the app once the client is gone (the response's "
                         "cancel reaching the WebClient)",
                actual=f"the feed's connection open, {stream.lines_written} of {COUNT} books written, "
                       "waiting for more demand",
                hint="Keep one chain from the WebClient to the response: a subscribe() of your own (into a "
                     "Sinks, a cache, a list) keeps reading after the client left, so nothing cancels it. "
                     "Return the Flux and let WebFlux subscribe and cancel.",
                reproduce=REPRODUCE + "   # then Ctrl-C: the app's request to the feed should end too",
            )
    finally:
        client.close()
        stream.release()
        ctx.feed.forget_plans()
        if stream.connected:
            stream.wait_done(CONNECT_S)
