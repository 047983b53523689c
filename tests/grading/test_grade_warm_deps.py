"""`harness grade --warm-deps`: the lab's starter installed once into a read-only set, copied to
each submission whose install inputs match, by the submission's own uid.

One grading, one submission at a time (so the order below is the order they run in):
- a-poisons-deps gets the copy and rewrites a dependency in it when it starts: its own app
  fails on it, which proves it could write its copy;
- b-changed-lockfile has another lockfile: its own install runs;
- c-linked-modules submits `node_modules` as a link to a folder outside: no copy, its own
  install runs, and nothing is written through the link;
- z-reference, graded after all of them, gets a clean copy and the reference's full score:
  neither the store nor its copy was touched by the submission that poisoned its own.
And the store itself, warmed through the Grader: root's, no write bit, no setuid bit.

Needs root, as `harness grade` does.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.catalog import Catalog
from harness.grading.capabilities import probe
from harness.grading.policy import load_policy
from harness.grading.runner import Grader, GradeSettings
from tests.grading.expected import MAX
from tests.grading.support import CORPUS, LAB, POLICY, Graded, grade, grading_alone, home_template, leftovers
from tests.support.projects import materialize

pytestmark = pytest.mark.slow

POISON = "throw new Error('poisoned dependency')"
COPIED = "copied from the lab's warmed dependencies"


def _poisoning(target: Path) -> None:
    materialize("node", "week-18", target)
    # Its start command rewrites a dependency of its copy, then starts the app, which loads it.
    (target / "scripts" / "poison.sh").write_text(
        f"printf '%s\\n' \"{POISON}\" > node_modules/pg/lib/index.js\nexec node src/server.js\n")
    config = target / "harness.toml"
    config.write_text(config.read_text().replace('start = "node src/server.js"', 'start = "sh scripts/poison.sh"'))


def _changed_lockfile(target: Path) -> None:
    materialize("node", "week-18", target)
    lock = target / "package-lock.json"
    lock.write_text(json.dumps(json.loads(lock.read_text()), indent=1) + "\n")  # same packages, other bytes


def _linked_modules(target: Path, outside: Path) -> None:
    materialize("node", "week-18", target)
    (target / "node_modules").symlink_to(outside)


@dataclass
class Warmed:
    graded: Graded
    outside: Path
    outside_before: list[str]
    left: list[str]


@pytest.fixture(scope="module")
def warmed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warmed]:
    if os.geteuid() != 0:
        pytest.fail("harness grade isolates submissions with root's tools: run this test as root")
    root = tmp_path_factory.mktemp("warm")
    home = home_template(root / "home")
    outside = root / "outside-modules"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the submission's\n")
    os.chmod(root, 0o755)
    folder = root / "submissions"
    _poisoning(folder / "a-poisons-deps")
    _changed_lockfile(folder / "b-changed-lockfile")
    _linked_modules(folder / "c-linked-modules", outside)
    materialize("node", "week-18", folder / "z-reference")
    with grading_alone():
        before = leftovers()
        graded = grade(str(folder), "--lab", LAB, "--weights", str(POLICY), "--home-template", str(home),
                       "--seed", "18", "--jobs", "1", "--warm-deps", out=root / "out")
        left = leftovers(before)
    yield Warmed(graded, outside, sorted(p.name for p in outside.iterdir()), left)


def _log(warmed: Warmed, name: str) -> str:
    return (warmed.graded.out / name / "grader.log").read_text(errors="replace")


def test_a_matching_submission_gets_the_copy_and_its_grade(warmed: Warmed) -> None:
    graded = warmed.graded
    assert graded.code == 0, graded.explain()
    assert "warmed the lab's dependencies for its package-lock.json" in graded.stdout, graded.explain()
    rows = {r["submission"]: r for r in graded.gradebook()}
    assert (float(rows["z-reference"]["score"]), rows["z-reference"]["status"]) == (MAX, "pass"), graded.explain()
    log = _log(warmed, "z-reference")
    assert f"install skipped: the dependencies for this package-lock.json were {COPIED}" in log, log
    assert "installing: npm ci" not in log
    summary = (graded.out / "z-reference" / "summary.txt").read_text()
    assert f"install skipped: {COPIED}" in summary
    assert json.loads((graded.out / "z-reference" / "verdict.json").read_text())["install"]["warm_copy"] is True


def test_a_submission_writing_into_its_copy_changes_only_its_own(warmed: Warmed) -> None:
    log = _log(warmed, "a-poisons-deps")
    assert COPIED in log, log
    results = json.loads((warmed.graded.out / "a-poisons-deps" / "results.json").read_text())
    assert "poisoned dependency" in json.dumps(results), "its start rewrote its own copy"
    # z-reference copied the store after that, and passes: the store was not written.
    rows = {r["submission"]: r for r in warmed.graded.gradebook()}
    assert rows["z-reference"]["status"] == "pass"
    assert rows["a-poisons-deps"]["status"] != "pass"


def test_a_changed_lockfile_installs(warmed: Warmed) -> None:
    log = _log(warmed, "b-changed-lockfile")
    assert "installing: npm ci" in log and "install skipped" not in log, log
    assert "warmed dependencies are not used: its install inputs (package-lock.json" in log
    rows = {r["submission"]: r for r in warmed.graded.gradebook()}
    assert float(rows["b-changed-lockfile"]["score"]) == MAX


def test_a_linked_node_modules_is_never_written_through(warmed: Warmed) -> None:
    log = _log(warmed, "c-linked-modules")
    assert "install skipped" not in log and "it has its own node_modules" in log, log
    assert "installing: npm ci" in log
    assert sorted(p.name for p in warmed.outside.iterdir()) == warmed.outside_before == ["keep.txt"]
    assert (warmed.outside / "keep.txt").read_text() == "not the submission's\n"


def test_nothing_is_left_behind(warmed: Warmed) -> None:
    assert warmed.left == []


def test_the_store_is_read_only_and_root_owned(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.fail("run this test as root")
    catalog = Catalog.load()
    lab = catalog.resolve(LAB, None)
    manifest = catalog.require_available(lab)
    policy = load_policy(POLICY, manifest, points=[], limits=[])
    home = home_template(tmp_path / "home")
    settings = GradeSettings(lab=lab, manifest=manifest, policy=policy, out=tmp_path / "out", home_template=home,
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


def test_a_virtualenv_is_copied_and_relocated(tmp_path: Path) -> None:
    """A venv names its folder in its scripts (.venv/bin/alembic's #!): the copy says its own.
    Warmed from a folder the instructor names: the week-11 reference's own base project."""
    if os.geteuid() != 0:
        pytest.fail("run this test as root")
    folder = tmp_path / "submissions"
    materialize("python", "week-11", folder / "solved")
    base = Catalog.load().resolve("python/week-18", None).folder / "starter"
    with grading_alone():
        graded = grade(str(folder), "--lab", "python/week-11", "--seed", "7", "--warm-deps-from", str(base),
                       out=tmp_path / "out")
    assert graded.code == 0, graded.explain()
    row = graded.gradebook()[0]
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
