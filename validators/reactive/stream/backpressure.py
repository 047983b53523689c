"""reactive.stream.backpressure: a client that stops reading makes the app stop reading the feed."""

from __future__ import annotations

import bisect
import itertools
import math
import time
from dataclasses import dataclass
from pathlib import Path

from harness.context import CheckContext
from harness.outcomes import CannotCheck, Failure, Passed
from harness.params import Param
from harness.registry import check
from harness.services.feed import FeedStream

from .. import book_lines, socket_queues
from ..stream_client import REPRODUCE, Stalled, wait_asked

# Records in the feed: at least 20,000 (about 12 MB), and always three times what the kernel's
# largest send buffer (net.ipv4.tcp_wmem's maximum, 4 MB by default) lets the app park in its
# socket towards the client, so an app that reads the whole feed is caught whatever its buffers.
TOTAL = 20_000
_WMEM = Path("/proc/sys/net/ipv4/tcp_wmem")


def feed_records(average_line: int) -> int:
    try:
        largest = int(_WMEM.read_text().split()[2])
    except (OSError, ValueError, IndexError):
        largest = 4 * 1024 * 1024
    return max(TOTAL, math.ceil(3 * largest / average_line))


# What a stalled stream may hold inside the app, in records: Reactor's prefetch is 256 per
# operator that queues (Queues.SMALL_BUFFER_SIZE), and a WebClient-to-response chain has a
# few (the body decoder, the response writer's prefetch), plus what one socket read of the
# feed brings in (Netty reads up to 64 KiB at a time: about 100 records of 600 bytes).
# Everything in the kernel's socket queues is measured and not counted.
MAX_HELD = 2_000
# The stalled state, confirmed: the feed cannot write, and the app answered this many
# requests (its event loops ran) without reading one more byte of the feed.
CONFIRMATIONS = 3
# An answer within this time: a feed of 12 MB on loopback, even read whole, takes seconds.
SETTLE_S = 45.0
_POLL_S = 0.05


@dataclass
class Sample:
    read_by_app: int  # records the app has taken out of its socket from the feed
    delivered: int  # records in the client's socket or the app's socket towards it (at most)
    feed_blocked: bool
    total: int

    @property
    def held(self) -> int:
        return max(self.read_by_app - self.delivered, 0)


class Watch:
    def __init__(self, ctx: CheckContext, stream: FeedStream, client: Stalled, ends: list[int],
                 shortest: int) -> None:
        self.ctx, self.stream, self.client, self.ends, self.shortest = ctx, stream, client, ends, shortest

    def sample(self) -> Sample:
        stream, client = self.stream, self.client
        blocked, written = stream.blocked, stream.written  # before the queues: never more than they say
        queues = socket_queues.snapshot()
        none = socket_queues.Queues(0, 0)
        feed_side = queues.get((self.ctx.feed.port, stream.peer_port), none)
        app_in = queues.get((stream.peer_port, self.ctx.feed.port), none)
        app_out = queues.get((client.app_port, client.port), none)
        mine = queues.get((client.port, client.app_port), none)
        read_bytes = written - feed_side.tx - app_in.rx
        read = bisect.bisect_right(self.ends, read_bytes)
        unread = client.unread(mine.rx)
        delivered = unread.count(b"}\n") + math.ceil(app_out.tx / self.shortest)
        return Sample(read, delivered, blocked, len(self.ends))


def _figures(sample: Sample) -> dict[str, int]:
    return {"feed_records": sample.total, "read_by_app": sample.read_by_app, "delivered": sample.delivered,
            "held_in_app": sample.held, "max_held": MAX_HELD}


@check("reactive.stream.backpressure", points=2, timeout_s=120,
       params=[Param("max_held", int, MAX_HELD, "the most records a stalled stream may hold inside the app")])
