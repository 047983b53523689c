"""postgres/week-15: whether anything asked node2 to promote (validators/postgres/failover_promote.py),
on a real server. Only "nothing asked, and that can be told" ends the wait for the bound early:
a promote file, a promote request in the log, or a log that cannot show one, all keep it."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import psycopg
import pytest

from harness.proc.reaper import Reaper
from harness.services.base import Mode, ServiceSettings
from harness.services.postgres import LocalPostgres, start_local
from harness.validators.postgres import failover_promote, failover_record
from harness.validators.postgres.server import HARNESS_OPTIONS

# Each case below is decided by what the log holds; the limit only bounds a case that cannot be
# told (it returns False whenever it is reached), so no verdict here depends on the machine's speed.
UNTIL_S = 30.0


@contextlib.contextmanager
def _server(extra: Mapping[str, str]) -> Iterator[tuple[LocalPostgres, Path]]:
    reaper = Reaper()
    reaper.start()
    folder: dict[str, Path] = {}

    def prepare(data: Path) -> dict[str, str]:
        folder["data"] = data
        return {}

    server = start_local(ServiceSettings(mode=Mode.LOCAL, run_id="rpromote", reaper=reaper),
                         options={**failover_record.SERVER_OPTIONS, **extra}, prepare=prepare)
    try:
        yield server, folder["data"]
    finally:
        server.stop()
        reaper.close()


@pytest.fixture
def node() -> Iterator[tuple[LocalPostgres, Path]]:
    with _server({}) as made:
        yield made


def _until() -> float:
    return time.monotonic() + UNTIL_S


def _requested(data: Path) -> Callable[[], bool]:
    """As harness check reads node2's folder (failover_servers.CheckOps.promote_requested)."""
    return lambda: (data / "promote").exists()


def _sql(server: LocalPostgres, statement: str) -> None:
    with psycopg.connect(server.admin_url, autocommit=True, options=HARNESS_OPTIONS) as conn:
        conn.execute(statement)


def test_nothing_asked_is_told_at_once(node: tuple[LocalPostgres, Path]) -> None:
    server, data = node
    assert failover_promote.never_requested(server, _requested(data), _until())


def test_a_promote_file_not_yet_read_is_a_promotion_under_way(node: tuple[LocalPostgres, Path]) -> None:
    server, data = node
    (data / "promote").write_text("")
    try:
        assert not failover_promote.never_requested(server, _requested(data), _until())
    finally:
        (data / "promote").unlink()


def test_a_promote_request_in_the_log_is_a_promotion_under_way(node: tuple[LocalPostgres, Path]) -> None:
    server, data = node
    # The line the startup process logs when it takes the request (here written by a session).
    _sql(server, "DO $$ BEGIN RAISE LOG 'received promote request'; END $$")
    assert not failover_promote.never_requested(server, _requested(data), _until())


@pytest.mark.parametrize("extra", [{"log_min_messages": "fatal"}, {"promote_trigger_file": "/nonexistent/go"}])
def test_what_the_log_cannot_show_is_never_judged_early(extra: dict[str, str]) -> None:
    with _server(extra) as (server, data):
        assert not failover_promote.never_requested(server, _requested(data), _until())
