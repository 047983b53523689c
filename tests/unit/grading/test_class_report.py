"""OUT/index.html of `harness grade`: how many, how the scores spread, the checks most often
failed, and each submission's row linking to its summary.txt; written by a merge too."""

from __future__ import annotations

import json
from pathlib import Path

from harness.grading import class_report, gradebook
from harness.grading.class_report import distribution, most_failed, to_html
from harness.grading.gradebook import Row
from harness.grading.merge import merge_folders, write_meta
from tests.support.html import Page

HOSTILE = "<img src=x onerror=alert(1)>"  # a folder name holds no slash, but markup
ROWS = [
    Row("amy", 19, 19, "pass", "", (), 60.0),
    Row("bob", 12, 19, "fail", "", ("db.sql.parameterized", "db.pool.bounded"), 80.0),
    Row("cy dee", 0, 19, "error", "never ready", ("db.sql.parameterized", "db.pool.bounded", "db.index.filters"), 9.0),
    Row(f"eve{HOSTILE}", 17, 19, "fail", "", ("db.sql.parameterized",), 70.0),
]


def test_scores_fall_in_tenths_and_a_full_score_in_the_top_one() -> None:
    bins = dict(distribution([*ROWS, Row("nil", 0, 0, "pass", "", (), 1.0)]))
    assert list(bins) == ["0–9%", "10–19%", "20–29%", "30–39%", "40–49%", "50–59%", "60–69%", "70–79%",
                          "80–89%", "90–100%"]
    assert bins["0–9%"] == 2 and bins["60–69%"] == 1 and bins["80–89%"] == 1 and bins["90–100%"] == 1
    assert sum(bins.values()) == 5


def test_the_checks_most_often_failed_come_first_each_counted_once_per_submission() -> None:
    twice = Row("dup", 0, 1, "fail", "", ("db.pool.bounded", "db.pool.bounded"), 1.0)
    assert most_failed([*ROWS, twice]) == [("db.pool.bounded", 3), ("db.sql.parameterized", 3),
                                           ("db.index.filters", 1)]


def test_the_page_has_the_totals_the_histogram_the_failed_checks_and_the_links() -> None:
    html = to_html("node/week-18", ROWS, {"db.sql.parameterized": "Parameterized SQL"},
                   {"amy", "bob", f"eve{HOSTILE}"})
    page = Page(html)
    page.assert_self_contained()
    words = page.words
    assert "4 submissions: 1 pass, 2 fail, 1 error · mean score 63% · median 76%" in words
    assert {"distribution", "failed-checks", "submissions"} <= page.ids()
    assert "svg" in page.tags and "Score distribution (share of the possible points)" in words
    assert "db.sql.parameterized Parameterized SQL 3 75% db.pool.bounded 2 50% db.index.filters 1 25%" in words
    assert "cy dee 0/19 0% error never ready" in words
    # Relative links, quoted: the folder opens as it is, on any machine; no summary, no link.
    assert page.links() == ["amy/summary.txt", "bob/summary.txt",
                            "eve%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/summary.txt"]
    assert "<img" not in html and "eve&lt;img src=x onerror=alert(1)&gt;" in html


def test_grade_and_merge_write_it_with_titles_from_the_results(tmp_path: Path) -> None:
    shard = tmp_path / "grades-1"
    for row in ROWS[:2]:
        (shard / row.submission).mkdir(parents=True)
        (shard / row.submission / "summary.txt").write_text("score\n")
        (shard / row.submission / "results.json").write_text(json.dumps(
            {"tests": [{"id": "db.pool.bounded", "name": "A bounded pool"}],
             "not_run": [{"id": "db.sql.parameterized", "name": "Parameterized SQL", "max_score": 2}]}))
    gradebook.write(shard / gradebook.FILE, ROWS[:2])
    write_meta(shard, {"lab": "node/week-18", "policy": {}, "shard": {"index": 1, "total": 1}})
    class_report.write(shard, "node/week-18", ROWS[:2])
    merge_folders([shard], tmp_path / "final")
    for out in (shard, tmp_path / "final"):
        page = Page((out / class_report.FILE).read_text(encoding="utf-8"))
        assert "2 submissions" in page.words and "harness grade node/week-18" in page.words
        assert "db.pool.bounded A bounded pool 1 50% db.sql.parameterized Parameterized SQL 1 50%" in page.words
        assert all((out / link).is_file() for link in page.links()) and len(page.links()) == 2
