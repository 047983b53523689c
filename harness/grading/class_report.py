"""OUT/index.html of `harness grade` (and of `--merge`): the class at a glance, for the instructor.

How the scores spread, which checks the class failed most (where the next lecture goes),
and each submission's row linking to its summary.txt. Built from the gradebook's rows, the
same figures as gradebook.csv, plus the checks' titles from the submissions' results.json.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

from harness.grading.gradebook import Row
from harness.grading.reports import read_results
from harness.load import svg
from harness.reporters.json_report import write_atomically
from harness.reporters.templating import render

FILE = "index.html"
SUMMARY = "summary.txt"
BINS = 10


def percent(row: Row) -> float:
    # A lab worth no points at all scores nothing to compare: such a row sits in the lowest bin.
    return 100.0 * row.score / row.max_score if row.max_score > 0 else 0.0


def distribution(rows: Sequence[Row]) -> list[tuple[str, int]]:
    """Submissions per tenth of the possible score; a full score counts in the top tenth."""
    counts = [0] * BINS
    for row in rows:
        counts[min(int(percent(row) // (100 / BINS)), BINS - 1)] += 1
    width = 100 // BINS
    return [(f"{i * width}–{(i + 1) * width}%" if i == BINS - 1 else f"{i * width}–{(i + 1) * width - 1}%", n)
            for i, n in enumerate(counts)]


def most_failed(rows: Sequence[Row]) -> list[tuple[str, int]]:
    """Each check that failed (or never ran) in some submission, with how many: most first."""
    counts = Counter(check for row in rows for check in set(row.failed_checks))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def titles(out: Path, rows: Sequence[Row]) -> dict[str, str]:
    """Check id -> title, from the submissions' results.json (the gradebook holds ids only)."""
    found: dict[str, str] = {}
    for row in rows:
        results = read_results(out / row.submission) or {}
        for test in [*results.get("tests", []), *results.get("not_run", [])]:
            found.setdefault(str(test.get("id")), str(test.get("name", "")))
    return found


def to_html(lab: str, rows: Sequence[Row], check_titles: Mapping[str, str], summaries: Collection[str]) -> str:
    """`summaries`: the submissions whose summary.txt exists (one interrupted early has none)."""
    ordered = sorted(rows, key=lambda r: r.submission)
    statuses = Counter(r.status for r in ordered)
    scores = [percent(r) for r in ordered]
    # A folder's name is one segment of the link, whatever its characters.
    submissions = [{"name": r.submission, "score": f"{r.score:g}/{r.max_score:g}", "percent": f"{percent(r):.0f}%",
                    "href": f"{quote(r.submission, safe='')}/{SUMMARY}" if r.submission in summaries else None,
                    "status": r.status, "verdict": r.verdict, "failed": list(r.failed_checks)} for r in ordered]
    failed = [(check, check_titles.get(check, ""), n, f"{100 * n / len(ordered):.0f}%")
              for check, n in most_failed(ordered)]
    return render(
        "grades.html.j2", lab=lab, count=len(ordered),
        statuses=[(statuses[s], s) for s in ("pass", "fail", "error") if statuses[s]],
        mean=f"{statistics.fmean(scores):.0f}%" if scores else "-",
        median=f"{statistics.median(scores):.0f}%" if scores else "-",
        histogram=svg.bar_chart("Score distribution (share of the possible points)",
                                [(label, float(n)) for label, n in distribution(ordered)], "submissions"),
        failed=failed, submissions=submissions,
    )


def write(out: Path, lab: str, rows: Sequence[Row]) -> None:
    summaries = {r.submission for r in rows if (out / r.submission / SUMMARY).is_file()}
    write_atomically(out / FILE, to_html(lab, rows, titles(out, rows), summaries))
