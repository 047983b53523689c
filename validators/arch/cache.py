"""A Redis cache in front of PostgreSQL: repeated reads skip the database, updates invalidate."""

from __future__ import annotations

from harness import expect
from harness.httpclient import curl_for
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..shelf.api import ShelfApi
from .cached_reads import read_twice, require_expiry, require_from_redis, require_update_seen

CACHE_HINT = ("Read the book from Redis first and from PostgreSQL only on a miss, then store it "
              "(SET book:<id> ... EX 60).")


def _cached_book(ctx: CheckContext) -> str:
    api = ShelfApi(ctx)
    return f"/v1/books/{api.book(api.author().id).id}"


@check("arch.cache.hits", points=2, services={"postgres", "redis"})
def repeated_reads_skip_postgres(ctx: CheckContext) -> None:
    """A repeated GET /v1/books/{id} is served from Redis: no statement reads books, keys expire.

    Creates a book and reads it twice; around the second read, Redis's keyspace_hits must grow
    and pg_stat_statements must show no statement on books. The keys the first read created
    must carry a TTL.
    """
    read = read_twice(ctx, _cached_book(ctx), ctx.http, ctx.http)
    require_from_redis(read, hint=ctx.hint(CACHE_HINT, node="With ioredis or node-redis: "
                                           "await redis.set(key, JSON.stringify(book), 'EX', 60) (ioredis) or "
                                           "{EX: 60} (node-redis)."))
    require_expiry(ctx, read)


@check("arch.cache.invalidated", points=2, services={"postgres", "redis"})
def updates_invalidate_the_cache(ctx: CheckContext) -> None:
    """After PATCH or DELETE /v1/books/{id}, the next read shows the change, not the cached copy.

    Reads a new book twice (the second read must come from the cache, as arch.cache.hits
    asks, or there is nothing to invalidate), changes its title and reads it: the new title.
    Then deletes it and reads it: 404.
    """
    path = _cached_book(ctx)
    read = read_twice(ctx, path, ctx.http, ctx.http)
    if not read.from_redis:
        raise Failure("the book is not cached, so its invalidation cannot be judged yet",
                      expected="a repeated GET served from Redis (arch.cache.hits)",
                      actual=f"keyspace_hits +{read.hits}; statements on books: {len(read.books_statements)}",
                      hint=f"Make arch.cache.hits pass first. {CACHE_HINT}",
                      reproduce=curl_for(read.repeat.request) + " (twice) and watch: redis-cli monitor")
    require_update_seen(ctx, path, ctx.http, ctx.http)
    deleted = ctx.http.delete(path)
    expect.status(deleted, 204, what=f"DELETE {path}", hint="DELETE of a book without loans answers 204.")
    gone = ctx.http.get(path)
    if gone.status_code != 404:
        raise expect.fail(gone, "after DELETE, the book is still served", expected="404 Not Found",
                          hint="Delete the cache entry in the request that deletes the book.")
