"""Redis caching: a repeated read skips PostgreSQL, an update invalidates, keys expire."""

from __future__ import annotations

from harness.registry import CheckContext, check

from ..arch.cached_reads import read_twice, require_expiry, require_from_redis, require_update_seen
from ..security.account_setup import bearer
from .shared import admin_api, two_instances


@check("prod.cache.redis", points=3, services={"postgres", "redis"})
def reads_are_cached_in_redis(ctx: CheckContext) -> None:
    """Reads are cached in Redis: a repeated read skips PostgreSQL, an update invalidates it.

    GET /v1/books/{id} twice (through either instance): the second answer comes from
    Redis (keyspace hits grow, no statement touches books) and its keys carry a TTL; after
    a PATCH through one instance, the other instance serves the new title.
    """
    first, second = two_instances(ctx)
    api, admin = admin_api(ctx)
    book = api.book(api.author().id)
    path = f"/v1/books/{book.id}"
    read = read_twice(ctx, path, first, second)
    require_from_redis(read, hint="Cache the book's JSON in Redis (SET book:<id> ... EX 60) and read it before "
                                  "PostgreSQL; both instances must use the same Redis, not a map in memory.")
    require_expiry(ctx, read)
    require_update_seen(ctx, path, first, second, headers=bearer(admin.access),
                        writer_name="instance 1", reader_name="instance 2")
