"""A sql project has no app: its harness.toml needs no [app], and one that has it is told it is unused."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import parse_config
from harness.errors import ConfigError
from harness.proc.reaper import Reaper
from harness.runner.app import AppEnvironment, AppFailed, AppRunner


def test_sql_needs_no_app() -> None:
    config = parse_config(Path("/p"), {"track": "sql"}, "harness.toml")
    assert config.app is None
    assert config.warnings == ()


def test_sql_with_an_app_is_warned_and_ignores_it() -> None:
    config = parse_config(Path("/p"), {"track": "sql", "app": {"start": "node s.js"}}, "harness.toml")
    assert config.app is None
    assert len(config.warnings) == 1
    assert "[app] is not used" in config.warnings[0]


def test_other_tracks_still_require_an_app() -> None:
    with pytest.raises(ConfigError, match=r"\[app\] table is required"):
        parse_config(Path("/p"), {"track": "node"}, "harness.toml")


def test_sql_still_checks_its_other_keys() -> None:
    with pytest.raises(ConfigError, match=r"services\.postgres_imag"):
        parse_config(Path("/p"), {"track": "sql", "services": {"postgres_imag": "x"}}, "harness.toml")


def test_an_appless_project_installs_and_migrates_nothing_and_cannot_start(tmp_path: Path) -> None:
    config = parse_config(tmp_path, {"track": "sql"}, "harness.toml")
    runner = AppRunner(config, workdir=tmp_path, app_env=AppEnvironment(port=1, service_urls={}),
                       reaper=Reaper(), progress=lambda _m: None)
    assert runner.install() == 0.0
    assert runner.migrate(None) == 0.0
    assert runner.migrate_command is None
    assert not runner.alive()
    with pytest.raises(AppFailed, match="no \\[app\\]"):
        runner.start()
