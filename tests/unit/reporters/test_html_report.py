"""`harness check --html`: each check with its evidence, hint and reproduce line, the totals,
the environment and the app's last lines, from the results document; untrusted text escaped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
import pytest

from harness.cli import build_parser
from harness.commands.check import _reporters
from harness.load.result import build_result
from harness.outcomes import CheckResult, RunResult, Status
from harness.reporters.html import HtmlReporter, to_html
from harness.reporters.templating import render
from tests.support.html import Page
from tests.unit.load.load_fixtures import partial, spec

GOLDEN = Path(__file__).with_name("golden") / "results_v3.json"
HOSTILE = "<script>alert('pwned')</script>"


def results(**changes: Any) -> dict[str, Any]:
    """The golden results.json (a failing check, one not applicable, a pass, one not run)."""
    data: dict[str, Any] = json.loads(GOLDEN.read_text())
    data.update(changes)
    return data


def test_each_check_shows_its_verdict_and_a_failure_all_its_explanation() -> None:
    page = Page(to_html(results(environment={"services": {"postgres": "local 16.4"}, "python": "3.11.9"})))
    page.assert_self_contained()
    words = page.words
    assert {"db.sql.parameterized", "rest.etag.present", "db.pool.bounded", "verdict"} <= page.ids()
    assert "FAIL · score 1/4 · 1 passed, 1 failed, 1 not applicable · 1 not run" in words
    for text in ("FAIL db.sql.parameterized Parameterized SQL 0/2", "a payload reached SQL as text",
                 "Expected $1 placeholders", "Actual 'x' OR 1=1", "Hint pass values as parameters",
                 "Reproduce curl -s 'http://127.0.0.1:$PORT/v1/books?q=x'", "N/A rest.etag.present ETags n/a",
                 "the lab serves no ETags", "PASS db.pool.bounded A bounded pool 1/1",
                 "db.index.filters Indexes (worth 1)", "interrupted: the results cover the checks that finished",
                 "export PORT=3000", 'services {"postgres": "local 16.4"}', "time: total 3 s",
                 "harness check node/week-18 --seed 7"):
        assert text in words, text


def test_the_apps_log_evidence_and_messages_are_escaped_not_run() -> None:
    tests = results()["tests"]
    tests[0].update(message=f"bad {HOSTILE}", evidence=f"row: {HOSTILE}", hint=HOSTILE)
    html = to_html(results(tests=tests, app_log_tail=f"listening\n\x1b[31m{HOSTILE}\x1b[0m\nbye\x07"))
    page = Page(html)
    assert "<script" not in html and "script" not in page.tags
    assert html.count("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;") == 4
    assert "\x1b" not in html and "\x07" not in html, "colour codes and control characters are removed"
    assert f"listening {HOSTILE} bye" in page.words


def test_a_run_whose_app_never_started_says_why_and_how_to_fix_it(tmp_path: Path) -> None:
    run = RunResult(lab="node/week-18", run_id="r2", seed=3, started_at="2026-12-04T07:00:00+00:00",
                    planned=[("db.pool.bounded", "A bounded pool", 2.0)])
    run.checks = [CheckResult("db.pool.bounded", "A bounded pool", Status.ERROR, 0.0, 2.0, 0.0,
                              message="not run: the app could not be started", cause="not-run")]
    run.message = "the app exited with code 1 before it was ready"
    run.fixes = ["Run your start command yourself and read its error"]
    run.app_log_tail = "Error: Cannot find module 'express'"
    run.finished = True
    path = tmp_path / "out" / "report.html"
    HtmlReporter(path).run_finished(run)
    page = Page(path.read_text(encoding="utf-8"))
    assert "ERROR · score 0/2 · 1 could not conclude" in page.words
    assert "Run your start command yourself and read its error" in page.words
    assert "The app's last output lines Error: Cannot find module 'express'" in page.words


def test_check_html_adds_the_reporter(tmp_path: Path) -> None:
    args = build_parser().parse_args(["check", "week-18", "--html", str(tmp_path / "r.html")])
    (reporter,) = [r for r in _reporters(args, "t", tmp_path) if isinstance(r, HtmlReporter)]
    assert reporter.path == tmp_path / "r.html"


def test_a_name_a_template_needs_and_is_not_given_is_an_error() -> None:
    with pytest.raises(jinja2.UndefinedError, match="lab"):
        render("check.html.j2")


def test_a_load_checks_measurement_is_drawn_as_the_bench_report_draws_it() -> None:
    run = spec(duration=5)
    measured = build_result(run, partial(run))
    data = results()
    data["tests"][0] = {**data["tests"][0], "id": "prod.load.rps", "figures": {"kind": "load", **measured}}
    page = Page(to_html(data))
    page.assert_self_contained()
    assert page.tags.count("svg") >= 4  # rate, latency over time, the ladder or histogram, errors
    assert "Requests per second" in page.words and "Latency distribution" in page.words
    # An inconclusive run's too (the machine was busy: the charts show how).
    data["tests"][0] = {**data["tests"][0], "status": "error", "harness_status": "error", "cause": "environment",
                        "message": "cannot check here: the machine was busy"}
    assert Page(to_html(data)).tags.count("svg") >= 4
    # Figures of another kind (or none) draw nothing.
    data["tests"][0]["figures"] = {"kind": "something else"}
    assert Page(to_html(data)).tags.count("svg") == 0


def test_the_figures_a_check_measured_are_in_its_json() -> None:
    result = CheckResult(id="prod.load.rps", title="1000 req/s", status=Status.PASS, score=4, max_score=4,
                         duration_s=25.0, figures={"kind": "load", "achieved_rps": 998.0})
    assert result.to_json()["figures"] == {"kind": "load", "achieved_rps": 998.0}
    assert "figures" not in CheckResult(id="x.y.z", title="t", status=Status.PASS, score=1, max_score=1,
                                        duration_s=0.1).to_json()