def a_stalled_client_stalls_the_feed(ctx: CheckContext) -> Passed:
    """A client that stops reading makes the app stop reading the feed (memory stays bounded)."""
    if not socket_queues.available():
        raise CannotCheck("this system has no /proc/net/tcp: the socket queues cannot be read",
                          fix="run the check on Linux")
    max_held = int(ctx.param("max_held"))
    sample_lines = book_lines.lines(book_lines.books(ctx, 100))
    total = feed_records(sum(len(line) for line in sample_lines) // len(sample_lines))
    lines = sample_lines + book_lines.lines(book_lines.books(ctx, total - len(sample_lines)))
    ends = list(itertools.accumulate(len(line) for line in lines))
    stream = ctx.feed.plan(lines)
    client = Stalled(ctx)
    try:
        wait_asked(stream, client)
        watch = Watch(ctx, stream, client, ends, min(len(line) for line in lines))
        return _judge(ctx, watch, max_held)
    finally:
        # Not waited for: an app that does not cancel (reactive.stream.cancellation's concern)
        # would keep the feed's connection open, and that is not this check's verdict.
        client.close()
        ctx.feed.forget_plans()


def _judge(ctx: CheckContext, watch: Watch, max_held: int) -> Passed:
    deadline = time.monotonic() + SETTLE_S
    confirmed, most = 0, -1
    while time.monotonic() < deadline:
        # A sample races the feed's writes and can only undercount what the app read: the
        # most seen so far is the figure, and a stall is a most that no longer grows.
        sample = watch.sample()
        if sample.held > max_held or watch.stream.finished:
            raise _unbounded(sample, max_held)
        if watch.stream.closed_by_peer:
            raise _gave_up(watch.sample())
        if sample.feed_blocked and sample.read_by_app <= most:
            ctx.http.get("/health")  # the app's event loops ran meanwhile
            again = watch.sample()
            confirmed = confirmed + 1 if again.read_by_app <= most and again.feed_blocked else 0
            if confirmed >= CONFIRMATIONS:
                return Passed(f"with the client stalled, the app read {most} of the feed's {again.total} records "
                              f"and holds {again.held} (at most {max_held})", figures=_figures(again))
        else:
            confirmed = 0
        most = max(most, sample.read_by_app)
        time.sleep(_POLL_S)
    sample = watch.sample()
    raise Failure(
        f"the stream neither stalled nor ended within {SETTLE_S:.0f} s of a client that reads nothing",
        expected="the app stops reading the feed once the client's socket and its own buffers are full",
        actual=f"the app read {sample.read_by_app} of {sample.total} records and kept reading",
        hint="Return the WebClient's Flux as it is from the controller: no onBackpressureBuffer, no "
             "subscribe() of your own, no collectList().",
        reproduce=REPRODUCE, figures=_figures(sample),
    )


def _gave_up(sample: Sample) -> Failure:
    """The app closed its feed connection while the client, still connected, read nothing."""
    return Failure(
        f"the app closed its connection to the feed after reading {sample.read_by_app} of {sample.total} records, "
        "while the client was still connected, reading nothing",
        expected="the app stops reading the feed and waits for the client (the stream stalls, it does not end)",
        actual=f"the feed's connection closed by the app after {sample.read_by_app} records; "
               f"{sample.delivered} reached the client",
        hint="A buffer that fills up and fails the stream (onBackpressureBuffer(n) errors when n are waiting, "
             "a timeout on the subscriber) ends it for a client that is only slow: return the WebClient's Flux "
             "as it is, and the client's pace reaches the feed.",
        reproduce=REPRODUCE, figures=_figures(sample),
    )


def _unbounded(sample: Sample, max_held: int) -> Failure:
    return Failure(
        f"a client that read nothing did not stop the app reading the feed: it took {sample.read_by_app} "
        f"of {sample.total} records and holds {sample.held} in memory",
        expected=f"at most {max_held} records held inside the app (prefetch and one socket read); the rest "
                 "left in the feed until the client reads",
        actual=f"{sample.read_by_app} records read from the feed, {sample.delivered} at most sent towards "
               "the client (in its socket or the app's)",
        hint="Something between the WebClient and the response asks for everything: onBackpressureBuffer() "
             "without a bound, a Sinks buffer fed by subscribe(), limitRate() with a huge number, or "
             "collecting into a list. Return the WebClient's Flux, mapped if you like, and let the "
             "response's demand reach the feed's connection.",
        reproduce=REPRODUCE + "   # then stop reading (Ctrl-Z) and watch the app's memory",
        figures=_figures(sample),
    )
