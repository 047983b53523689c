"""`harness check --format github`: GitHub Actions workflow commands, escaped as GitHub
requires, compared whole with what a workflow run would read (golden)."""

from __future__ import annotations

import io
import shlex
from pathlib import Path

import pytest
import yaml

from harness.catalog import Catalog
from harness.cli import build_parser, main
from harness.outcomes import CheckResult, RunResult, Status
from harness.reporters.github import GithubReporter, escape_data, escape_property, workflow_command

GOLDEN = Path(__file__).with_name("golden")


def test_escaping_follows_githubs_rules() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("db.sql: a, b\n%") == "db.sql%3A a%2C b%0A%25"
    assert escape_data("%0A") == "%250A", "a literal %0A in a message stays literal"


def test_a_command_is_one_line_without_colour_codes() -> None:
    line = workflow_command("error", "\x1b[31mboom\x1b[0m\nsecond line", title="c: t", file="")
    assert line == "::error title=c%3A t::boom%0Asecond line"
    assert "\n" not in workflow_command("notice", "x" * 10_000 + "\n")


def _result() -> RunResult:
    run = RunResult(lab="node/week-18", run_id="r1", seed=1, started_at="t")
    run.planned = [("db.sql.parameterized", "Parameterized SQL, always", 2.0),
                   ("db.pool.bounded", "A bounded pool", 1.0), ("pg.stats.enabled", "pg_stat_statements", 1.0),
                   ("db.index.filters", "Indexes", 1.0)]
    return run


def test_annotations_golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    out = io.StringIO()
    reporter = GithubReporter(out, config_file=tmp_path / "api" / "harness.toml")
    run = _result()
    checks = [
        CheckResult("db.sql.parameterized", "Parameterized SQL, always", Status.FAIL, 0.0, 2.0, 0.3,
                    message="a payload reached SQL as text: 100% of 3 requests", expected="$1 placeholders",
                    actual="\x1b[31m'x' OR 1=1\x1b[0m", hint="pass values as parameters",
                    reproduce="curl -s 'http://127.0.0.1:$PORT/v1/books?q=x'"),
        CheckResult("db.pool.bounded", "A bounded pool", Status.PASS, 1.0, 1.0, 0.1),
        CheckResult("pg.stats.enabled", "pg_stat_statements", Status.ERROR, 0.0, 1.0, 0.1, cause="environment",
                    message="pg_stat_statements is not preloaded on the external server"),
    ]
    for check in checks:
        run.checks.append(check)
        reporter.check_finished(check, run)
    run.message = "the app exited during the checks (exit code 1)"
    run.failed_phase = "start"
    run.app_log_tail = "Error: listen EADDRINUSE"
    reporter.run_finished(run)
    expected = (GOLDEN / "github_annotations.txt").read_text()
    assert out.getvalue() == expected, out.getvalue()


def test_checks_that_never_ran_make_one_annotation_not_one_each() -> None:
    out = io.StringIO()
    reporter = GithubReporter(out)
    run = _result()
    for check_id, title, points in run.planned:
        check = CheckResult(check_id, title, Status.ERROR, 0.0, points, 0.0, cause="not-run",
                            message="not run: the app could not be installed")
        run.checks.append(check)
        reporter.check_finished(check, run)
    run.message, run.failed_phase = "the install command failed with exit code 1: npm ci", "install"
    reporter.run_finished(run)
    lines = out.getvalue().splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::notice"]
    assert lines[0].startswith("::error title=harness check node/week-18::the install command failed")


def test_the_check_command_takes_the_format() -> None:
    args = build_parser().parse_args(["check", "week-18", "--format", "github"])
    assert args.format == "github"
    assert build_parser().parse_args(["check", "week-18"]).format == "text"


def test_the_learners_workflow_runs_a_check_with_annotations() -> None:
    path = Path(__file__).resolve().parents[3] / "docs" / "ci" / "github-check.yml"
    data = yaml.safe_load(path.read_text())
    assert {"push", "pull_request"} <= set(data.get(True) or data["on"])  # YAML 1.1 reads `on:` as True
    steps = data["jobs"]["check"]["steps"]
    (run,) = [" ".join(str(s["run"]).split()) for s in steps if "harness check" in str(s.get("run", ""))]
    argv = shlex.split(run.replace("$LAB", data["env"]["LAB"]))[1:]
    args = build_parser().parse_args(argv)
    assert (args.format, args.services, args.junit, args.json) == (
        "github", "local", "harness-junit.xml", "harness-results.json")
    assert Catalog.load().resolve(args.lab, None).available
    uploads = [s for s in steps if "upload-artifact" in s.get("uses", "")]
    assert uploads and uploads[0]["if"] == "always()" and uploads[0]["with"]["path"] == "harness-*"


def test_an_error_before_any_check_is_marked_on_harness_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    (tmp_path / "harness.toml").write_text('track = "node"\n[app]\nstrat = "node server.js"\n')
    code = main(["check", "week-18", "--project", str(tmp_path), "--format", "github"])
    out, err = capsys.readouterr()
    assert code == 4 and "did you mean 'app.start'" in err
    (line,) = out.splitlines()
    assert line.startswith("::error file=harness.toml,title=harness check week-18::")
    assert "did you mean 'app.start'" in line and "\n" not in line
