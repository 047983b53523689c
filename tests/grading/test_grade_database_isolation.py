"""Each submission's PostgreSQL runs as a uid of its own, in the submission's cgroups.

Two copies of the week-18 reference graded side by side, watched from outside while they
run: every server process of a submission has one uid, which is neither its app's nor the
other submission's server's, and sits in the submission's `run/db` group; its data folder is
that uid's alone. One of the two servers is then killed from outside (root, as nothing a
submission can do): that submission is a grader error to regrade, naming the stop, and its
neighbour is graded as if nothing happened. Nothing is left behind.

Needs root, as `harness grade` does.
"""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from tests.grading.expected import MAX
from tests.grading.support import LAB, POLICY, Graded, grade, grading_alone, leftovers
from tests.support.projects import materialize

pytestmark = pytest.mark.slow

# A range of its own inside the grader's default one (so `leftovers` counts it): every
# process with one of these uids is this test's grading.
UIDS = (1_799_000, 1_799_999)
PF_EXITING = 0x4
NAMES = ("honest", "victim")  # graded in slots 0000 and 0001 (sorted)
_LEAF = re.compile(r":memory:.*/(\d{4})/(run/db|run/app|install|harness)$", re.MULTILINE)


@dataclass
class Seen:
    uids: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))  # (slot, leaf)
    data_dirs: dict[str, tuple[int, int]] = field(default_factory=dict)  # slot -> (owner uid, mode)
    outside: list[str] = field(default_factory=list)  # a submission uid outside its cgroups
    killed: int | None = None


def _postmaster_data(proc: psutil.Process) -> str | None:
    cmdline = proc.cmdline()
    if cmdline and cmdline[0].endswith("/postgres") and "-D" in cmdline:
        return cmdline[cmdline.index("-D") + 1]
    return None


def _exiting(pid: int) -> bool:
    """PF_EXITING in /proc/<pid>/stat's flags, or gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return True
    return fields[0] in ("Z", "X") or bool(int(fields[6]) & PF_EXITING)


def _first_check_done(out: Path) -> bool:
    try:
        return bool(json.loads((out / "victim" / "results.json").read_text()).get("tests"))
    except (OSError, ValueError):
        return False


def _watch(seen: Seen, out: Path, stop: threading.Event) -> None:
    own = Path("/proc/self/cgroup").read_text()
    while not stop.wait(0.1):
        for proc in psutil.process_iter():
            try:
                uid = proc.uids().real
                if not UIDS[0] <= uid <= UIDS[1]:
                    continue
                groups = Path(f"/proc/{proc.pid}/cgroup").read_text()
                match = _LEAF.search(groups)
                if match is None:
                    # A process on its way out has left its groups; the grader's own `kill -1`
                    # as the uid (it ends whatever the uid left) runs in the grader's group, ours.
                    if not _exiting(proc.pid) and groups != own:
                        seen.outside.append(f"{proc.pid} ({uid}): {' '.join(proc.cmdline())[:100]} in {groups}")
                    continue
                slot, leaf = match.groups()
                seen.uids[(slot, leaf)].add(uid)
                data = _postmaster_data(proc) if leaf == "run/db" else None
                if data is not None:
                    st = os.stat(data)
                    seen.data_dirs[slot] = (st.st_uid, stat.S_IMODE(st.st_mode))
                    if slot == "0001" and seen.killed is None and _first_check_done(out):
                        os.kill(proc.pid, signal.SIGKILL)
                        seen.killed = proc.pid
            except (psutil.Error, OSError, ValueError):
                continue


@dataclass
class Run:
    graded: Graded
    seen: Seen
    after: list[str]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, warm_home: Path) -> Iterator[Run]:
    if os.geteuid() != 0:
        pytest.fail("harness grade isolates submissions with root's tools: run this test as root")
    root = tmp_path_factory.mktemp("db-isolation")
    for name in NAMES:
        materialize("node", "week-18", root / "submissions" / name)
    seen, stop = Seen(), threading.Event()
    with grading_alone():
        before = leftovers()
        watcher = threading.Thread(target=_watch, args=(seen, root / "out", stop), daemon=True)
        watcher.start()
        try:
            graded = grade(str(root / "submissions"), "--lab", LAB, "--weights", str(POLICY), "--home-template",
                           str(warm_home), "--seed", "18", "--jobs", "2", "--uid-range", f"{UIDS[0]}-{UIDS[1]}",
                           out=root / "out")
        finally:
            stop.set()
            watcher.join(5)
        after = leftovers(before)
    yield Run(graded, seen, after)


def test_each_database_runs_as_its_own_uid_in_its_submissions_cgroup(run: Run) -> None:
    uids = run.seen.uids
    assert run.seen.outside == [], f"every process of a submission uid is in its submission's cgroups: {run.seen}"
    for slot in ("0000", "0001"):
        db, app = uids[(slot, "run/db")], uids[(slot, "run/app")]
        assert len(db) == 1 and len(app) == 1, (slot, dict(uids))
        assert db != app, "its database's uid is not its app's"
        assert run.seen.data_dirs[slot] == (next(iter(db)), 0o700), "its data folder is its database's alone"
    assert uids[("0000", "run/db")] != uids[("0001", "run/db")], "no two submissions share a database uid"
    assert not uids[("0000", "run/db")] & (uids[("0001", "run/app")] | uids[("0001", "install")])


def test_a_database_stopped_from_outside_is_a_grader_error_and_its_neighbour_is_unaffected(run: Run) -> None:
    assert run.seen.killed is not None, "the victim's database was seen running after its first check"
    rows = {r["submission"]: (float(r["score"]), r["status"], r["verdict"]) for r in run.graded.gradebook()}
    assert rows["honest"] == (MAX, "pass", ""), run.graded.explain()
    assert rows["victim"][1:] == ("error", "grader error: the database server stopped (the server was killed by "
                                           "signal 9)"), run.graded.explain()
    assert "grade again: victim: the database server stopped" in run.graded.stderr
    assert run.graded.code == 3, "a grader error is the grader's exit code, for the instructor to regrade"


def test_nothing_is_left_behind(run: Run) -> None:
    assert run.after == []
