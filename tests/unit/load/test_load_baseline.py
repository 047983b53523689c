"""Baseline comparison: what counts as a regression, the table, and bad baseline files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.load.baseline import (
    BaselineError,
    apply_baseline,
    compare,
    load_baseline,
    regressions,
    render_table,
)
from harness.load.result import SCHEMA


def _run(**figures: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"schema": SCHEMA, "target_rps": 1000.0, "model": "open",
                            "verdict": "pass", "achieved_rps": 1000.0, "p50_ms": 2.0,
                            "p95_ms": 100.0, "p99_ms": 200.0, "max_ms": 400.0,
                            "error_rate": 0.0}
    base.update(figures)
    return base


def _regressed(old: dict[str, Any], new: dict[str, Any], tol: float = 0.10) -> set[str]:
    return {row.metric for row in compare(old, new, tol) if row.regressed}


def test_an_identical_run_has_no_regression() -> None:
    assert _regressed(_run(), _run()) == set()


def test_latency_up_beyond_the_tolerance_regresses() -> None:
    assert _regressed(_run(), _run(p95_ms=111.0, p99_ms=215.0)) == {"p95_ms"}
    assert _regressed(_run(), _run(p99_ms=221.0)) == {"p99_ms"}


def test_latency_down_and_information_rows_never_regress() -> None:
    assert _regressed(_run(), _run(p95_ms=10.0, p50_ms=50.0, max_ms=5000.0)) == set()


def test_rps_down_regresses_and_up_does_not() -> None:
    assert _regressed(_run(), _run(achieved_rps=880.0)) == {"achieved_rps"}
    assert _regressed(_run(), _run(achieved_rps=1500.0)) == set()


def test_sub_millisecond_noise_is_not_a_regression() -> None:
    # +60% but only 0.6 ms: timer noise on a fast endpoint.
    assert _regressed(_run(p95_ms=1.0), _run(p95_ms=1.6)) == set()
    assert _regressed(_run(p95_ms=1.0), _run(p95_ms=2.5)) == {"p95_ms"}


def test_errors_from_zero_regress_only_past_the_floor() -> None:
    assert _regressed(_run(), _run(error_rate=0.0005)) == set()
    assert _regressed(_run(), _run(error_rate=0.02)) == {"error_rate"}


def test_regression_reasons_and_table_show_old_new_change() -> None:
    rows = compare(_run(), _run(p95_ms=150.0, error_rate=0.02), 0.10)
    reasons = regressions(rows, 0.10)
    assert "p95_ms 100.00 ms -> 150.00 ms (+50.0%, tolerance 10%)" in reasons
    assert any(r.startswith("error_rate 0.00% -> 2.00% (from 0") for r in reasons)
    table = render_table(rows)
    assert "old" in table.splitlines()[0] and "new" in table and "change" in table
    p95_line = next(line for line in table.splitlines() if line.startswith("p95_ms"))
    assert "+50.0%" in p95_line and "REGRESSION" in p95_line


def test_apply_baseline_records_the_comparison_and_notes() -> None:
    result = _run(p95_ms=300.0, target_rps=500.0)
    rows, found = apply_baseline(result, _run(verdict="inconclusive"), Path("old.json"), 0.1)
    assert found and result["baseline"]["regressions"] == found
    notes = " ".join(result["baseline"]["notes"])
    assert "different loads" in notes and "inconclusive" in notes
    assert len(result["baseline"]["rows"]) == len(rows)


def test_load_baseline_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="no such file"):
        load_baseline(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(BaselineError, match=f"--baseline {bad}: not a JSON file"):
        load_baseline(bad)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"hello": 1}))
    with pytest.raises(BaselineError, match="not a harness bench result"):
        load_baseline(other)
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"schema": SCHEMA, "p95_ms": 1}))
    with pytest.raises(BaselineError, match="missing achieved_rps"):
        load_baseline(partial)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_run()))
    assert load_baseline(good)["p95_ms"] == 100.0
