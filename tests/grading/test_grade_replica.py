"""postgres/week-08 graded in the jail: the learner's setup-replica.sh and the standby it builds run
as the submission's own uid, in its jail, beside the harness's primary (the service account's).

The reference gets every point and a defect loses exactly its check's. Two hostile submissions
(tests/grading/replica_corpus) try to leave the jail: `escape` from its script and from the
commands its standby's configuration runs (restore_command, archive_command), `include-shadow`
by making its standby read /etc/shadow. Watched from outside while they are graded: every
process of a script or a standby runs as a submission uid, none as root or as a primary's
account, and the hooks really ran; nothing they tried is found outside, the grades say what
failed, and nothing is left behind; nor when the grading is stopped (Ctrl-C) or killed while a
standby runs.

Needs root (cgroups, network namespaces, a uid per submission), as `harness grade` does.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from harness.grading.cgroups import PREFIX
from harness.grading.workspace import DEFAULT_UIDS
from tests.grading.support import checks_of, grade, grading_alone, leftovers, looking, programs_and_uids
from tests.support.projects import ROOT, default_sigint, materialize

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "replica_corpus"
LAB = "postgres/week-08"
DEFECT = "pg.replica.visible"
HANG_S = 300.0  # only turns a hang into a failure: far above a grading of one submission
MARKERS = [Path(p) for p in ("/etc/harness-replica-pwned", "/root/harness-replica-pwned",
                             "/usr/local/harness-replica-pwned", "/var/tmp/harness-replica-pwned",
                             "/harness-replica-pwned")]


@dataclass
class Seen:
    """What the watcher saw of the grading's processes and the hooks' reports."""

    jailed: dict[str, set[int]] = field(default_factory=dict)  # script / standby / hook -> real uids
    primaries: set[int] = field(default_factory=set)           # real uids of the harness's primaries
    reports: dict[str, str] = field(default_factory=dict)      # escape-restore / escape-archive -> text


def _kind(cmdline: list[str]) -> str | None:
    """A graded learner's process (in a project's .harness/replica: `harness check` runs the script
    elsewhere): the script, a hook its standby ran, or the standby; or a primary of the harness's."""
    if len(cmdline) >= 2 and cmdline[0] == "/bin/sh" and "/.harness/replica/" in cmdline[1]:
        return "script" if cmdline[1].endswith("/setup-replica.sh") else "hook"
    if cmdline and cmdline[0].endswith("/postgres") and "-D" in cmdline:
        data = cmdline[cmdline.index("-D") + 1] if cmdline.index("-D") + 1 < len(cmdline) else ""
        if "/.harness/replica/" in data:
            return "standby"
        # The grading's own primaries keep their data in its scratch folder: the servers of the
        # tests running beside this one (other workers' labs, as root's test accounts) are not them.
        return "primary" if PREFIX in data else None
    return None


def _look(seen: Seen) -> None:
    for cmdline, uid in programs_and_uids():
        kind = _kind(cmdline)
        if kind == "primary":
            seen.primaries.add(uid)
        elif kind is not None:
            seen.jailed.setdefault(kind, set()).add(uid)
    for folder in {Path("/dev/shm"), Path(tempfile.gettempdir())}:
        for path in glob.glob(str(folder / f"{PREFIX}*" / "*" / "work" / "escape-*.txt")):
            try:
                seen.reports[Path(path).stem] = Path(path).read_text()
            except OSError:
                continue


@contextmanager
def watching() -> Iterator[Seen]:
    seen = Seen()
    with looking(lambda: _look(seen)):
        yield seen


