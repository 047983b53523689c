"""The capstone graded in the jail with its lab's own limits: full marks for its reference,
prod.load.rps included (1000 req/s from the harness, outside the jail, to the submission's two
instances and their databases, inside it under the submission's CPU quota and log limit).

Graded with the harness's default limits, the reference lost the load check's points: its
request log passed 1 MB mid-load and the app was stopped; and under the default quota of one CPU
an app within the check's allowance (1.4 ms of CPU per request, 140% of a core) is throttled.
Under the default 512 MB of memory, on a slower machine, its instances used 1.4-1.7 ms of CPU per
request at 1000 req/s and missed it; under 1 GB, 0.87 ms, as outside the jail.
The lab's [grading] table raises all three; this test holds it to that.

Runs in the load phase (marker `load`), alone on the machine, as the load check needs. Where the
check is inconclusive (something took the CPU: it says who), the test is marked xfail with its
message: full marks were not shown on this machine that day, which a verdict must not hide.
Needs root (cgroups, network namespaces, a uid per submission), as `harness grade` does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.grading.support import grade, grading_alone
from tests.support.projects import materialize

pytestmark = [pytest.mark.slow, pytest.mark.load]

LAB = "backend/production"
LOAD = "prod.load.rps"


def test_the_capstones_reference_gets_full_marks_in_the_jail_load_check_included(tmp_path: Path) -> None:
    folder = tmp_path / "submissions"
    materialize("backend", "production", folder / "solved")
    with grading_alone():
        graded = grade(str(folder), "--lab", LAB, "--jobs", "1", "--seed", "7", out=tmp_path / "out")
    assert graded.code == 0, graded.explain()
    row = graded.gradebook()[0]
    results = json.loads((graded.out / "solved" / "results.json").read_text())
    load = next(t for t in results["tests"] if t["id"] == LOAD)
    # Only an inconclusive load check with every other check passed and no limit met: a limit
    # (the log, the quota) or a crash stays a failure of this test.
    inconclusive = load.get("harness_status") == "error" and str(load.get("message", "")).startswith("cannot check")
    if inconclusive and row["failed_checks"] == LOAD and row["verdict"].startswith("inconclusive on the grading"):
        pytest.xfail(f"{LOAD} was inconclusive in the jail today: {load.get('message', '')[:600]}")
    assert (row["score"], row["status"], row["verdict"]) == (row["max_score"], "pass", ""), \
        f"{row}\n{load.get('message', '')}\n{graded.explain()}"
