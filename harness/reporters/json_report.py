"""results.json: Exercism's test-runner interface, version 3 (`version`, `status`, `message`,
`tests` with `name`, `status`, `message`, `test_code`), with the harness's own fields beside
them under keys of their own (docs/results.md lists both); rewritten after every check so that
a crash or a kill still leaves the results so far."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness import __version__
from harness.outcomes import CheckResult, RunResult, Status
from harness.reporters import Silent

# Exercism's interface version: 3 is per-test results (version 1 meant none at all).
EXERCISM_VERSION = 3
# The harness's own fields. 1: the format before it followed Exercism's (a `version` of 1,
# `skip` as a test's status, the run's problem in `message` whatever the status).
FORMAT = 2


def test_to_json(check: CheckResult, lab: str) -> dict[str, Any]:
    """One entry of `tests`: Exercism's fields, then the harness's (`harness_status` keeps `skip`)."""
    data = check.to_json()
    data["harness_status"] = check.status.value
    if check.status is Status.SKIP:
        # Exercism has pass, fail and error only. A check that does not apply is no failure
        # and scores 0 of 0: `pass`, with the reason in `message` and `skip` in harness_status.
        data["status"] = Status.PASS.value
    elif check.status in (Status.FAIL, Status.ERROR) and not check.message:
        data["message"] = "failed" if check.status is Status.FAIL else "could not conclude"
    # What reproduces the test: the request or command the check sent, else the check alone.
    data["test_code"] = check.reproduce or f"harness check {lab} --only {check.id}"
    return data


def harness_status(test: Mapping[str, Any]) -> str:
    """A test's pass/fail/error/skip, in this format or the one before it."""
    return str(test.get("harness_status") or test.get("status") or "error")


def run_message(results: Mapping[str, Any]) -> str | None:
    """Why the run stopped short, in this format or the one before it (whatever the status:
    Exercism's `message` is set only when nothing ran)."""
    value = results.get("run_message", results.get("message"))
    return str(value) if value else None


def _exercism_message(result: RunResult) -> str | None:
    """Exercism's top-level message: required when the status is error, null otherwise."""
    if result.status is not Status.ERROR:
        return None
    if result.message:
        return result.message
    first = next((c.message for c in result.checks if c.message), None)
    return f"no check could conclude: {first}" if first else "no check could conclude"


def to_json(result: RunResult) -> dict[str, Any]:
    done = {c.id for c in result.checks}
    return {
        "version": EXERCISM_VERSION,
        "status": result.status.value,
        "message": _exercism_message(result),
        "tests": [test_to_json(c, result.lab) for c in result.checks],
        "format": FORMAT,
        "harness": __version__,
        "lab": result.lab,
        "run_id": result.run_id,
        "seed": result.seed,
        "started_at": result.started_at,
        "finished": result.finished,
        "interrupted": result.interrupted,
        "run_message": result.message,
        "fixes": result.fixes,
        "score": result.score,
        "max_score": result.max_score,
        "counts": result.counts(),
        "environment": result.environment,
        "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
        "not_run": [{"id": cid, "name": title, "max_score": points}
                    for cid, title, points in result.planned if cid not in done],
        "app_log_tail": result.app_log_tail,
        "unstable": result.unstable,
    }


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class JsonReporter(Silent):
    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, result: RunResult) -> None:
        write_atomically(self.path, json.dumps(to_json(result), indent=2) + "\n")

    def run_started(self, result: RunResult) -> None:
        self.write(result)

    def check_finished(self, check: CheckResult, result: RunResult) -> None:
        self.write(result)

    def run_finished(self, result: RunResult) -> None:
        self.write(result)
