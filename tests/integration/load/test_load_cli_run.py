"""`harness bench` end to end: a TOML scenario, errors by kind, reports, a baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .bench_helpers import bench
from .conftest import StartTarget

SCENARIO = """
[defaults]
headers = { Authorization = "Bearer ${BENCH_TOKEN}" }

[[route]]
name = "home"
path = "/"
weight = 3

[[route]]
name = "create"
method = "POST"
path = "/items"
json = { title = "Dune" }
expect_status = 200

[[route]]
name = "missing"
path = "/status/404"
weight = 1
"""


def test_a_scenario_run_writes_both_reports(
    tmp_path: Path, start_target: StartTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENCH_TOKEN", "t0ken")
    url = start_target()
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(SCENARIO)
    html = tmp_path / "report.html"
    run = bench(tmp_path, url, "--scenario", str(scenario), "--rate", "300", "--duration",
                "3s", "--threshold", "errors<1%", "--threshold", "p99<2s", "--max-lag", "50ms",
                "--html", str(html))
    result = run.result
    assert set(result["routes"]) == {"home", "create", "missing"}
    assert result["routes"]["home"]["requests"] > result["routes"]["missing"]["requests"]
    assert list(result["errors_by_kind"]) == ["HTTP 404"]
    assert 0.1 < result["error_rate"] < 0.3  # 1 route in 5 by weight
    # A missed threshold is the app's failure (if the generator kept up).
    assert result["verdict"] == "fail", run.explain()
    assert run.code == 1
    assert [t["passed"] for t in result["thresholds"]] == [False, True]
    assert "threshold   errors<1%" in run.stdout and "MISSED" in run.stdout
    assert "p95" in run.stderr and "req/s" in run.stderr  # live progress lines
    # Who had the CPU: the generator's workers (children of this process) among the parties.
    assert "cpu         CPU during the load" in run.stdout and "load generator" in run.stdout
    assert any(p["name"] == "load generator" and p["core_percent"] > 0 for p in result["cpu_split"]["parties"])
    page = html.read_text()
    assert page.count("<svg") >= 4 and "HTTP 404" in page


def test_a_regression_against_the_baseline_fails_with_a_table(
    tmp_path: Path, start_target: StartTarget
) -> None:
    url = start_target()
    baseline = tmp_path / "old.json"
    first = bench(tmp_path / "first", url, "--rate", "200", "--duration", "2s",
                  "--max-lag", "50ms", "--quiet")
    assert first.result["verdict"] == "pass", first.explain()
    # Yesterday's run was twice as fast with no tail at all.
    doctored = dict(first.result, p95_ms=0.01, p99_ms=0.01,
                    achieved_rps=first.result["achieved_rps"] * 2)
    baseline.write_text(json.dumps(doctored))
    run = bench(tmp_path, url, "--rate", "200", "--duration", "2s", "--max-lag", "50ms",
                "--baseline", str(baseline), "--tolerance", "10%", "--quiet")
    assert run.result["verdict"] == "fail", run.explain()
    assert run.code == 1
    assert any(r.startswith("regression: achieved_rps") for r in run.result["verdict_reasons"])
    assert f"compared with {baseline}" in run.stdout
    header = next(line for line in run.stdout.splitlines() if line.startswith("metric"))
    assert "old" in header and "new" in header and "change" in header
    assert "REGRESSION" in run.stdout


def test_the_python_api_for_checks(start_target: StartTarget) -> None:
    from harness.load.api import UsageError, bench

    url = start_target()
    result = bench(url, rate=200, duration="2s", thresholds=["errors<1%"], max_lag="50ms")
    assert result["verdict"] == "pass", result["verdict_reasons"]
    assert result["requests"] == 400
    with pytest.raises(UsageError, match="--threshold: bad threshold 'p95<1'"):
        bench(url, rate=200, duration="2s", thresholds=["p95<1"])
