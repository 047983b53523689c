"""How a team that tests with pytest uses the harness's plugin (README: "For teams who test with pytest").

Against any project with a harness.toml:

    python -m pytest tests/plugin/example --harness-project DIR
    python -m pytest tests/plugin/example --harness-project DIR --harness-lab python/week-07

The first runs these tests; the second runs the lab's checks too, one pytest item each.
"""

from __future__ import annotations

import psycopg
import redis

from harness.pytest_plugin.fixtures import HarnessApp, HarnessDatabase, HarnessRedis


def test_the_app_lists_books(harness_app: HarnessApp) -> None:
    # The project of harness.toml, installed and started on a free port by the harness.
    response = harness_app.http.get("/v1/books")
    assert response.status_code == 200, harness_app.log_tail()


def test_the_probe_sees_what_reached_the_database(harness_database: HarnessDatabase) -> None:
    # A fresh database for this test; the code under test would get harness_database.url.
    with psycopg.connect(harness_database.url) as conn:
        conn.execute("CREATE TABLE book (id int PRIMARY KEY, title text NOT NULL)")
        conn.execute("SELECT title FROM book WHERE id = %s", (1,))
        conn.commit()
        probe = harness_database.probe
        queries = [s.query for s in probe.statements().values()]
        assert "SELECT title FROM book WHERE id = $1" in queries, queries
        assert probe.app_connections() == 1  # the connection held by this test


def test_redis_is_empty_for_each_test(harness_redis: HarnessRedis) -> None:
    client = redis.Redis.from_url(harness_redis.url)
    assert client.dbsize() == 0
    client.set("session:1", "x", ex=60)
    assert 0 < harness_redis.probe.ttl("session:1") <= 60
