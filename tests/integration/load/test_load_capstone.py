"""The capstone's headline item on the machine the project is graded on: prod.load.rps on the
reference, five rounds in a row on one app (`check --repeat 5`), passes at least four times
and is never a failure; the slow-endpoint defect fails every round.

Runs in the load phase (marker `load`, this folder), alone on the machine. A round that is
inconclusive says who took the CPU (harness/load/blame.py): the test prints each round's
figures when it fails. The rate is the lab's 1000 req/s where the run may use 2 cores or more
(500 per core below that: a run pinned to fewer CPUs, or held to a CPU quota, gets less).

The rounds that do not pass must be inconclusive, never failures: the check puts a miss down to
the app only when the app's own processes used more CPU per request than its allowance. When
fewer than four rounds pass and every other one is inconclusive (the machine, or something
outside the run, could not give the app the CPU the rate needs), the test is marked xfail with
the rounds (an inconclusive round is an `error`, the check's CannotCheck: it names who took the
CPU in its message): the acceptance was not shown on this machine that day, and the log says so, rather
than a verdict that depends on how fast the machine is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.load.allotment import usable_cores
from tests.support.projects import Run, harness, materialize

CHECK = "prod.load.rps"
ROUNDS = 5
# The defect misses by far (about 100 of 1000 req/s, p95 in seconds: its README); test_labs
# proves it once at the full duration. Two more short rounds show it is every round, not once.
DEFECT_ROUNDS = 2
RATE_PER_CORE = 500
DEFECT_DURATION = "5s"
_CHANGED = re.compile(rf"^{re.escape(CHECK)}: (\w+) in round 1, (\w+) in round (\d+)")


def _rate() -> str:
    return f"{min(1000, round(RATE_PER_CORE * usable_cores())):g}"


def _check(project: Path, rounds: int, *params: str) -> Run:
    return harness("check", "backend/production", "--project", str(project), "--services", "local",
                   "--only", CHECK, "--repeat", str(rounds), "--param", f"{CHECK}.rate={_rate()}", *params,
                   timeout=900)


def round_verdicts(run: Run, rounds: int) -> list[str]:
    """Each round's verdict: the first round's, and each later one as --repeat records a change."""
    first = run.statuses()[CHECK]
    verdicts = [first] * rounds
    assert run.results is not None
    for line in run.results.get("unstable") or []:
        found = _CHANGED.match(line)
        assert found is not None and found.group(1) == first, f"unexpected --repeat record: {line}"
        verdicts[int(found.group(3)) - 1] = found.group(2)
    return verdicts


def _not_alone(run: Run) -> str:
    """Whether the rounds that did not pass put it down to work outside the run (the acceptance
    assumes the machine to itself: the load phase of scripts/test runs nothing else)."""
    assert run.results is not None
    reasons = [str(t.get("message") or "") for t in run.results["tests"] if t.get("harness_status") != "pass"]
    for line in run.results.get("unstable") or []:
        found = _CHANGED.match(line)
        if found is None or found.group(2) != "pass":
            reasons.append(line)
    outside = sum("outside this run" in reason for reason in reasons)
    return f" ({outside} of the {len(reasons)} reasons recorded name work outside this run)" if reasons else ""


def test_the_reference_holds_the_rate_round_after_round_and_the_slow_endpoint_never_does(tmp_path: Path) -> None:
    reference = _check(materialize("backend", "production", tmp_path / "reference"), ROUNDS)
    verdicts = round_verdicts(reference, ROUNDS)
    print(f"reference, {ROUNDS} rounds at {_rate()} req/s: {verdicts}")  # in the log, kept with -s or on failure
    assert "fail" not in verdicts, \
        f"rounds: {verdicts}{_not_alone(reference)}\n{reference.explain()}"

    defect = _check(materialize("backend", "production", tmp_path / "defect", CHECK), DEFECT_ROUNDS,
                    "--param", f"{CHECK}.duration={DEFECT_DURATION}")
    assert round_verdicts(defect, DEFECT_ROUNDS) == ["fail"] * DEFECT_ROUNDS, defect.explain()
    if verdicts.count("pass") < ROUNDS - 1:
        pytest.xfail(f"{verdicts.count('pass')} of {ROUNDS} rounds passed at {_rate()} req/s, the others "
                     f"inconclusive{_not_alone(reference)}: this machine did not carry the rate today")
