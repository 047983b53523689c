"""Connection pooling: a bounded set of connections, reused, not leaked."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise

from harness.outcomes import Failure
from harness.params import Param
from harness.registry import CheckContext, check

from ..shelf.api import ShelfApi

CONCURRENCY = 50
BURSTS = 3
# A pool that opens connections lazily can grow over the first bursts on a slow machine
# (7 -> 9 -> 10) until it has what the load needs; a leak never stops growing. While the count
# still grows, more bursts tell them apart.
MAX_BURSTS = 6
PAUSE_S = 0.001


@dataclass
class Sampler:
    """Watches pg_stat_activity while requests run: the peak, and every connection seen."""

    peak: int = 0
    seen: set[tuple[int, str]] = field(default_factory=set)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self, ctx: CheckContext) -> None:
        # A millisecond between reads: back to back, the reads took a core (the harness and a
        # PostgreSQL backend) from the app under test for the whole burst. A connection lives at
        # least as long as its authentication, several milliseconds, so none goes unseen.
        while not self._stop.wait(PAUSE_S):
            now = ctx.pg.app_backends()
            self.peak = max(self.peak, len(now))
            self.seen |= now

    def stop(self) -> None:
        self._stop.set()


def growing(counts: list[int]) -> bool:
    return all(later > earlier for earlier, later in pairwise(counts))


def connection_verdict(peak: int, seen: int, idle_after: list[int], bound: int) -> str | None:
    """Why the pool looks wrong, or None: too many at once, too many overall, or growing."""
    if peak > bound:
        return f"{peak} connections open at once (bound: {bound})"
    if seen > bound:
        return f"{seen} different connections during {len(idle_after)} bursts (bound: {bound}): connections are " \
               "opened per request instead of reused"
    # A leak grows after every burst; a pool that opens connections lazily grows only until
    # it has what the load needs (7 -> 10 -> 10 on a slow machine): that is no leak.
    if len(idle_after) >= 2 and growing(idle_after) and idle_after[-1] > idle_after[0] + 2:
        return f"connections kept growing after each burst ({' -> '.join(map(str, idle_after))}): a leak"
    return None


@check("db.pool.bounded", points=2, services={"postgres"}, timeout_s=90, params=[
    Param("max_connections", int, 20, "the most connections the app may hold at once")])
def connections_are_pooled(ctx: CheckContext) -> None:
    """Connections are pooled: a small fixed number, reused, never leaked.

    Under bursts of 50 concurrent requests the app's connections in pg_stat_activity stay
    within a bound, the same connections serve every burst, and none are left behind.
    """
    bound: int = ctx.param("max_connections")
    api = ShelfApi(ctx)
    author = api.author()
    book = api.book(author.id)
    paths = [f"/v1/books/{book.id}" if i % 2 else f"/v1/books?author_id={author.id}" for i in range(CONCURRENCY)]
    sampler = Sampler()
    watcher = threading.Thread(target=sampler.run, args=(ctx,), daemon=True)
    watcher.start()
    idle_after: list[int] = []
    statuses: list[int] = []
    try:
        while len(idle_after) < BURSTS or (len(idle_after) < MAX_BURSTS and growing(idle_after)):
            responses = ctx.http.concurrently([partial(ctx.http.get, p) for p in paths])
            statuses += [r.status_code for r in responses]
            idle_after.append(ctx.pg.app_connections())
    finally:
        sampler.stop()
        watcher.join(5)
    failed = [s for s in statuses if s != 200]
    problem = connection_verdict(sampler.peak, len(sampler.seen), idle_after, bound)
    if problem is None and failed:
        problem = f"{len(failed)} of {len(statuses)} concurrent requests failed (statuses {sorted(set(failed))})"
    if problem:
        raise Failure(
            f"connections are not pooled: {problem}",
            expected=f"at most {bound} connections, opened once and reused across bursts",
            actual=f"peak {sampler.peak} at once, {len(sampler.seen)} different connections, "
                   f"{' / '.join(map(str, idle_after))} open after each burst of {CONCURRENCY}",
            hint=ctx.hint(
                "Create one connection pool of a small fixed size when the app starts, share it, and give "
                "every connection back after use, also on errors; never a connection per request.",
                node="Node: one pg.Pool (max: 10) and pool.query(); a client from pool.connect() is released "
                     "in a finally block; never new Client() per request.",
                python="SQLAlchemy: one engine per process (create_engine(url, pool_size=10, max_overflow=0)), "
                       "never NullPool or an engine per request; close each Session (a dependency with yield).",
                java="Spring: one HikariCP DataSource (spring.datasource.hikari.maximum-pool-size=10).",
            ),
            reproduce=f"seq {CONCURRENCY} | xargs -P {CONCURRENCY} -I{{}} curl -s -o /dev/null "
                      f"\"http://localhost:$PORT/v1/books/{book.id}\"; "
                      "psql \"$DATABASE_URL\" -c \"select count(*) from pg_stat_activity "
                      "where datname = current_database()\"",
        )
