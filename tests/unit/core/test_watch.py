"""`harness check --watch`'s loop on real files, with a scripted clock: which changes start a
round, which are the run's own writing, and how it ends."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from harness.commands.watch import changed, describe, wait_for_change, watch
from harness.errors import ExitCode
from harness.runner.deps import source_snapshot


def _script(*steps: Callable[[], None]) -> Callable[[float], None]:
    """A sleep that runs one step per call, then raises KeyboardInterrupt (the learner's Ctrl-C)."""
    pending = list(steps)

    def sleep(_seconds: float) -> None:
        if not pending:
            raise KeyboardInterrupt
        pending.pop(0)()
    return sleep


def _nothing() -> None:
    return None


def test_a_change_is_an_added_removed_or_rewritten_file() -> None:
    before = {"a.js": (1, 10), "b.js": (1, 10)}
    assert changed(before, {"a.js": (2, 10), "c.js": (1, 1)}) == {"a.js", "b.js", "c.js"}
    assert describe({"e", "d", "c", "b", "a"}) == "a, b, c and 2 more"


def test_dependency_folders_and_scratch_are_no_change(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.js").write_text("1")
    since = source_snapshot(tmp_path)

    def install() -> None:
        (tmp_path / "node_modules").mkdir()
        (tmp_path / "node_modules" / "x.js").write_text("x")
        (tmp_path / ".harness").mkdir()
        (tmp_path / ".harness" / "install.json").write_text("{}")

    def save() -> None:
        (tmp_path / "src" / "app.js").write_text("22")
    assert wait_for_change(tmp_path, since, sleep=_script(install, _nothing, save, _nothing)) == {"src/app.js"}


def test_a_burst_of_saves_is_one_change(tmp_path: Path) -> None:
    since = source_snapshot(tmp_path)
    steps = [lambda: (tmp_path / "a.py~").write_text("backup"), lambda: (tmp_path / "a.py").write_text("new"),
             _nothing]
    assert wait_for_change(tmp_path, since, sleep=_script(*steps)) == {"a.py~", "a.py"}


def test_the_runs_own_writing_starts_nothing_and_a_save_starts_one_round(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("v1")
    rounds: list[int] = []
    said: list[str] = []

    def run_once() -> int:
        rounds.append(len(rounds))
        (tmp_path / "coverage.xml").write_text(f"round {len(rounds)}")  # every round writes it
        return int(ExitCode.OK if (tmp_path / "app.py").read_text() == "v1" else ExitCode.CHECK_FAILED)

    def save() -> None:
        (tmp_path / "app.py").write_text("v2 (a bug)")
    code = watch(tmp_path, run_once, said.append, sleep=_script(_nothing, _nothing, save, _nothing, _nothing))
    assert len(rounds) == 2, said
    assert code == ExitCode.CHECK_FAILED  # the last round's verdict
    assert any(line.startswith("changed: app.py;") for line in said), said


def test_a_save_made_while_a_round_runs_starts_another(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("v1")
    rounds: list[str] = []

    def run_once() -> int:
        (tmp_path / "coverage.xml").write_text(str(len(rounds)))
        if len(rounds) == 1:
            (tmp_path / "app.py").write_text("v3, saved while round 2 ran")
        rounds.append((tmp_path / "app.py").read_text())
        return int(ExitCode.OK)

    said: list[str] = []
    watch(tmp_path, run_once, said.append,
          sleep=_script(lambda: (tmp_path / "app.py").write_text("v2"), _nothing, _nothing))
    assert rounds == ["v1", "v3, saved while round 2 ran", "v3, saved while round 2 ran"], said
    assert any(line.startswith("changed while checking: app.py") for line in said), said


def test_ctrl_c_in_a_round_ends_the_watch(tmp_path: Path) -> None:
    def run_once() -> int:
        return int(ExitCode.INTERRUPTED)
    assert watch(tmp_path, run_once, lambda _: None, sleep=_script()) == ExitCode.INTERRUPTED
