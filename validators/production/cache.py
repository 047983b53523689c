"""Redis caching: a repeated read skips PostgreSQL, an update invalidates, keys expire."""

from __future__ import annotations

from harness import expect
from harness.httpclient import curl_for
from harness.introspect.statements import observe, require_statements
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..security.account_setup import bearer
from .shared import admin_api, two_instances


@check("prod.cache.redis", points=3, services={"postgres", "redis"})
def reads_are_cached_in_redis(ctx: CheckContext) -> None:
    """Reads are cached in Redis: a repeated read skips PostgreSQL, an update invalidates it.

    GET /v1/books/{id} twice (through either instance): the second answer comes from
    Redis (keyspace hits grow, no statement touches books) and its keys carry a TTL; after
    a PATCH through one instance, the other instance serves the new title.
    """
    require_statements(ctx.pg)
    first, second = two_instances(ctx)
    api, admin = admin_api(ctx)
    book = api.book(api.author().id)
    path = f"/v1/books/{book.id}"
    keys_before = ctx.redis.keys()
    warm = first.get(path)
    expect.status(warm, 200, what=f"GET {path}")
    new_keys = ctx.redis.keys() - keys_before
    hits_before = ctx.redis.stats()["keyspace_hits"]
    repeat, window = observe(ctx.pg, lambda: second.get(path))
    expect.status(repeat, 200, what=f"GET {path} again")
    hits = ctx.redis.stats()["keyspace_hits"] - hits_before
    touching = window.touching("books")
    if touching or hits < 1:
        raise Failure(
            "a repeated read was not served from Redis",
            expected="the second GET answered from Redis: keyspace_hits grows, no statement reads books",
            actual=f"keyspace_hits +{hits}; statements on books: "
                   + ("; ".join(" ".join(s.query.split())[:120] for s in touching) or "none"),
            hint="Cache the book's JSON in Redis (SET book:<id> ... EX 60) and read it before PostgreSQL; both "
                 "instances must use the same Redis, not a map in memory.",
            reproduce=curl_for(repeat.request) + " (twice) and watch: redis-cli monitor",
        )
    eternal = [key for key in new_keys if ctx.redis.ttl(key) == -1]
    if eternal:
        raise Failure(f"cache keys without an expiry: {', '.join(sorted(eternal)[:5])}",
                      expected="every cache key with a TTL (SET ... EX seconds)",
                      hint="Give cache entries a TTL, so that a missed invalidation heals by itself.",
                      reproduce=f"redis-cli TTL {sorted(eternal)[0]}")
    title = "Updated " + ctx.unique("title")
    patched = first.patch(path, json={"title": title}, headers=bearer(admin.access))
    expect.status(patched, 200, what=f"PATCH {path} on instance 1")
    after = second.get(path)
    body = expect.json_object(after, what=f"GET {path} on instance 2 after the update")
    if body.get("title") != title:
        raise expect.fail(after, "after an update through instance 1, instance 2 still serves the old book",
                          expected=f"\"title\": \"{title}\"",
                          hint="Delete (or overwrite) the cache entry in the same request that updates the "
                               "book; list caches holding the book must go too.")
