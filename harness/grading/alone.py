"""After the batch: each load check it made inconclusive, graded again alone (rerun.py decides
and merges; this runs the second session through the Grader)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.grading import reports
from harness.grading.gradebook import Row
from harness.grading.rerun import held_back, merge, to_rerun
from harness.grading.verdicts import GRADER

if TYPE_CHECKING:
    from harness.grading.runner import Grader


def grade_alone(grader: Grader, rows: list[Row], sources: dict[str, Path]) -> list[Row]:
    """Grade again, one submission at a time, each load check the batch made inconclusive.

    After every job of the batch has ended, so nothing else of the grader runs: a fresh
    session in the same jail and limits (install, start, those checks only), whose verdict
    replaces the first (rerun.py).
    """
    done: list[Row] = []
    for n, row in enumerate(rows):
        graded = grader.graded.get(row.submission)
        results = reports.read_results(grader.settings.out / row.submission)
        ids = to_rerun(results) if results is not None else ()
        held = held_back(results) if results is not None else ()
        if held:
            grader.say(f"{row.submission}: {', '.join(held)} inconclusive under the submission's CPU quota; not "
                       "graded again alone, where the same quota holds it (grade with a higher --limit cpus)")
        if not ids or graded is None or graded[0].category == GRADER or grader.stopping.is_set():
            done.append(row)
            continue
        assert results is not None
        grader.say(f"{row.submission}: {', '.join(ids)} inconclusive while the batch ran; grading it again alone")
        try:
            done.append(_again(grader, row.submission, sources[row.submission], len(sources) + n, ids, results))
        except Exception as exc:  # the first verdict stands: inconclusive, never the app's failure
            grader.say(f"  grading it again failed ({type(exc).__name__}: {exc}); the first verdict stands")
            done.append(row)
    return done


def _again(grader: Grader, name: str, source: Path, index: int, ids: tuple[str, ...], first: dict[str, Any]) -> Row:
    started = time.monotonic()
    alone = grader.scratch / f"alone-{index:04d}"
    alone.mkdir()
    signals, report, _, _ = grader.run_session(name, source, index, alone, ids)
    verdict = grader.verdict_of(signals, report)
    no_verdict = (verdict.text or signals.grader_error or "") if verdict.category or signals.grader_error else ""
    merged, reruns = merge(first, reports.read_results(alone), ids, no_verdict)
    out = grader.settings.out / name
    reports.write_results(out, merged)
    for rerun in reruns:
        grader.say(f"  {rerun.line()}")
    first_verdict, first_report, first_s = grader.graded[name]
    return grader.write_report(name, out, first_verdict, first_report, first_s + time.monotonic() - started,
                               [r.to_json() | {"line": r.line()} for r in reruns])
