"""The golden-report helper of the proof suite: the block it cuts and what it normalises."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.golden import block, compare, normalized

REPORT = """run r1a2b3c4d · seed 42 · 2 checks

  ✓ rest.shelf.contract              The Shelf v1 resources.  [3/3, 200 ms]
  ✗ rest.errors.problem_json         Every error is problem+json.  [0/2, 1.5 s]
      an unknown route: not application/problem+json
      Actual: GET /v1/no-such-route-r1a2b3c4d -> 404
      Reproduce: curl -i "http://localhost:41234/x" (in /tmp/pytest-of-root/p/project/src/a.js)

FAIL · 1 passed, 1 failed
"""


def test_the_block_is_the_failing_line_and_what_is_indented_under_it() -> None:
    cut = block(REPORT, "rest.errors.problem_json")
    assert cut.startswith("  ✗ rest.errors.problem_json") and cut.rstrip().endswith("src/a.js)")
    assert "FAIL ·" not in cut and "rest.shelf.contract" not in cut


def test_what_differs_between_runs_is_replaced() -> None:
    text = normalized(block(REPORT, "rest.errors.problem_json"))
    assert "[0/2, <time>]" in text and "no-such-route-r<run>" in text
    assert "localhost:<port>" in text and "(in <project>/src/a.js)" in text


def test_a_changed_report_names_the_file_and_the_way_to_update(tmp_path: Path) -> None:
    golden = tmp_path / "problem_json.txt"
    golden.write_text("  ✗ rest.errors.problem_json  other words\n")
    with pytest.raises(AssertionError, match="HARNESS_UPDATE_GOLDEN=1"):
        compare(golden, REPORT, "rest.errors.problem_json")
