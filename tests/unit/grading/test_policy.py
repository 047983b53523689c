"""Points, visibility and limits from the lab, the policy file and the flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.catalog import CheckEntry, LabManifest
from harness.errors import ConfigError, UsageError
from harness.grading.policy import Policy, load_policy, parse_policy
from harness.limits import MB, Limits, format_size, limits_from, parse_size

MANIFEST = LabManifest(services=("postgres",), checks=(
    CheckEntry("db.sql.parameterized"), CheckEntry("db.pool.bounded", hidden=True), CheckEntry("rest.shelf.contract"),
))
KNOWN = [e.id for e in MANIFEST.checks]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "grading.toml"
    path.write_text(text)
    return path


def test_flags_override_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, '[points]\n"db.sql.parameterized" = 5\n"rest.shelf.contract" = 1\n')
    policy = load_policy(path, MANIFEST, points=["db.sql.parameterized=7.5"])
    assert policy.points == {"db.sql.parameterized": 7.5, "rest.shelf.contract": 1.0}


def test_unknown_check_in_the_file_names_the_closest(tmp_path: Path) -> None:
    path = _write(tmp_path, '[points]\n"db.sql.parametrized" = 5\n')
    with pytest.raises(ConfigError, match=r"did you mean 'db\.sql\.parameterized'"):
        load_policy(path, MANIFEST)


@pytest.mark.parametrize(("flag", "words"), [("db.sql.parametrized=3", "did you mean db.sql.parameterized"),
                                             ("db.sql.parameterized", "CHECK_ID=POINTS"),
                                             ("db.sql.parameterized=-1", ">= 0"),
                                             ("db.sql.parameterized=lots", "not a number")])
def test_bad_points_flags(flag: str, words: str) -> None:
    with pytest.raises(UsageError, match=words):
        load_policy(None, MANIFEST, points=[flag])


def test_visibility_from_the_lab_and_the_policy() -> None:
    policy = parse_policy({"visibility": {"rest.shelf.contract": "after_due_date"},
                           "gradescope": {"hidden_visibility": "after_published"}}, "f", KNOWN)
    assert policy.visibility_of("db.sql.parameterized", MANIFEST) == "visible"
    assert policy.visibility_of("db.pool.bounded", MANIFEST) == "after_published", "hidden in lab.toml"
    assert policy.visibility_of("rest.shelf.contract", MANIFEST) == "after_due_date"
    hidden = {e.id for e in policy.manifest(MANIFEST).checks if e.hidden}
    assert hidden == {"db.pool.bounded", "rest.shelf.contract"}


def test_a_hidden_default_cannot_be_visible() -> None:
    with pytest.raises(ConfigError, match="cannot be visible"):
        parse_policy({"gradescope": {"hidden_visibility": "visible"}}, "f", KNOWN)


def test_bad_visibility_names_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="after_due_date"):
        parse_policy({"visibility": {"db.pool.bounded": "later"}}, "f", KNOWN)


def test_limits_from_file_and_flags(tmp_path: Path) -> None:
    path = _write(tmp_path, '[limits]\nmemory = "256MB"\ncpu_time = "30s"\n[limits.install]\ntimeout = "5m"\n')
    policy = load_policy(path, MANIFEST, limits=["processes=32", "install.memory=1GB"])
    assert policy.limits == Limits(memory_bytes=256 * MB, cpu_time_s=30.0, processes=32, install_timeout_s=300.0,
                                   install_memory_bytes=1024 * MB)


@pytest.mark.parametrize(("table", "words"), [({"memroy": "1GB"}, "limits.memroy: unknown"),
                                              ({"memory": "lots"}, "a size such as"),
                                              ({"processes": 0}, "positive"),
                                              ({"install": {"timeout": "soon"}}, "duration")])
def test_bad_limits(table: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        limits_from(table)


def test_bad_limit_flag_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="KEY=VALUE"):
        load_policy(None, MANIFEST, limits=["memory"])


@pytest.mark.parametrize(("text", "size"), [("512MB", 512 * MB), ("1G", 1024 * MB), ("64k", 65536), (300, 300),
                                            ("1.5GB", 1536 * MB)])
def test_sizes(text: object, size: int) -> None:
    assert parse_size(text) == size


def test_sizes_read_back_in_verdicts() -> None:
    assert (format_size(512 * MB), format_size(2048 * MB), format_size(1536 * MB)) == ("512 MB", "2 GB", "1536 MB")


def test_unknown_top_level_table() -> None:
    with pytest.raises(ConfigError, match="did you mean 'points'"):
        parse_policy({"pionts": {}}, "f", KNOWN)


def test_default_policy_changes_nothing() -> None:
    assert Policy().manifest(MANIFEST) == MANIFEST
