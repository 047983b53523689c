"""A submission's report folder: results.json and junit.xml (as `harness check` writes them),
summary.txt for people, gradescope.json, and results for a submission that never ran."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.catalog import Lab, LabManifest
from harness.config import AppConfig, ProjectConfig
from harness.durations import format_duration
from harness.grading.gradescope import to_gradescope
from harness.grading.verdicts import Verdict
from harness.limits import Limits
from harness.outcomes import RunResult
from harness.reporters.json_report import JsonReporter, harness_status, run_message, write_atomically
from harness.reporters.junit import JunitReporter
from harness.runner.execute import not_run
from harness.runner.session import CheckRequest, plan

_MARKS = {"pass": "✓", "fail": "✗", "error": "!", "skip": "-"}


def not_graded(lab: Lab, manifest: LabManifest, points: Mapping[str, float], *, workdir: Path, seed: int,
               run_id: str, reason: str) -> RunResult:
    """Every check planned, none run: the submission never got as far as its app."""
    placeholder = ProjectConfig(root=workdir, track=lab.track, app=AppConfig(start="true"))
    request = CheckRequest(lab=lab, manifest=manifest, project=placeholder, workdir=workdir, seed=seed,
                           run_id=run_id, points=points)
    planned = plan(request)
    result = RunResult(lab=lab.id, run_id=run_id, seed=seed, started_at="",
                       planned=[(p.spec.id, p.spec.title, p.points) for p in planned])
    result.message = reason
    result.checks = [not_run(p, reason) for p in planned]
    result.finished = True
    return result


def write_results(out: Path, result: RunResult) -> None:
    for writer in (JsonReporter(out / "results.json"), JunitReporter(out / "junit.xml")):
        writer.run_finished(result)


def with_limits(usage: Mapping[str, Mapping[str, float]], limits: Limits | None) -> dict[str, dict[str, float]]:
    """Each phase's usage with its limits beside it, for verdict.json: how close a submission
    came (a passing one too) tells whether the lab's defaults fit it."""
    table = {phase: dict(used) for phase, used in usage.items()}
    if limits is None:
        return table
    for phase, used in table.items():
        if phase in ("install", "run"):
            used["cpu_limit_s"] = limits.install_cpu_time_s if phase == "install" else limits.cpu_time_s
            memory = limits.install_memory_bytes if phase == "install" else limits.memory_bytes
            used["memory_limit_mb"] = round(memory / 2**20, 1)
        elif phase == "db":  # the submission's database: its CPU counts in the run's limit
            used["memory_limit_mb"] = round(limits.services_memory_bytes / 2**20, 1)
    return table


def _usage_line(phase: str, used: Mapping[str, float]) -> str:
    cpu = format_duration(used.get("cpu_s", 0.0))
    memory = f"{used.get('memory_peak_mb', 0):g} MB"
    if "cpu_limit_s" in used:
        cpu += f" of {format_duration(used['cpu_limit_s'])}"
    elif phase == "db":
        cpu += " (counted in the run's)"
    if "memory_limit_mb" in used:
        memory += f" of {used['memory_limit_mb']:g} MB"
    return f"{phase}: CPU time {cpu}, peak memory {memory}"


def install_line(install: Mapping[str, Any] | None) -> str | None:
    """How the dependencies got there, when the lab's were warmed (--warm-deps)."""
    if not install:
        return None
    if install.get("warm_copy"):
        return (f"install skipped: copied from the lab's warmed dependencies in "
                f"{format_duration(float(install.get('seconds', 0.0)))}")
    return f"install ran: the lab's warmed dependencies were not used ({install.get('reason')})"


def summary(name: str, results: Mapping[str, Any], verdict: Verdict, duration_s: float,
            usage: Mapping[str, Mapping[str, float]] | None = None, limits: Limits | None = None,
            install: Mapping[str, Any] | None = None, reruns: Sequence[Mapping[str, Any]] | None = None) -> str:
    lines = [f"{name} · {results.get('lab')}",
             f"score {results.get('score', 0):g}/{results.get('max_score', 0):g} · {results.get('status')}"
             + (f" · verdict: {verdict.text}" if verdict.text else ""),]
    lines += [f"also: {also}" for also in verdict.also]
    wall = f" of {format_duration(limits.wall_time_s)} (wall clock)" if limits is not None else ""
    lines.append(f"seed {results.get('seed')} · run {results.get('run_id')} · {format_duration(duration_s)}{wall}")
    if install_line(install):
        lines.append(str(install_line(install)))
    for phase, used in with_limits(usage or {}, limits).items():
        if not any(used.get(key) for key in ("cpu_s", "memory_peak_mb")):
            continue  # a phase that never ran (no install command)
        lines.append(_usage_line(phase, used))
    # A load check the batch made inconclusive, graded again alone (rerun.py): both runs' figures.
    lines += [f"graded again alone: {rerun['line']}" for rerun in reruns or ()]
    lines.append("")
    tests = list(results.get("tests", []))
    tests += [{"id": t["id"], "name": t["name"], "status": "error", "score": 0, "max_score": t["max_score"],
               "message": "not run"} for t in results.get("not_run", [])]
    for test in tests:
        hidden = " [hidden]" if test.get("visibility") == "hidden" else ""
        lines.append(f"  {_MARKS.get(harness_status(test), '?')} {test['id']:<32} "
                     f"{test.get('score', 0):g}/{test.get('max_score', 0):g}{hidden}  {test.get('name', '')}")
        if harness_status(test) != "pass" and test.get("message"):
            lines.append(textwrap.indent(str(test["message"]), "      "))
            for key in ("expected", "actual", "hint"):
                if test.get(key):
                    lines.append(textwrap.indent(f"{key.capitalize()}: {test[key]}", "      "))
    if run_message(results):
        lines += ["", str(run_message(results))]
        lines += [f"  {n}. {fix}" for n, fix in enumerate(results.get("fixes", []) or [], 1)]
    if results.get("app_log_tail"):
        lines += ["", "Last lines of the app's output:", textwrap.indent(str(results["app_log_tail"]), "  | ")]
    return "\n".join(lines) + "\n"


def finish(out: Path, name: str, results: Mapping[str, Any], verdict: Verdict, visibility: Mapping[str, str],
           duration_s: float, usage: Mapping[str, Mapping[str, float]] | None = None,
           limits: Limits | None = None, install: Mapping[str, Any] | None = None,
           reruns: Sequence[Mapping[str, Any]] | None = None) -> None:
    write_atomically(out / "summary.txt", summary(name, results, verdict, duration_s, usage, limits, install,
                                                  reruns))
    gradescope = to_gradescope(results, verdict, visibility, execution_time_s=duration_s)
    write_atomically(out / "gradescope.json", json.dumps(gradescope, indent=2) + "\n")
    record: dict[str, Any] = {**verdict.to_json(), "usage": with_limits(usage or {}, limits),
                              "duration_s": round(duration_s, 1)}
    if limits is not None:
        record["wall_time_limit_s"] = limits.wall_time_s
    if install:
        record["install"] = dict(install)
    if reruns:
        record["graded_again_alone"] = [dict(r) for r in reruns]
    write_atomically(out / "verdict.json", json.dumps(record, indent=2) + "\n")


def read_results(out: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
