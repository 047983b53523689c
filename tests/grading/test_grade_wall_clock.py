"""The wall-clock limit: an app that is ready and then never answers is stopped when the
submission's budget runs out; its results so far are kept, and nothing is left behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.grading.runner import TERM_GRACE_S
from tests.grading.support import LAB, grade, grading_alone, leftovers

pytestmark = pytest.mark.slow

HANG = """'use strict';
// Ready at once, then every request hangs: only the wall clock ends it.
require('http').createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
}).listen(Number(process.env.PORT), '127.0.0.1');
"""


@grading_alone()
def test_a_hanging_app_ends_at_the_wall_clock(tmp_path: Path) -> None:
    project = tmp_path / "submissions" / "hang"
    project.mkdir(parents=True)
    (project / "harness.toml").write_text('track = "node"\n[app]\nstart = "node server.js"\n')
    (project / "server.js").write_text(HANG)
    before = leftovers()
    graded = grade(str(tmp_path / "submissions"), "--lab", LAB, "--limit", "wall_time=12s", "--seed", "1",
                   out=tmp_path / "out", timeout=120)
    assert graded.code == 0, graded.explain()
    (row,) = graded.gradebook()
    assert (row["verdict"], row["score"]) == ("wall-clock limit (12 s) exceeded (--limit wall_time=24s or "
                                              "limits.wall_time in the policy)", "0"), graded.explain()
    # The limit, then the grace the worker gets to stop after SIGTERM, then a wide allowance for
    # copying and cleanup (a slow machine's): far below what hanging requests would take.
    bound = 12 + TERM_GRACE_S + 60
    assert float(row["duration_s"]) < bound, "stopped at the limit, cleaned up within the grace period"
    results = json.loads((graded.out / "hang" / "results.json").read_text())
    assert results["interrupted"] is True and results["finished"] is True
    assert leftovers(before) == []
