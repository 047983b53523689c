"""The learner's conf.d is read as data: links not followed, the harness's own keys and include
lines refused with the file, the line, the key and the reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.config import parse_config
from validators.postgres.conf import ConfRefused, lay_out, read_conf


def _project(tmp_path: Path, **files: str) -> Path:
    (tmp_path / "conf.d").mkdir(parents=True)
    for name, text in files.items():
        (tmp_path / "conf.d" / name).write_text(text)
    return tmp_path


def test_a_postgres_project_needs_no_app_and_is_warned_of_an_unused_one() -> None:
    assert parse_config(Path("/p"), {"track": "postgres"}, "harness.toml").app is None
    config = parse_config(Path("/p"), {"track": "postgres", "app": {"start": "x"}}, "harness.toml")
    assert config.app is None and "conf.d/" in config.warnings[0]


def test_files_are_read_in_name_order_and_only_conf_files(tmp_path: Path) -> None:
    project = _project(tmp_path, **{"20-b.conf": "work_mem = 8MB\n", "10-a.conf": "# memory\n", "notes.txt": "x"})
    assert [f.name for f in read_conf(project)] == ["10-a.conf", "20-b.conf"]


@pytest.mark.parametrize(("line", "words"), [
    ("port = 5433", ["10-lab.conf line 2 sets port", "picks a free port"]),
    ("  Listen_Addresses '*'", ["sets listen_addresses", "127.0.0.1"]),
    ("shared_preload_libraries = 'auto_explain'", ["sets shared_preload_libraries", "loads code"]),
    ("logging_collector = on", ["sets logging_collector", "standard error"]),
    ("include '/etc/passwd'", ["line 2 includes another file", "/etc/passwd"]),
    ("include_dir 'more'", ["includes another file"]),
])
def test_the_harness_s_own_keys_and_includes_are_refused_by_line(tmp_path: Path, line: str, words: list[str]) -> None:
    project = _project(tmp_path, **{"10-lab.conf": f"shared_buffers = 4GB\n{line}\n"})
    with pytest.raises(ConfRefused) as refused:
        read_conf(project)
    for word in words:
        assert word in refused.value.message
    assert "Remove" in refused.value.hint or "conf.d" in refused.value.hint


def test_a_comment_naming_a_kept_key_is_fine(tmp_path: Path) -> None:
    project = _project(tmp_path, **{"10-lab.conf": "# port = 5433 is the harness's\nwork_mem = 8MB # not port\n"})
    assert len(read_conf(project)) == 1


def test_a_link_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("only root may read this\n")
    project = _project(tmp_path / "p")
    os.symlink(secret, project / "conf.d" / "10-lab.conf")
    with pytest.raises(ConfRefused, match="a link is not followed"):
        read_conf(project)


def test_a_linked_conf_d_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "a.conf").write_text("work_mem = 8MB\n")
    (tmp_path / "p").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "p" / "conf.d")
    with pytest.raises(ConfRefused, match="not a folder"):
        read_conf(tmp_path / "p")


def test_missing_or_empty_conf_d_says_what_to_create(tmp_path: Path) -> None:
    with pytest.raises(ConfRefused, match=r"conf\.d/ is missing"):
        read_conf(tmp_path)
    (tmp_path / "conf.d").mkdir()
    with pytest.raises(ConfRefused, match=r"no \*\.conf file"):
        read_conf(tmp_path)


def test_laid_out_last_in_postgresql_conf(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", **{"10-lab.conf": "work_mem = 8MB\n"})
    data = tmp_path / "data"
    data.mkdir()
    (data / "postgresql.conf").write_text("max_connections = 100\n")
    folder = lay_out(read_conf(project), data)
    assert (Path(folder) / "10-lab.conf").read_text() == "work_mem = 8MB\n"
    assert (data / "postgresql.conf").read_text().rstrip().endswith("include_dir = 'conf.d'")
