"""Grading a folder of untrusted submissions: the week-18 reference, each defect, and the
hostile and broken corpus, graded whole with --jobs 2; then a part of it graded again as two
shards run at the same time and merged. Every submission gets its expected grade both times,
every hostile one is contained and named, and nothing is left behind.

Both gradings warm the lab's dependencies (--warm-deps): the reference, the defects and the
hostile projects with the lab's lockfile get a copy instead of their install, the others
install as their harness.toml says (path-hijack's [app] env is an install input, so it
installs). A plain install in grading is proven here by path-hijack and by the
warmed-dependency cases that install (test_grade_warm_deps reads this same grading, done once
per session: corpus_grading.py), and by test_grade_languages.

Needs root (cgroups, network namespaces, a uid per submission), as `harness grade` does.
"""

from __future__ import annotations

import glob
import json
from pathlib import Path

import pytest

from tests.grading.corpus_grading import SHARDED, Gradings
from tests.grading.expected import EXPECTED, LOADER_MARKERS, MAX, WRITE_TARGETS
from tests.grading.support import DECOY, LAB, Graded
from tests.support.html import Page

pytestmark = pytest.mark.slow


def _rows(graded: Graded) -> dict[str, tuple[float, str, str]]:
    return {r["submission"]: (float(r["score"]), r["status"], r["verdict"]) for r in graded.gradebook()}


def test_every_submission_gets_its_expected_grade(gradings: Gradings) -> None:
    assert gradings.whole.code == 0, gradings.whole.explain()
    assert _rows(gradings.whole) == EXPECTED, gradings.whole.explain()


def test_a_second_grading_as_merged_shards_gives_the_same_gradebook(gradings: Gradings) -> None:
    for shard in gradings.shards:
        assert shard.code == 0, shard.explain()
    assert gradings.merged.code == 0, gradings.merged.explain()

    def without_durations(graded: Graded) -> list[dict[str, str]]:
        return [{k: v for k, v in row.items() if k != "duration_s"} for row in graded.gradebook()]

    graded_whole = [row for row in without_durations(gradings.whole) if row["submission"] in SHARDED]
    assert without_durations(gradings.merged) == graded_whole
    sizes = sorted(len(s.gradebook()) for s in gradings.shards)
    assert sum(sizes) == len(SHARDED) and sizes[1] - sizes[0] <= 1


def test_nothing_is_left_behind(gradings: Gradings) -> None:
    assert gradings.after == []


def test_the_host_was_never_reached_nor_written(gradings: Gradings) -> None:
    assert gradings.trap_hits == [], "a sandboxed submission connected to a listener on the host"
    assert [p for p in WRITE_TARGETS if Path(p).exists()] == []
    log = json.loads((gradings.whole.out / "net-escape" / "results.json").read_text())["app_log_tail"]
    assert "CONNECTED 127.0.0.1" in log, "its own database answers over the namespace's loopback"
    assert "CONNECTED 1.1.1.1" not in log and "ENETUNREACH" in log


def test_nothing_a_submission_controls_reaches_a_root_step(gradings: Gradings) -> None:
    assert glob.glob(LOADER_MARKERS) == [], "a root step ran with path-hijack's loader variables"
    assert DECOY.is_file(), "a coverage path outside the project deleted a file"
    out = gradings.whole.out
    log = (out / "hard-link" / "grader.log").read_text()
    assert "skipped shadow (a hard link to a file that not everyone may read)" in log
    exposed = [p for p in (out, *out.rglob("*")) if p.stat().st_mode & 0o077]
    assert exposed == [], "reports only the grader's account may read"


def test_an_answer_without_end_is_read_to_the_cap_and_named(gradings: Gradings) -> None:
    results = json.loads((gradings.whole.out / "endless-body" / "results.json").read_text())
    failed = {t["id"]: t["message"] for t in results["tests"] if t["harness_status"] == "fail"}
    # db.pool.bounded's burst of 50 shares one budget for its answers: "went on past 32 MB together".
    assert failed and all("went on past 32 MB" in m and "the harness stopped reading" in m
                          for m in failed.values()), failed
    assert any(m.startswith("the answer to GET /v1/books/") for m in failed.values()), failed  # the gzip one


def test_each_submission_has_its_reports(gradings: Gradings) -> None:
    out = gradings.whole.out
    for name in EXPECTED:
        for report in ("results.json", "junit.xml", "summary.txt", "gradescope.json", "grader.log"):
            assert (out / name / report).is_file(), f"{name}/{report}"
    # Submissions never reuse what another one installed (check's dependency reuse is off):
    # the one set they may copy is the lab's own, warmed from its starter.
    for graded in (gradings.whole, *gradings.shards):
        assert "warmed the lab's dependencies for its package-lock.json" in graded.stdout, graded.explain()
        for each in graded.out.glob("*/grader.log"):
            text = each.read_text(errors="replace")
            assert "copied from the cache" not in text and "unchanged since the last" not in text, each
    copied = "install skipped: the dependencies for this package-lock.json were copied from the lab's warmed"
    for name in ("reference", *(n for n in EXPECTED if n.startswith("defect-")), "db-snoop", "crash-mid-run"):
        log = (out / name / "grader.log").read_text(errors="replace")
        assert copied in log and "installing: npm ci" not in log, name
    hijack = (out / "path-hijack" / "grader.log").read_text(errors="replace")
    assert "installing: npm ci" in hijack and "warmed dependencies are not used: its install inputs" in hijack
    results = json.loads((out / "reference" / "results.json").read_text())
    assert results["score"] == results["max_score"] == MAX and results["finished"] is True
    assert {t["id"]: t["max_score"] for t in results["tests"]}["db.sql.parameterized"] == 5.0, "policy points"
    gradescope = json.loads((out / "defect-db.pool.bounded" / "gradescope.json").read_text())
    pool = next(t for t in gradescope["tests"] if t["extra_data"]["id"] == "db.pool.bounded")
    assert (pool["visibility"], pool["status"], gradescope["score"]) == ("after_due_date", "failed", MAX - 2)
    summary = (out / "memory-bomb" / "summary.txt").read_text()
    assert "verdict: memory limit (256 MB) exceeded" in summary
    meta = json.loads((out / "grade.json").read_text())
    assert meta["lab"] == LAB and meta["warnings"] == [] and "bubblewrap" in meta["capabilities"]
    # The class report links every submission's summary; merged shards get one of the whole.
    for graded, names in ((gradings.whole, tuple(EXPECTED)), (gradings.merged, SHARDED)):
        index = (graded.out / "index.html").read_text()
        assert all(f'href="{name}/summary.txt"' in index for name in names), graded.explain()
        assert f"{len(names)} submissions" in Page(index).words


def test_the_grader_says_what_it_isolates(gradings: Gradings) -> None:
    stdout = gradings.whole.stdout
    assert "isolation strict: cgroups" in stdout and "network namespace" in stdout
    assert "memory limit (256 MB) exceeded" in stdout, "a line per submission, with its verdict"
