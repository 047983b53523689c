"""The harness as a pytest plugin (the `harness` entry point of the `pytest11` group).

Two things for teams that already test with pytest:
- fixtures: `harness_postgres` (a PostgreSQL server with pg_stat_statements), `harness_database`
  (a fresh database of its own per test, with a `PgProbe` on it: statements run, connections held,
  plans), `harness_redis` (an emptied Redis) and `harness_app` (the project of `harness.toml`
  installed, migrated and started against them);
- `--harness-lab LAB --harness-project DIR`: the lab's checks collected as pytest items, one per
  check, so `-k`, `-x`, `--junitxml` and pytest's report work on them as on any test.

The plugin is installed with the harness and so loads in every pytest run of that environment:
importing this module costs nothing (pytest only), adds options and nothing else. The engine is
imported when an option is given or a fixture used; without them collection is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from harness.pytest_plugin.fixtures import HarnessApp, HarnessDatabase, HarnessRedis, ServicePool
    from harness.services.postgres import PostgresServer

_MODES = ("auto", "docker", "local", "external")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "backend lab harness (lab checks as pytest items, service fixtures)")
    group.addoption("--harness-lab", metavar="LAB",
                    help="collect this lab's checks as test items, e.g. node/week-18 (see: harness labs)")
    group.addoption("--harness-project", metavar="DIR",
                    help="the project the checks and the harness_app fixture run against "
                         "(the folder of its harness.toml; default: pytest's rootdir)")
    group.addoption("--harness-check", action="append", default=[], metavar="CHECK_ID",
                    help="collect only this check of --harness-lab (repeatable; -k selects too)")
    group.addoption("--harness-services", choices=_MODES, default=None,
                    help="where PostgreSQL and Redis come from (default: HARNESS_SERVICES, else auto)")
    group.addoption("--harness-seed", type=int, default=None, metavar="N",
                    help="the seed of the lab's generated test data (default: a new one, shown in the report)")
    parser.addini("harness_app_services", type="args", default=["postgres"],
                  help="services the harness_app fixture starts for the app when no --harness-lab says "
                       "(postgres, redis; default: postgres)")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("harness_lab"):
        from harness.pytest_plugin.labitems import LabPlugin

        config.pluginmanager.register(LabPlugin(config), "harness-lab-checks")
    elif config.getoption("harness_check"):
        raise pytest.UsageError("--harness-check names checks of a lab: give the lab with --harness-lab LAB")


@pytest.fixture(scope="session")
def harness_services(pytestconfig: pytest.Config) -> Iterator[ServicePool]:
    """The servers of this pytest run (or of this xdist worker), each started when first asked for."""
    from harness.pytest_plugin.fixtures import ServicePool

    pool = ServicePool.from_config(pytestconfig)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session")
def harness_postgres(harness_services: ServicePool) -> PostgresServer:
    """A PostgreSQL server with pg_stat_statements preloaded (`.admin_url` is its superuser)."""
    return harness_services.postgres()


@pytest.fixture
def harness_database(harness_services: ServicePool) -> Iterator[HarnessDatabase]:
    """A fresh database owned by a fresh role, for this test only: `.url` for the code under test,
    `.probe` (harness.introspect.pg.PgProbe) to see what reached it."""
    database = harness_services.database()
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def harness_redis(harness_services: ServicePool) -> HarnessRedis:
    """The run's Redis, emptied for this test: `.url`, and `.probe` (keys, TTLs, stats)."""
    return harness_services.redis()


@pytest.fixture(scope="session")
def harness_app(pytestconfig: pytest.Config, harness_services: ServicePool) -> Iterator[HarnessApp]:
    """The project of `harness.toml` (--harness-project, or the rootdir) installed, migrated and
    started on a free port against a fresh database: `.url`, `.http` (an httpx client on it),
    `.database` (with its probe), `.log_tail()`. One app per test session."""
    from harness.pytest_plugin.fixtures import start_app

    app = start_app(pytestconfig, harness_services)
    try:
        yield app
    finally:
        app.stop()
