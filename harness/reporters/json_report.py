"""results.json: Exercism's status rules, Gradescope's score fields; rewritten after every
check so that a crash or a kill still leaves the results so far."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from harness import __version__
from harness.outcomes import CheckResult, RunResult
from harness.reporters import Silent

SCHEMA_VERSION = 1


def to_json(result: RunResult) -> dict[str, Any]:
    done = {c.id for c in result.checks}
    return {
        "version": SCHEMA_VERSION,
        "harness": __version__,
        "lab": result.lab,
        "run_id": result.run_id,
        "seed": result.seed,
        "started_at": result.started_at,
        "status": result.status.value,
        "finished": result.finished,
        "interrupted": result.interrupted,
        "message": result.message,
        "fixes": result.fixes,
        "score": result.score,
        "max_score": result.max_score,
        "counts": result.counts(),
        "environment": result.environment,
        "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
        "tests": [c.to_json() for c in result.checks],
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
