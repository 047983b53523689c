"""The HTML report: parses, has its charts as inline SVG, references nothing external."""

from __future__ import annotations

from harness.load.baseline import apply_baseline
from harness.load.report import render_html
from harness.load.result import build_result
from harness.load.thresholds import parse_threshold
from tests.support.html import Page

from .load_fixtures import partial, spec


def _report(**kwargs: object) -> tuple[str, Page]:
    run = spec(duration=5)
    part = partial(run, every_nth_error=40, stall=(2.0, 0.5))
    part.errors_by_kind["timeout"] = 2
    result = build_result(run, part, thresholds=[parse_threshold("p95<100ms")])
    result.update(kwargs)
    html = render_html(result)
    return html, Page(html)


def test_the_report_has_its_charts_as_inline_svg() -> None:
    html, page = _report()
    assert html.startswith("<!DOCTYPE html>")
    assert page.tags.count("svg") >= 4  # rate, latency over time, histogram, errors
    assert "polyline" in page.tags and "rect" in page.tags
    text = " ".join(page.text)
    for words in ("Requests per second", "Latency percentiles", "Latency distribution",
                  "Errors by kind", "HTTP 500", "timeout", "p95<100ms", "missed", "FAIL"):
        assert words in text, words


def test_the_report_references_nothing_outside_itself() -> None:
    _, page = _report()
    page.assert_self_contained()
    assert "href" not in dict(page.attrs)


def test_text_from_the_run_is_escaped() -> None:
    html, page = _report(target="http://x/<script>alert(1)</script>")
    assert "<script>" not in html
    assert "script" not in page.tags
    assert "&lt;script&gt;" in html


def test_inconclusive_and_baseline_sections() -> None:
    run = spec()
    result = build_result(run, partial(run, lag=0.05))
    apply_baseline(result, dict(result, p95_ms=1.0), __import__("pathlib").Path("old.json"), 0.1)
    html = render_html(result)
    assert "INCONCLUSIVE: the load generator, not your app" in html
    assert "Compared with old.json" in html
