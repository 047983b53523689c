"""Redis introspection: keyspace, TTLs and hit counters of the app's database index."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import redis


class RedisProbe:
    def __init__(self, url: str) -> None:
        # Imported here: most labs have no Redis, and every run of theirs would pay for the client.
        import redis

        self.url = url
        self.client: redis.Redis = redis.Redis.from_url(url, decode_responses=True,
                                                               socket_timeout=10)

    def keys(self, pattern: str = "*") -> set[str]:
        return set(self.client.scan_iter(match=pattern, count=1000))

    def ttl(self, key: str) -> int:
        return int(self.client.ttl(key))

    def stats(self) -> dict[str, int]:
        info = self.client.info("stats")
        return {"keyspace_hits": int(info["keyspace_hits"]), "keyspace_misses": int(info["keyspace_misses"])}

    def close(self) -> None:
        self.client.close()
