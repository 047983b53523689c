"""reactive.stream.concurrent: many slow streams at once, none waiting for another."""

from __future__ import annotations

import os

from harness.context import CheckContext
from harness.outcomes import Failure, Passed
from harness.registry import check
from harness.services.feed import wait_for

from .. import book_lines
from ..stream_client import CONNECT_S, REPRODUCE, Stalled, never_asked

# Streams opened at once, each fed one book and then paused: far more than a WebFlux app has
# event-loop threads (one per core, at least four), so a stream that holds a thread while its
# feed is quiet leaves others waiting for that thread before they even request their feed. Also
# more than Schedulers.boundedElastic() holds (10 threads per core): a blocking feed read moved
# there holds a thread per quiet stream too, and must fail on a machine of any size, not only on
# one of few cores.
MIN_CLIENTS = 32
PER_CORE = 10


def clients_at_once(cores: int | None = None) -> int:
    return max(MIN_CLIENTS, PER_CORE * (cores or os.cpu_count() or 1) + 12)
COUNT = 4
# How long all of them may take to request their feed: a few dozen requests on loopback, so
# seconds only on a machine under heavy load.
ASKED_S = 10.0


def _refused(head: bytes) -> bool:
    """A whole response head that is not a 200: the app answered without streaming."""
    return b"\r\n\r\n" in head and not head.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200"))


@check("reactive.stream.concurrent", points=2, timeout_s=90)
def slow_streams_do_not_wait_for_each_other(ctx: CheckContext) -> Passed:
    """Many slow streams at once: the app takes up every one while all their feeds are paused."""
    clients_wanted = clients_at_once()
    streams = [ctx.feed.plan(book_lines.lines(book_lines.books(ctx, COUNT)), hold_after=1)
               for _ in range(clients_wanted)]
    clients: list[Stalled] = []
    try:
        clients = [Stalled(ctx) for _ in range(clients_wanted)]

        def asked() -> int:
            return sum(1 for s in streams if s.connected)

        def refused() -> list[bytes]:
            return [head for head in (c.unread(4096) for c in clients) if _refused(head)]

        wait_for(lambda: asked() == clients_wanted
                 or (asked() + len(refused()) >= clients_wanted and bool(refused())), ASKED_S)
        if refused() and asked() < clients_wanted:
            raise never_asked(refused()[0].decode("latin-1").split("\r\n", 1)[0])
        took = asked()
        if took < clients_wanted:
            raise Failure(
                f"{clients_wanted} streams at once, each fed one book and then paused: the app requested the feed "
                f"for {took} of them",
                expected=f"all {clients_wanted} streams taken up at once (a stream waiting on its feed holds no "
                         "thread)",
                actual=f"{took} feed requests after {ASKED_S:.0f} s; the other streams wait for a thread",
                hint="Something holds a thread while a stream waits: a blocking HTTP client or InputStream "
                     "read, Thread.sleep, block(), all streams sharing Schedulers.single(), or a thread per "
                     "stream from a pool (Spring MVC's StreamingResponseBody runs on 8 by default; "
                     "Schedulers.boundedElastic() holds 10 per core, and a blocking read there holds one for "
                     "each quiet stream). Read the feed with WebClient, which holds no thread while it waits; "
                     "boundedElastic() is for blocking work that has no non-blocking form, not for this read.",
                reproduce=f"for i in $(seq {clients_wanted}); do {REPRODUCE} & done",
            )
        return Passed(f"{clients_wanted} slow streams taken up at once, each with its feed requested")
    finally:
        for client in clients:
            client.close()
        for stream in streams:
            stream.release()
        ctx.feed.forget_plans()
        for stream in streams:
            if stream.connected:
                stream.wait_done(CONNECT_S)
