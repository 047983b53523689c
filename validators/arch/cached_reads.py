"""Judging a read cache from outside: what Redis and pg_stat_statements show around two reads
and an update. Shared by arch.cache.* (one instance) and prod.cache.redis (two instances, the
reads and the update sent to different ones): one implementation, labelled per caller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from harness import expect
from harness.httpclient import AppClient, curl_for
from harness.introspect.statements import observe, require_statements, require_tables
from harness.outcomes import Failure
from harness.registry import CheckContext


@dataclass(frozen=True)
class CachedRead:
    """A read sent twice: the first warmed the cache, the second was (or was not) served from it."""

    path: str
    repeat: httpx.Response
    hits: int  # Redis keyspace_hits gained during the second read
    books_statements: list[str]  # statements on books the second read caused
    new_keys: set[str]  # keys that appeared with the first read

    @property
    def from_redis(self) -> bool:
        return not self.books_statements and self.hits >= 1


def read_twice(ctx: CheckContext, path: str, warm: AppClient, repeat: AppClient) -> CachedRead:
    """GET `path` through `warm`, then through `repeat` inside a pg_stat_statements window."""
    require_statements(ctx.pg)
    require_tables(ctx.pg, "books")
    keys_before = ctx.redis.keys()
    first = warm.get(path)
    expect.status(first, 200, what=f"GET {path}")
    new_keys = ctx.redis.keys() - keys_before
    hits_before = ctx.redis.stats()["keyspace_hits"]
    second, window = observe(ctx.pg, lambda: repeat.get(path))
    expect.status(second, 200, what=f"GET {path} again")
    hits = ctx.redis.stats()["keyspace_hits"] - hits_before
    touching = [" ".join(s.query.split())[:120] for s in window.touching("books")]
    return CachedRead(path, second, hits, touching, new_keys)


def require_from_redis(read: CachedRead, *, hint: str) -> None:
    if read.from_redis:
        return
    raise Failure(
        "a repeated read was not served from Redis",
        expected="the second GET answered from Redis: keyspace_hits grows, no statement reads books",
        actual=f"keyspace_hits +{read.hits}; statements on books: " + ("; ".join(read.books_statements) or "none"),
        hint=hint,
        reproduce=curl_for(read.repeat.request) + " (twice) and watch: redis-cli monitor",
    )


def require_expiry(ctx: CheckContext, read: CachedRead) -> None:
    eternal = [key for key in read.new_keys if ctx.redis.ttl(key) == -1]
    if eternal:
        raise Failure(f"cache keys without an expiry: {', '.join(sorted(eternal)[:5])}",
                      expected="every cache key with a TTL (SET ... EX seconds)",
                      hint="Give cache entries a TTL, so that a missed invalidation heals by itself.",
                      reproduce=f"redis-cli TTL {sorted(eternal)[0]}")


def require_update_seen(ctx: CheckContext, path: str, writer: AppClient, reader: AppClient, *,
                        headers: Mapping[str, str] | None = None, writer_name: str = "",
                        reader_name: str = "") -> None:
    """PATCH the book's title through `writer`; `reader`'s next GET must show it."""
    on_writer = f" on {writer_name}" if writer_name else ""
    on_reader = f" on {reader_name}" if reader_name else ""
    title = "Updated " + ctx.unique("title")
    patched = writer.patch(path, json={"title": title}, headers=dict(headers or {}))
    expect.status(patched, 200, what=f"PATCH {path}{on_writer}")
    after = reader.get(path)
    body = expect.json_object(after, what=f"GET {path}{on_reader} after the update")
    if body.get("title") != title:
        message = (f"after an update through {writer_name}, {reader_name} still serves the old book"
                   if writer_name else "after an update, the next read still serves the old book")
        raise expect.fail(after, message, expected=f"\"title\": \"{title}\"",
                          hint="Delete (or overwrite) the book's cache entry in the same request that updates "
                               "the book, once the update has committed.")