@grading_alone()
def test_week_08_is_graded_in_the_jail_and_a_hostile_standby_stays_in_it(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.fail("harness grade isolates submissions with root's tools: run this test as root")
    folder = tmp_path / "submissions"
    materialize("postgres", "week-08", folder / "solved")
    materialize("postgres", "week-08", folder / "slipped", DEFECT)
    for name in ("escape", "include-shadow"):
        materialize("postgres", "week-08", folder / name)
        shutil.copy(CORPUS / name / "setup-replica.sh", folder / name / "setup-replica.sh")
    before = leftovers()
    with watching() as seen:
        graded = grade(str(folder), "--lab", LAB, "--jobs", "2", "--seed", "8", out=tmp_path / "out")
    after = leftovers(before)
    assert graded.code == 0, graded.explain()
    rows = {r["submission"]: (r["score"], r["status"], r["failed_checks"], r["verdict"]) for r in graded.gradebook()}
    assert rows == {
        "solved": ("10", "pass", "", ""),
        "slipped": ("8", "fail", DEFECT, ""),
        # Streams as "walreceiver": its one failure, whatever its hooks tried.
        "escape": ("8", "fail", "pg.replica.streaming", ""),
        "include-shadow": ("0", "fail", "pg.replica.streaming", ""),
    }, graded.explain()

    # Who ran what: the learner's script, standby and hooks as submission uids only; the
    # primaries as accounts of their own.
    low, high = DEFAULT_UIDS
    assert set(seen.jailed) >= {"script", "standby"}, seen
    learners = set().union(*seen.jailed.values())
    assert all(low <= uid <= high for uid in learners), seen
    assert seen.primaries and not seen.primaries & learners and 0 not in seen.primaries, seen

    # The escape's attempts, from the script (the grade shows them) and from its standby's hooks.
    streaming = checks_of(graded.out, "escape")["pg.replica.streaming"]
    evidence = str(streaming.get("evidence") or "")
    for marker in MARKERS:
        assert f"write {marker}: denied" in evidence, evidence
    assert "read /etc/shadow: denied" in evidence and "list /root: denied" in evidence, evidence
    restore = seen.reports.get("escape-restore", "")
    assert restore.startswith("uid "), seen.reports  # the standby ran its restore_command
    uid = int(restore.split()[1])
    assert low <= uid <= high, restore
    for report in seen.reports.values():
        assert "WROTE" not in report and "READ" not in report.replace("read /etc/shadow: denied", ""), report
    for marker in MARKERS:
        assert not marker.exists(), f"{marker} was written"

    # The standby that would read /etc/shadow: refused by its own account, and the grade says so.
    refused = checks_of(graded.out, "include-shadow")["pg.replica.streaming"]
    text = f"{refused.get('message')}\n{refused.get('evidence')}"
    assert "the standby did not start" in text and '"/etc/shadow": Permission denied' in text, text

    assert after == [], after


def _standbys() -> list[tuple[psutil.Process, Path]]:
    """The standby's processes and their folders, read from the command line seen when found: a
    child the postmaster has just forked still shows the postmaster's, then renames itself."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            cmdline = proc.info["cmdline"] or []
            if _kind(cmdline) == "standby":
                found.append((proc, Path(cmdline[cmdline.index("-D") + 1]).parent))
        except psutil.NoSuchProcess:
            continue
    return found


@grading_alone()
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_a_grading_stopped_while_a_standby_runs_leaves_nothing(tmp_path: Path, how: signal.Signals) -> None:
    if os.geteuid() != 0:
        pytest.fail("harness grade isolates submissions with root's tools: run this test as root")
    folder = tmp_path / "submissions"
    materialize("postgres", "week-08", folder / "solved")
    before = leftovers()
    argv = [sys.executable, "-m", "harness.cli", "grade", str(folder), "--lab", LAB, "--out", str(tmp_path / "out")]
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "NO_COLOR": "1"}, preexec_fn=default_sigint)
    try:
        deadline = time.monotonic() + HANG_S  # (a bound on the whole test: only turns a hang into a failure)
        while not (standbys := _standbys()):
            assert proc.poll() is None, "the grading ended before a standby was seen"
            assert time.monotonic() < deadline, f"no standby within {HANG_S:.0f} s"
            time.sleep(0.05)
        folders = [folder for _, folder in standbys]
        proc.send_signal(how)
        proc.wait(timeout=HANG_S)
        for standby, _ in standbys:
            standby.wait(timeout=HANG_S)  # gone and reaped: a zombie would still be waited for
        # A killed grader's cleanup sidecar removes its folders after it died: waited for.
        while any(f.exists() for f in folders):
            assert time.monotonic() < deadline, f"{folders} not removed within {HANG_S:.0f} s"
            time.sleep(0.1)
        assert leftovers(before) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
