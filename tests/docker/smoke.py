#!/usr/bin/env python3
"""Smoke test of the offline test images with unmodified Testcontainers classes.

Starts ``PostgresContainer("harness-test/postgres:15", ...)`` with
``postgres -c shared_preload_libraries=pg_stat_statements``, connects with
psycopg 3 to ``get_connection_url()``, creates the pg_stat_statements extension
and reads from it; then ``RedisContainer("harness-test/redis:7")`` and PING.
Prints versions and timings; exits non-zero on any failure. Every container it
starts is removed again.

Usage:  python3 tests/docker/smoke.py [--runs N]

Images: HARNESS_POSTGRES_IMAGE / HARNESS_REDIS_IMAGE override the defaults
(the same variables the harness reads). Build them first with
tests/docker/build-images.sh; nothing is ever pulled.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

# Must be set before testcontainers is imported (its config reads env at import):
# * Ryuk's image cannot be pulled (no registry);
# * /.dockerenv makes testcontainers use the docker0 gateway (172.17.0.1) unless the
#   mode is docker_host, and docker_host mode uses the default-route gateway unless the
#   host is overridden. Test traffic must stay on 127.0.0.0/8.
os.environ["TESTCONTAINERS_RYUK_DISABLED"] = "true"
os.environ["TESTCONTAINERS_CONNECTION_MODE"] = "docker_host"
os.environ["TESTCONTAINERS_HOST_OVERRIDE"] = "127.0.0.1"
os.environ.pop("TC_HOST", None)  # TC_HOST would take precedence over the override

import docker
import psycopg

try:  # testcontainers >= 4.15 moved the modules; the old paths warn
    from testcontainers.community.postgres import PostgresContainer
    from testcontainers.community.redis import RedisContainer
except ImportError:  # pragma: no cover - older testcontainers
    from testcontainers.postgres import PostgresContainer
    from testcontainers.redis import RedisContainer

POSTGRES_IMAGE = os.environ.get("HARNESS_POSTGRES_IMAGE") or "harness-test/postgres:15"
REDIS_IMAGE = os.environ.get("HARNESS_REDIS_IMAGE") or "harness-test/redis:7"
PG_COMMAND = "postgres -c shared_preload_libraries=pg_stat_statements"

T = TypeVar("T")


@dataclass
class Timings:
    """Seconds per phase of one run (insertion-ordered)."""

    phases: dict[str, float] = field(default_factory=dict)

    def measure(self, name: str, fn: Callable[[], T]) -> T:
        t0 = time.perf_counter()
        try:
            return fn()
        finally:
            self.phases[name] = time.perf_counter() - t0


class SmokeError(RuntimeError):
    """A check failed."""


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise SmokeError(msg)


def require_loopback(host: str, what: str) -> None:
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = host == "localhost"
    check(ok, f"{what} would connect to {host!r}, not to 127.0.0.0/8: refusing")


def preflight() -> str:
    """Check the engine answers and both images are local (no pull); return its version."""
    client = docker.from_env(timeout=5)
    try:
        client.ping()
        version = str(client.version().get("Version", "?"))
        for image in (POSTGRES_IMAGE, REDIS_IMAGE):
            try:
                client.images.get(image)
            except docker.errors.ImageNotFound:
                hint = "build it with tests/docker/build-images.sh"
                raise SmokeError(f"image {image} is not present locally; {hint}") from None
        return version
    finally:
        client.close()


def run_postgres(t: Timings) -> None:
    pg = PostgresContainer(
        POSTGRES_IMAGE, username="app", password="s3cret", dbname="shop", driver=None
    )
    pg.with_command(PG_COMMAND)
    require_loopback(pg.get_container_host_ip(), "PostgresContainer")
    try:
        t.measure("postgres start->ready", pg.start)
        url = pg.get_connection_url()
        host = url.split("@", 1)[1].split(":", 1)[0]
        require_loopback(host, "get_connection_url()")
        print(f"  postgres url: {url.replace(':s3cret@', ':***@')}")

        def query() -> tuple[str, str, str, int, str]:
            with psycopg.connect(url, connect_timeout=10, autocommit=True) as conn:
                row = conn.execute("select version(), current_user, current_database()").fetchone()
                assert row is not None
                version, user, db = str(row[0]), str(row[1]), str(row[2])
                conn.execute("create extension if not exists pg_stat_statements")
                conn.execute("select count(*) from pg_class where relkind = %s", ("r",)).fetchone()
                row2 = conn.execute(
                    "select count(*), coalesce(sum(calls), 0) from pg_stat_statements"
                ).fetchone()
                assert row2 is not None
                spl = conn.execute("show shared_preload_libraries").fetchone()
                assert spl is not None
                return version, user, db, int(row2[0]), str(spl[0])

        version, user, db, n_statements, spl = t.measure("postgres connect+queries", query)
        check((user, db) == ("app", "shop"), f"connected as {user}/{db}, expected app/shop")
        check("pg_stat_statements" in spl, f"shared_preload_libraries = {spl!r}")
        check(n_statements > 0, "pg_stat_statements returned no rows")
        print(f"  postgres: {version}")
        print(f"  postgres: user={user} db={db} shared_preload_libraries={spl}")
        print(f"  postgres: pg_stat_statements rows={n_statements}")
    finally:
        t.measure("postgres stop+remove", pg.stop)


def run_redis(t: Timings) -> None:
    rc = RedisContainer(REDIS_IMAGE)
    require_loopback(rc.get_container_host_ip(), "RedisContainer")
    try:
        t.measure("redis start->ready", rc.start)
        client = rc.get_client(socket_timeout=5)
        try:

            def ping() -> tuple[bool, str]:
                pong = bool(client.ping())
                info = client.info("server")
                return pong, str(info.get("redis_version", "?"))

            pong, version = t.measure("redis ping+info", ping)
        finally:
            client.close()
        check(pong, "redis PING did not return True")
        where = f"{rc.get_container_host_ip()}:{rc.get_exposed_port(6379)}"
        print(f"  redis: PONG from redis {version} at {where}")
    finally:
        t.measure("redis stop+remove", rc.stop)


def leftover_containers() -> list[str]:
    client = docker.from_env(timeout=5)
    try:
        found = client.containers.list(all=True, filters={"label": "org.testcontainers=true"})
        return [
            f"{c.short_id} {c.image.tags}"
            for c in found
            if c.image.tags and c.image.tags[0] in (POSTGRES_IMAGE, REDIS_IMAGE)
        ]
    finally:
        client.close()


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--runs", type=int, default=1, help="repeat the whole sequence N times (default 1)"
    )
    args = ap.parse_args()

    try:
        engine = preflight()
    except (SmokeError, docker.errors.DockerException) as exc:
        print(f"smoke: FAILED preflight: {exc}", file=sys.stderr)
        return 2
    print(
        f"smoke: engine {engine}; images {POSTGRES_IMAGE}, {REDIS_IMAGE}; connection host 127.0.0.1"
    )

    runs: list[Timings] = []
    failed = False
    for i in range(1, args.runs + 1):
        print(f"smoke: run {i}/{args.runs}")
        t = Timings()
        runs.append(t)
        for step in (run_postgres, run_redis):
            try:
                step(t)
            except Exception as exc:
                failed = True
                print(
                    f"smoke: FAILED {step.__name__}: {type(exc).__name__}: {exc}", file=sys.stderr
                )
                traceback.print_exc()
        for name, secs in t.phases.items():
            print(f"  {name:<28} {secs:7.3f} s")

    left = leftover_containers()
    if left:
        failed = True
        print(f"smoke: FAILED: containers left behind: {left}", file=sys.stderr)

    if args.runs > 1:
        print("smoke: summary (median [min-max] over runs)")
        for name in runs[0].phases:
            vals = [r.phases[name] for r in runs if name in r.phases]
            print(
                f"  {name:<28} {statistics.median(vals):7.3f} s  [{min(vals):.3f}-{max(vals):.3f}]"
            )
    print("smoke: FAILED" if failed else "smoke: OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
