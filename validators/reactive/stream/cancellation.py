"""reactive.stream.cancellation: a client that leaves makes the app close the feed's connection."""

from __future__ import annotations

from harness.context import CheckContext
from harness.outcomes import Failure
from harness.registry import check
from harness.services.feed import wait_for

from .. import book_lines
from ..stream_client import CONNECT_S, REPRODUCE, Stalled, wait_asked

# The feed sends this many books, then waits with its connection open until the client left.
FIRST = 5
# Then it trickles the rest, one book per PACE_S: a server learns that its client is gone when
# it writes to it, so each book is a chance for the app to notice and cancel, and one that
# does not cancel reads them all. Two hundred chances (ten seconds) are plenty on a busy machine.
TRICKLE = 200
PACE_S = 0.05


@check("reactive.stream.cancellation", points=2, timeout_s=60)
def a_client_that_leaves_cancels_the_feed(ctx: CheckContext) -> None:
    """When the client disconnects, the app cancels its request to the feed (closes that connection)."""
    count = FIRST + TRICKLE
    stream = ctx.feed.plan(book_lines.lines(book_lines.books(ctx, count)), hold_after=FIRST, pace_s=PACE_S)
    client = Stalled(ctx)
    try:
        wait_asked(stream, client)
        if not wait_for(lambda: stream.holding or stream.closed_by_peer, CONNECT_S):
            raise Failure("the feed could not send its first books to the app", expected=f"{FIRST} written",
                          actual=f"{stream.lines_written} written", reproduce=REPRODUCE)
        # The client leaves once its first book came, as a reader who gives up does. (A client
        # gone before the response's first write is drained rather than cancelled by Reactor
        # Netty, whatever the app's code: not the learner's to fix.) An app that never sends
        # a book fails reactive.stream.starts_early; here its client leaves all the same.
        wait_for(lambda: b"}\n" in client.unread(1 << 16), CONNECT_S)
        client.close()
        stream.release()
        ended = stream.wait_done(TRICKLE * PACE_S + CONNECT_S)
        if ended and stream.closed_by_peer:
            return
        after = stream.lines_written - FIRST
        raise Failure(
            "the client left, and the app went on reading the feed"
            + (" to its end" if stream.finished else ""),
            expected="the feed's connection closed by the app within a few books of the client leaving (the "
                     "response's cancel reaching the WebClient)",
            actual=f"the feed wrote {after} of the {TRICKLE} books of its trickle to the app's connection after the "
                   f"client left; that connection {'ended by the feed' if stream.finished else 'still open'}",
            hint="Keep one chain from the WebClient to the response: a subscribe() of your own (into a Sinks, a "
                 "list), publish().autoConnect() or cache() keeps reading after the client left, so nothing "
                 "cancels it. Return the Flux (share() if you must share it) and let WebFlux cancel.",
            reproduce=REPRODUCE + "   # then Ctrl-C: the app's request to the feed should end too",
        )
    finally:
        client.close()
        stream.release()
        ctx.feed.forget_plans()
