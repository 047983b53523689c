"""The three HTML reports as people see them: rendered from small fixed data, opened in a real
headless Chromium (Debian's package), and checked in what the browser built from them.

Each report is one Chromium launch that writes both a screenshot and the DOM it rendered.
The screenshots stay in the test's temp folder (pytest keeps the last runs' folders), to be
looked at like a CI artifact. A page the browser could not lay out leaves a blank screenshot
(about 9 KB at this window size) or a DOM without the elements looked for.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

from harness.grading import class_report
from harness.grading.gradebook import Row
from harness.load.report import render_html
from harness.load.result import build_result
from harness.load.thresholds import parse_threshold
from harness.reporters.html import to_html
from tests.support.html import Page
from tests.unit.load.load_fixtures import partial, spec

GOLDEN = Path(__file__).parents[1] / "unit" / "reporters" / "golden" / "results_v3.json"
WINDOW = (1200, 1600)
# A page with a line of text makes a PNG of about 9 KB at this size; each report, 90 KB and more.
MIN_PNG_BYTES = 30_000
HOSTILE = "<script>document.title='pwned'</script>"
# A folder name can hold no slash, but it can hold markup.
HOSTILE_NAME = "eve<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:  # a missing tool fails the test: a skip would pass CI without a browser
        pytest.fail("no chromium on PATH: install it (Debian: apt-get install -y --no-install-recommends "
                    "chromium; .ci/run does)")
    return found


def _open(chromium: str, page: Path) -> Page:
    """One headless launch: the screenshot beside the page, and the DOM the browser built."""
    shot = page.with_suffix(".png")
    proc = subprocess.run(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         f"--user-data-dir={page.parent / 'chromium-profile'}", f"--window-size={WINDOW[0]},{WINDOW[1]}",
         f"--screenshot={shot}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{shot} is no PNG"
    assert struct.unpack(">II", data[16:24]) == WINDOW
    assert len(data) > MIN_PNG_BYTES, f"{shot}: {len(data)} bytes, a blank page"
    dom = Page(proc.stdout)
    assert dom.tags.count("body") == 1
    dom.assert_self_contained()  # as the browser built it: no script, no image from the untrusted text
    return dom


def test_the_check_report_in_a_browser(chromium: str, tmp_path: Path) -> None:
    data = json.loads(GOLDEN.read_text())
    data["app_log_tail"] = f"listening on 3000\n{HOSTILE}\nTypeError: pool is undefined"
    page = tmp_path / "check.html"
    page.write_text(to_html(data), encoding="utf-8")
    dom = _open(chromium, page)
    assert {"verdict", "db.sql.parameterized", "rest.etag.present", "db.pool.bounded"} <= dom.ids()
    assert "Hint pass values as parameters" in dom.words
    assert "Reproduce curl -s 'http://127.0.0.1:$PORT/v1/books?q=x'" in dom.words
    assert f"listening on 3000 {HOSTILE} TypeError: pool is undefined" in dom.words, "the log is text"
    assert "harness check node/week-18: fail" in dom.words  # the title: the script never ran


def test_the_bench_report_in_a_browser(chromium: str, tmp_path: Path) -> None:
    run = spec(duration=5)
    part = partial(run, every_nth_error=40, stall=(2.0, 0.5))
    result = build_result(run, part, thresholds=[parse_threshold("p95<100ms")])
    page = tmp_path / "bench.html"
    page.write_text(render_html(result), encoding="utf-8")
    dom = _open(chromium, page)
    assert dom.tags.count("svg") >= 5 and "polyline" in dom.tags
    for words in ("FAIL", "Requests per second", "Latency distribution (steady state)", "p95<100ms missed"):
        assert words in dom.words, words


def test_the_class_report_in_a_browser(chromium: str, tmp_path: Path) -> None:
    rows = [Row("amy", 19, 19, "pass", "", (), 60.0),
            Row("bob", 12, 19, "fail", "", ("db.sql.parameterized",), 80.0),
            Row(HOSTILE_NAME, 0, 19, "error", "never ready", ("db.sql.parameterized", "db.pool.bounded"), 9.0)]
    for row in rows:
        (tmp_path / row.submission).mkdir()
        (tmp_path / row.submission / "summary.txt").write_text(f"{row.submission} · node/week-18\n")
    class_report.write(tmp_path, "node/week-18", rows)
    dom = _open(chromium, tmp_path / class_report.FILE)
    assert {"totals", "distribution", "failed-checks", "submissions"} <= dom.ids()
    assert "3 submissions: 1 pass, 1 fail, 1 error" in dom.words
    assert "db.sql.parameterized 2 67% db.pool.bounded 1 33%" in dom.words
    assert "svg" in dom.tags and "Score distribution (share of the possible points)" in dom.words
    # The browser resolves each link against the page: every one is a summary that exists.
    # Each name links to its own summary, relative to the page, whatever its characters.
    assert [(tmp_path / unquote(link)).read_text().split(" · ")[0] for link in dom.links()] == \
        ["amy", "bob", HOSTILE_NAME]
