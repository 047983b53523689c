from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import load_config, parse_config
from harness.errors import ConfigError

GOOD = {"track": "node", "app": {"start": "node s.js", "install": "npm ci", "ready_timeout": "90s"}}


def test_defaults_and_durations() -> None:
    config = parse_config(Path("/p"), GOOD, "harness.toml")
    assert config.app.health == "/health"
    assert config.app.ready_timeout_s == 90
    assert config.app.install_timeout_s == 600
    assert config.app.migrate is None


def test_the_rerun_command_defaults_to_the_tests_command() -> None:
    tests = {"command": "pytest --cov=shelf", "coverage": "coverage.xml"}
    config = parse_config(Path("/p"), {**GOOD, "tests": tests}, "harness.toml")
    assert config.tests is not None and config.tests.rerun_command == "pytest --cov=shelf"
    config = parse_config(Path("/p"), {**GOOD, "tests": {**tests, "rerun": "pytest"}}, "harness.toml")
    assert config.tests is not None and config.tests.rerun_command == "pytest"



def test_commands_are_read_by_name() -> None:
    config = parse_config(Path("/p"), {**GOOD, "commands": {"aggregate": " node src/aggregate.js "}}, "harness.toml")
    assert config.commands == {"aggregate": "node src/aggregate.js"}
    assert parse_config(Path("/p"), GOOD, "harness.toml").commands == {}

@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"app": {"start": "x"}}, ["key 'track'", "is required"]),
        ({"track": "nod", "app": {"start": "x"}}, ["unknown track", "did you mean 'node'"]),
        ({"track": "node"}, ["key 'app'", "[app] table is required"]),
        ({"track": "node", "app": {"start": "x", "instal": "y"}}, ["key 'app.instal'", "did you mean 'app.install'"]),
        ({"track": "node", "app": {"start": ""}}, ["key 'app.start'", "non-empty string"]),
        ({"track": "node", "app": {"start": "x", "health": "health"}}, ["starting with '/'", "did you mean '/health'"]),
        ({"track": "node", "app": {"start": "x", "ready_timeout": "soon"}}, ["app.ready_timeout", "90s"]),
        ({"track": "node", "app": {"start": "x", "env": {"A": 1}}}, ["app.env", "string values"]),
        ({"track": "node", "app": {"start": "x"}, "services": {"postgres": "x"}}, ["did you mean"]),
        ({"track": "node", "app": {"start": "x"}, "extra": 1}, ["key 'extra'", "valid keys here"]),
        ({"track": "node", "app": {"start": "x"}, "commands": "node a.js"}, ["key 'commands'", "[commands] aggregate"]),
        ({"track": "node", "app": {"start": "x"}, "commands": {"aggregate": ""}}, ["commands.aggregate", "non-empty"]),
    ],
)
def test_errors_name_the_file_the_key_and_the_fix(data: dict[str, object], words: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(Path("/p"), data, "/p/harness.toml")
    text = caught.value.render()
    assert text.startswith("/p/harness.toml")
    for word in words:
        assert word in text


def test_missing_file_offers_the_starter(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert "harness start week-18" in caught.value.render()


def test_invalid_toml(tmp_path: Path) -> None:
    (tmp_path / "harness.toml").write_text("track = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path)
