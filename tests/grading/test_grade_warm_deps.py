"""`harness grade --warm-deps`: the lab's starter installed once into a read-only set, copied to
each submission whose install inputs match, by the submission's own uid.

Read from the corpus grading (corpus_grading.py: the same lab, policy, HOME template and
--warm-deps, graded once per session), submissions graded in the order of their names:
- a-poisons-deps gets the copy and rewrites a dependency in it when it starts: its own app
  fails on it, which proves it could write its copy;
- b-changed-lockfile has another lockfile: its own install runs;
- c-linked-modules submits `node_modules` as a link to a folder outside: no copy, its own
  install runs, and nothing is written through the link;
- the reference, graded after a-poisons-deps had finished, gets a clean copy and the reference's
  full score: neither the store nor its copy was touched by the submission that poisoned its own.
And the store itself, warmed through the Grader: root's, no write bit, no setuid bit.

Needs root, as `harness grade` does.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from datetime import datetime
from pathlib import Path

import pytest

from harness.catalog import Catalog
from harness.grading.capabilities import probe
from harness.grading.policy import load_policy
from harness.grading.runner import Grader, GradeSettings
from tests.grading.corpus_grading import CHANGED_LOCKFILE, LINKED_MODULES, POISONS, Gradings
from tests.grading.expected import MAX
from tests.grading.lab_gradings import LabGradings
from tests.grading.support import CORPUS, LAB, POLICY, grade, grading_alone

pytestmark = pytest.mark.slow

COPIED = "copied from the lab's warmed dependencies"
# The python/week-11 grading of test_grade_languages (the same lab, week and defect: one grading).
PYTHON_11 = ("python/week-11", "week-11", "db.pool.bounded")


def _log(gradings: Gradings, name: str) -> str:
    return (gradings.whole.out / name / "grader.log").read_text(errors="replace")


def _rows(gradings: Gradings) -> dict[str, dict[str, str]]:
    return {r["submission"]: r for r in gradings.whole.gradebook()}


def test_a_matching_submission_gets_the_copy_and_its_grade(gradings: Gradings) -> None:
    graded = gradings.whole
    assert graded.code == 0, graded.explain()
    assert "warmed the lab's dependencies for its package-lock.json" in graded.stdout, graded.explain()
    rows = _rows(gradings)
    assert (float(rows["reference"]["score"]), rows["reference"]["status"]) == (MAX, "pass"), graded.explain()
    log = _log(gradings, "reference")
    assert f"install skipped: the dependencies for this package-lock.json were {COPIED}" in log, log
    assert "installing: npm ci" not in log
    summary = (graded.out / "reference" / "summary.txt").read_text()
    assert f"install skipped: {COPIED}" in summary
    assert json.loads((graded.out / "reference" / "verdict.json").read_text())["install"]["warm_copy"] is True


def test_a_submission_writing_into_its_copy_changes_only_its_own(gradings: Gradings) -> None:
    log = _log(gradings, POISONS)
    assert COPIED in log, log
    out = gradings.whole.out
    results = json.loads((out / POISONS / "results.json").read_text())
    assert "poisoned dependency" in json.dumps(results), "its start rewrote its own copy"
    # The reference copied the store after that, and passes: the store was not written.
    poisoned_by = (out / POISONS / "verdict.json").stat().st_mtime
    reference = json.loads((out / "reference" / "results.json").read_text())
    assert poisoned_by < datetime.fromisoformat(reference["started_at"]).timestamp(), "graded before the reference"
    rows = _rows(gradings)
    assert rows["reference"]["status"] == "pass"
    assert rows[POISONS]["status"] != "pass"


def test_a_changed_lockfile_installs(gradings: Gradings) -> None:
    log = _log(gradings, CHANGED_LOCKFILE)
    assert "installing: npm ci" in log and "install skipped" not in log, log
    assert "warmed dependencies are not used: its install inputs (package-lock.json" in log
    assert float(_rows(gradings)[CHANGED_LOCKFILE]["score"]) == MAX


def test_a_linked_node_modules_is_never_written_through(gradings: Gradings) -> None:
    log = _log(gradings, LINKED_MODULES)
    assert "install skipped" not in log and "it has its own node_modules" in log, log
    assert "installing: npm ci" in log
    assert sorted(p.name for p in gradings.outside.iterdir()) == gradings.outside_before == ["keep.txt"]
    assert (gradings.outside / "keep.txt").read_text() == "not the submission's\n"


def test_nothing_is_left_behind(gradings: Gradings) -> None:
    assert gradings.after == []


def test_the_store_is_read_only_and_root_owned(tmp_path: Path, warm_home: Path) -> None:
    if os.geteuid() != 0:
        pytest.fail("run this test as root")
    catalog = Catalog.load()
    lab = catalog.resolve(LAB, None)
    manifest = catalog.require_available(lab)
    policy = load_policy(POLICY, manifest, points=[], limits=[])
    settings = GradeSettings(lab=lab, manifest=manifest, policy=policy, out=tmp_path / "out", home_template=warm_home,
                             warm_from=lab.folder / "starter")
    said: list[str] = []
    with grading_alone(), Grader(settings, probe(settings.uid_range[0]), said.append) as grader:
        grader.warm_deps()
        assert grader.warm is not None, said
        store = Path(grader.warm.store)
        entries = [store, *store.rglob("*")]
        assert len(entries) > 100 and (store / "node_modules" / "pg" / "package.json").is_file()
        owners = {os.lstat(p).st_uid for p in entries} | {os.lstat(p).st_gid for p in entries}
        assert owners == {0}
        writable = [p for p in entries if not p.is_symlink() and os.lstat(p).st_mode & 0o222]
        special = [p for p in entries if not p.is_symlink() and os.lstat(p).st_mode & (stat.S_ISUID | stat.S_ISGID)]
        assert writable == [] and special == []
    assert not store.exists(), "removed with the grading's scratch folder"
    shutil.rmtree(tmp_path / "out", ignore_errors=True)


def test_a_virtualenv_is_copied_and_relocated(lab_gradings: LabGradings) -> None:
    """A venv names its folder in its scripts (.venv/bin/alembic's #!): the copy says its own.
    Warmed from a folder the instructor names: the week-11 reference's own base project. The
    grading is test_grade_languages' python/week-11 one, warmed from python/week-18's starter
    (lab_gradings.WARMED_FROM)."""
    if os.geteuid() != 0:
        pytest.fail("run this test as root")
    graded = lab_gradings.get(*PYTHON_11).graded
    assert graded.code == 0, graded.explain()
    row = {r["submission"]: r for r in graded.gradebook()}["solved"]
    assert (row["score"], row["status"]) == ("19", "pass"), graded.explain()
    log = (graded.out / "solved" / "grader.log").read_text(errors="replace")
    assert f"install skipped: the dependencies for this requirements-dev.txt and requirements.txt were {COPIED}" \
        in log, log
    assert "migrating (run 1 of 2): .venv/bin/alembic upgrade head" in log


def test_a_failed_warming_is_said_and_grading_goes_on(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.fail("run this test as root")
    source = tmp_path / "broken-starter"
    source.mkdir()
    (source / "harness.toml").write_text('track = "node"\n\n[app]\ninstall = "exit 3"\nstart = "node x.js"\n')
    folder = tmp_path / "submissions"
    shutil.copytree(CORPUS / "malformed-toml", folder / "malformed-toml")
    with grading_alone():
        graded = grade(str(folder), "--lab", LAB, "--seed", "7", "--warm-deps-from", str(source),
                       out=tmp_path / "out")
    assert graded.code == 0, graded.explain()
    assert ("warming the lab's dependencies failed, every submission installs its own: the install command "
            "failed with exit code 3: exit 3") in graded.stdout, graded.explain()
    assert [r["submission"] for r in graded.gradebook()] == ["malformed-toml"]
