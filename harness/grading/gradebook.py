"""The gradebook: one row per submission, as CSV, and merging the gradebooks of shards.

Columns are stable (spreadsheets and LMS imports key on them): submission, score,
max_score, status (pass | fail | error), verdict (the limit hit or rule broken, or why the
project failed, or the checks that could not conclude on the grading machine; empty when graded
normally), failed_checks (space-separated ids),
duration_s. `status` is the results' own (Exercism's rule: error only when no check could
run), except that a submission the grader could not grade fairly is an error whatever its
results say.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.grading.rerun import inconclusive
from harness.grading.verdicts import GRADER, Verdict
from harness.reporters.json_report import harness_status, write_atomically

COLUMNS = ("submission", "score", "max_score", "status", "verdict", "failed_checks", "duration_s")
FILE = "gradebook.csv"


class MergeError(Exception):
    pass


@dataclass(frozen=True)
class Row:
    submission: str
    score: float
    max_score: float
    status: str
    verdict: str
    failed_checks: tuple[str, ...]
    duration_s: float

    def cells(self) -> list[str]:
        return [self.submission, f"{self.score:g}", f"{self.max_score:g}", self.status, self.verdict,
                " ".join(self.failed_checks), f"{self.duration_s:.1f}"]

    def without_duration(self) -> tuple[Any, ...]:
        return (self.submission, self.score, self.max_score, self.status, self.verdict, self.failed_checks)


def row_from(submission: str, results: Mapping[str, Any], verdict: Verdict, duration_s: float) -> Row:
    tests = results.get("tests", [])
    failed = tuple(t["id"] for t in tests if harness_status(t) in ("fail", "error"))
    failed += tuple(t["id"] for t in results.get("not_run", []))
    status = "error" if verdict.category == GRADER else str(results.get("status", "error"))
    unsure = [str(t["id"]) for t in tests if inconclusive(t)]
    return Row(submission, float(results.get("score", 0.0)), float(results.get("max_score", 0.0)), status,
               verdict.text or unconcluded(unsure), failed, duration_s)


def unconcluded(check_ids: list[str]) -> str:
    """The verdict of a submission graded normally but for checks that could not conclude on the
    grading machine (a busy machine, a quota too small for the lab): their points are not earned,
    which the row must not pass off as the student's failure."""
    if not check_ids:
        return ""
    return (f"inconclusive on the grading machine: {', '.join(check_ids)} (points not earned; each check's "
            "message says why and how to grade it so that it concludes)")


def to_csv(rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in sorted(rows, key=lambda r: r.submission):
        writer.writerow(row.cells())
    return buffer.getvalue()


def from_csv(text: str, source: str = "gradebook") -> list[Row]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise MergeError(f"{source}: not a harness gradebook (missing columns: {', '.join(missing)})")
    rows = []
    for n, record in enumerate(reader, 2):
        try:
            rows.append(Row(record["submission"], float(record["score"]), float(record["max_score"]),
                            record["status"], record["verdict"],
                            tuple(record["failed_checks"].split()), float(record["duration_s"])))
        except ValueError as exc:
            raise MergeError(f"{source}, line {n}: {exc}") from None
    return rows


def write(path: Path, rows: Iterable[Row]) -> None:
    write_atomically(path, to_csv(rows))


def read(path: Path) -> list[Row]:
    return from_csv(path.read_text(encoding="utf-8"), str(path))


def merge(books: Mapping[str, list[Row]]) -> list[Row]:
    """Rows of several shards; a submission graded in two shards is an error (a wrong --shard)."""
    seen: dict[str, str] = {}
    merged: list[Row] = []
    for source, rows in books.items():
        for row in rows:
            if row.submission in seen:
                raise MergeError(f"{row.submission} is in two gradebooks: {seen[row.submission]} and {source}")
            seen[row.submission] = source
            merged.append(row)
    return sorted(merged, key=lambda r: r.submission)
