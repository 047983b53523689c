"""postgres/week-15 graded in the jail: node1, node2 and the learner's three scripts run as the
submission's own uid, in one jail of its own (validators/postgres/failover_jail.py); the harness
only connects to them. (The reference in full and a defect losing exactly its check's points:
test_grade_languages.py's CASES.)

Four hostile submissions (tests/grading/failover_corpus), each a reference with one script
replaced: `escape` tries files outside its jail, the machine's secrets and every process it can
see; `links` replaces node1's folder and the log the harness reads with links to what only root
reads; `lingers` leaves processes behind (one out of its process group) and runs past its
budget; `kill-all` signals every process it may. Watched from outside while they are graded:
every script and server runs as a submission uid, never as root; each grade says what failed,
nothing they tried is found outside, and nothing is left behind (processes, whose ports go with
them and with the worker's network namespace; folders; cgroups).

Needs root (cgroups, network namespaces, a uid per submission), as `harness grade` does.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.grading.workspace import DEFAULT_UIDS
from tests.grading.support import checks_of, grade, grading_alone, leftovers, looking, programs_and_uids
from tests.support.projects import materialize

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parent / "failover_corpus"
LAB = "postgres/week-15"
SCRATCH = "/.harness/ha/"
MARKERS = [Path(p) for p in ("/etc/harness-ha-pwned", "/root/harness-ha-pwned", "/usr/local/harness-ha-pwned",
                             "/var/tmp/harness-ha-pwned", "/harness-ha-pwned")]
DECOY = Path("/root/harness-ha-decoy")  # in the folder `links` points node1's folder at


def _kind(cmdline: list[str]) -> str | None:
    """A process of the scenario's jail: a script (the driver, a command, a learner's script) or a
    server (a postmaster, by its folder; its children rename themselves)."""
    if len(cmdline) >= 2 and cmdline[0] == "/bin/sh" and SCRATCH in cmdline[1]:
        return "script"
    if cmdline and cmdline[0].endswith("/postgres") and "-D" in cmdline[:-1] and \
            SCRATCH in cmdline[cmdline.index("-D") + 1]:
        return "server"
    return None


def _look(seen: dict[str, set[int]]) -> None:
    for cmdline, uid in programs_and_uids():
        kind = _kind(cmdline)
        if kind is not None:
            seen.setdefault(kind, set()).add(uid)


@contextmanager
def watching() -> Iterator[dict[str, set[int]]]:
    """The real uids of the scenario's scripts and servers, seen while the grading runs."""
    seen: dict[str, set[int]] = {}
    with looking(lambda: _look(seen)):
        yield seen


@grading_alone()
def test_week_15_hostile_scripts_stay_in_their_jail(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.fail("harness grade isolates submissions with root's tools: run this test as root")
    folder = tmp_path / "submissions"
    for name in ("escape", "links", "lingers", "kill-all"):
        materialize("postgres", "week-15", folder / name)
        for script in (CORPUS / name).iterdir():
            shutil.copy(script, folder / name / script.name)
    DECOY.write_text("root's own")
    shadow = Path("/etc/shadow").read_text().splitlines()[0]
    before = leftovers()
    try:
        with watching() as seen:
            graded = grade(str(folder), "--lab", LAB, "--jobs", "2", "--seed", "15", out=tmp_path / "out")
        after = leftovers(before)
        assert DECOY.read_text() == "root's own"
    finally:
        DECOY.unlink(missing_ok=True)
    assert graded.code == 0, graded.explain()
    rows = {r["submission"]: (r["score"], r["status"], r["failed_checks"], r["verdict"]) for r in graded.gradebook()}
    assert rows == {
        "escape": ("8", "fail", "pg.ha.promoted", ""),
        "links": ("8", "fail", "pg.ha.rejoined", ""),
        "lingers": ("8", "fail", "pg.ha.promoted", ""),
        "kill-all": ("0", "fail", "pg.ha.promoted pg.ha.no_lost_commits", ""),
    }, graded.explain()

    # Who ran what: the scripts and the servers as submission uids only.
    low, high = DEFAULT_UIDS
    assert set(seen) == {"script", "server"}, seen
    assert all(low <= uid <= high for uid in set().union(*seen.values())), seen

    # escape: its attempts, as its failure shows them; none found outside.
    promoted = checks_of(graded.out, "escape")["pg.ha.promoted"]
    evidence = str(promoted.get("evidence") or "")
    assert "failover.sh exited with code 3" in str(promoted.get("message")), promoted
    for marker in MARKERS:
        assert f"write {marker}: denied" in evidence, evidence
        assert not marker.exists(), f"{marker} was written"
    assert "read /etc/shadow: denied" in evidence and "list /root: denied" in evidence, evidence
    assert "0 of another uid, 0 of another uid signalled" in evidence, evidence

    # links: node1's files were replaced; nothing of what the links name was read or removed.
    rejoined = checks_of(graded.out, "links")["pg.ha.rejoined"]
    assert "replaced node1's files instead of rewinding them" in str(rejoined.get("message")), rejoined
    texts = "".join(path.read_text() for path in graded.out.rglob("*") if path.is_file() and path.suffix in
                    (".json", ".txt", ".xml", ".log", ".csv", ".html"))
    assert shadow not in texts

    # lingers: stopped at the end of its budget; what it left running went with the jail.
    assert "did not finish within 60 s" in str(checks_of(graded.out, "lingers")["pg.ha.promoted"].get("message"))

    # kill-all: it ended its own jail; the harness says so and goes on.
    gone = checks_of(graded.out, "kill-all")
    assert "did not report back" in str(gone["pg.ha.promoted"].get("message")), gone["pg.ha.promoted"]
    for skipped in ("pg.ha.client_resumes", "pg.ha.rejoined"):
        assert "node2 never became a primary" in str(gone[skipped].get("message")), gone[skipped]

    assert after == [], after
