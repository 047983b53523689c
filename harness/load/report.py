"""The self-contained HTML report of a bench run (inline CSS and SVG, no script, no URL).

It is rendered from the result JSON alone, so a report can be rebuilt from any saved
``--json`` file and every figure in it is one a machine can also read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from harness.load import svg
from harness.load.units import format_ms

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;
max-width:980px;color:#1d2330;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid
#dde;padding-bottom:4px}
.verdict{padding:12px 16px;border-radius:6px;margin:14px 0;font-weight:600}
.pass{background:#e3f6e8;border:1px solid #5cb176}.fail{background:#fde7e7;border:1px solid
#d35a5a}.inconclusive{background:#fff4d6;border:1px solid #d9a520}
.verdict ul{margin:6px 0 0;font-weight:400}
table{border-collapse:collapse;margin:6px 0}td,th{padding:3px 10px;border-bottom:1px solid #e6e8ef;
text-align:right}th{background:#f4f5f9}td:first-child,th:first-child{text-align:left}
.ok{color:#23803f}.bad{color:#b3261e;font-weight:600}.muted{color:#667}
svg.chart{display:block;margin:10px 0;max-width:100%;height:auto;background:#fff}
svg .t{font-size:13px;font-weight:600;fill:#1d2330}svg .l{font-size:12px;fill:#445}
svg .k{font-size:11px;fill:#556}svg .g{stroke:#eceef4;stroke-width:1}
svg .f{fill:none;stroke:#c9ccd8}svg .b{fill:#4a6fd8}svg .e{fill:#d35a5a}
code{background:#f4f5f9;padding:1px 4px;border-radius:3px}
"""
_COLORS = {"p50": "#4a6fd8", "p95": "#e0892b", "p99": "#c8324a", "max": "#888888"}


def _num(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return escape(format_ms(float(value)))
    if unit == "%":
        return f"{float(value) * 100:.2f}%"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return escape(str(value))


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = ["<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows]
    return "\n".join([*out, "</table>"])


def _verdict(result: Mapping[str, Any]) -> str:
    status = str(result.get("verdict", "inconclusive"))
    title = {"pass": "PASS", "fail": "FAIL",
             "inconclusive": "INCONCLUSIVE: the load generator, not your app"}.get(status, status)
    reasons = "".join(f"<li>{escape(str(r))}</li>" for r in result.get("verdict_reasons", []))
    return f'<div class="verdict {escape(status)}">{escape(title)}<ul>{reasons}</ul></div>'


def _summary(result: Mapping[str, Any]) -> str:
    open_model = result.get("model") == "open"
    head = ["", "latency (from intended send)" if open_model else "latency (Locust, from send)"]
    has_service = open_model
    has_closed = open_model and "closed_p95_ms" in result
    if has_service:
        head.append("service time (from actual send)")
    if has_closed:
        head.append("Locust closed model")
    rows = []
    for key in ("p50", "p90", "p95", "p99", "max", "mean"):
        row = [key, _num(result.get(f"{key}_ms"), "ms")]
        if has_service:
            row.append(_num(result.get(f"service_{key}_ms"), "ms"))
        if has_closed:
            row.append(_num(result.get(f"closed_{key}_ms"), "ms"))
        rows.append(row)
    rate_row = ["requests/s", _num(result.get("achieved_rps"))]
    err_row = ["errors", _num(result.get("error_rate"), "%")]
    if has_service:
        rate_row.append("")
        err_row.append("")
    if has_closed:
        rate_row.append(_num(result.get("closed_achieved_rps")))
        err_row.append(_num(result.get("closed_error_rate"), "%"))
    rows += [rate_row, err_row]
    facts = _table(["run", ""], [
        ["target", f"<code>{escape(str(result.get('target')))}</code>"],
        ["model", escape(str(result.get("model")))],
        ["target rate", f"{_num(result.get('target_rps'))} req/s"],
        ["achieved (completed) rate", f"{_num(result.get('achieved_rps'))} req/s"],
        ["sent rate", f"{_num(result.get('send_rps'))} req/s"],
        ["requests measured", _num(result.get("requests"))],
        ["duration / ramp-up", f"{_num(result.get('duration_s'))} s / "
                               f"{_num(result.get('ramp_up_s'))} s"],
        ["generator CPU (busiest process)", f"{_num(result.get('generator_cpu_percent'))}% "
                                            "of a core"],
        ["schedule lag p99 / max", f"{_num(result.get('schedule_lag_p99_ms'), 'ms')} / "
                                   f"{_num(result.get('schedule_lag_max_ms'), 'ms')}"],
        ["started", escape(str(result.get("started_at")))],
    ])
    return facts + "\n" + _table(head, rows)


def _thresholds(result: Mapping[str, Any]) -> str:
    items = result.get("thresholds") or []
    if not items:
        return '<p class="muted">No thresholds were given (<code>--threshold</code>).</p>'
    rows = []
    for item in items:
        ok = bool(item.get("passed"))
        actual = item.get("actual")
        key = str(item.get("key", ""))
        shown = _num(actual, "%" if key == "error_rate" else "ms" if key.endswith("_ms") else "")
        rows.append([f"<code>{escape(str(item.get('expression')))}</code>", shown,
                     f'<span class="{"ok" if ok else "bad"}">{"held" if ok else "missed"}</span>'])
    return _table(["threshold", "measured", "outcome"], rows)


def _charts(result: Mapping[str, Any]) -> str:
    timeline = result.get("timeline") or []
    seconds = [float(row["second"]) + 0.5 for row in timeline]
    rate = svg.line_chart(
        "Requests per second",
        [("target", "#9aa0b4", list(zip(seconds, [r.get("target_rps") for r in timeline],
                                        strict=True))),
         ("completed", "#4a6fd8", list(zip(seconds, [r.get("rps") for r in timeline],
                                           strict=True))),
         ("errors", "#d35a5a", list(zip(seconds, [r.get("errors") for r in timeline],
                                        strict=True)))],
        "seconds since start", "req/s")
    latency = svg.line_chart(
        "Latency percentiles per second (by completion time)",
        [(name, color, list(zip(seconds, [r.get(f"{name}_ms") for r in timeline], strict=True)))
         for name, color in _COLORS.items() if name != "max"],
        "seconds since start", "ms")
    bins = [(float(b["low_ms"]), float(b["high_ms"]), int(b["count"]))
            for b in result.get("histogram") or []]
    histogram = svg.histogram_chart("Latency distribution (steady state)", bins,
                                    "latency, ms (log scale)")
    errors = svg.bar_chart("Errors by kind", [(str(k), float(v)) for k, v in
                                              (result.get("errors_by_kind") or {}).items()],
                           "requests")
    charts = [rate, latency, histogram, errors]
    if result.get("model") == "open":
        charts.insert(2, _ladder(result))
    return "\n".join(charts)


def _ladder(result: Mapping[str, Any]) -> str:
    """Latency at each percentile, per way of measuring: coordinated omission at a glance."""
    steps = ["p50", "p75", "p90", "p95", "p99", "p999", "max"]
    labels = ["p50", "p75", "p90", "p95", "p99", "p99.9", "max"]
    ticks = [(float(i), label) for i, label in enumerate(labels)]

    def line(prefix: str, source: Mapping[str, Any]) -> list[tuple[float, float | None]]:
        return [(float(i), source.get(f"{prefix}{step}_ms")) for i, step in enumerate(steps)]

    series = [("from intended send", _COLORS["p99"], line("", result)),
              ("from actual send", _COLORS["p95"], line("service_", result))]
    closed = result.get("closed") or {}
    if closed:
        series.append(("Locust closed model", "#4a6fd8", line("", closed)))
    return svg.line_chart("Latency by percentile, by way of measuring", series, "percentile",
                          "ms", x_ticks=ticks)


def _routes(result: Mapping[str, Any]) -> str:
    routes = result.get("routes") or {}
    rows = [[escape(name), _num(r.get("requests")), _num(r.get("rps")),
             _num(r.get("error_rate"), "%"), _num(r.get("p50_ms"), "ms"),
             _num(r.get("p95_ms"), "ms"), _num(r.get("p99_ms"), "ms"),
             _num(r.get("max_ms"), "ms"), _num(r.get("service_p95_ms"), "ms")]
            for name, r in routes.items()]
    return _table(["route", "requests", "req/s", "errors", "p50", "p95", "p99", "max",
                   "service p95"], rows)


def _generator(result: Mapping[str, Any]) -> str:
    gen = result.get("generator") or {}
    rows = [[escape(str(p.get("role"))), _num(p.get("pid")), f"{_num(p.get('cpu_percent'))}%"]
            for p in gen.get("processes", [])]
    limits = gen.get("limits", {})
    text = (f'<p class="muted">A run is inconclusive when a generator process uses more than '
            f"{_num(limits.get('max_cpu_percent_of_a_core'))}% of a core, its schedule lag p99 "
            f"exceeds {_num(limits.get('max_schedule_lag_p99_ms'))} ms, or it sends less than "
            f"{float(limits.get('min_send_ratio', 0.97)) * 100:.0f}% of the target rate. "
            f"Connections opened: {_num(gen.get('connections_opened'))}; requests that waited "
            f"for a connection: {_num(gen.get('connection_waits'))}.</p>")
    return _table(["process", "pid", "CPU (of one core)"], rows) + text


def _baseline(result: Mapping[str, Any]) -> str:
    base = result.get("baseline")
    if not base:
        return ""
    rows = []
    for row in base.get("rows", []):
        metric = str(row["metric"])
        unit = "%" if metric == "error_rate" else "ms" if metric.endswith("_ms") else ""
        change = row.get("change")
        flag = ('<span class="bad">regression</span>' if row.get("regressed")
                else '<span class="muted">info</span>' if not row.get("worse_when") else "")
        rows.append([escape(metric), _num(row.get("old"), unit), _num(row.get("new"), unit),
                     "-" if change is None else f"{change * 100:+.1f}%", flag])
    notes = "".join(f"<li>{escape(str(n))}</li>" for n in base.get("notes", []))
    return (f"<h2>Compared with {escape(str(base.get('file')))} (tolerance "
            f"{float(base.get('tolerance', 0)) * 100:g}%)</h2>"
            + _table(["metric", "old", "new", "change", ""], rows)
            + (f"<ul>{notes}</ul>" if notes else ""))


def render_html(result: Mapping[str, Any]) -> str:
    notes = "".join(f"<li>{escape(str(n))}</li>" for n in result.get("notes", []))
    closed = result.get("closed") or {}
    notes += "".join(f"<li>closed model: {escape(str(n))}</li>" for n in closed.get("notes", []))
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>harness bench: {escape(str(result.get('target')))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>harness bench: <code>{escape(str(result.get('target')))}</code></h1>",
        _verdict(result),
        "<h2>Summary</h2>", _summary(result),
        "<h2>Thresholds</h2>", _thresholds(result),
        _baseline(result),
        "<h2>Over time</h2>", _charts(result),
        "<h2>Routes</h2>", _routes(result),
        "<h2>Load generator</h2>", _generator(result),
        f"<h2>Notes</h2><ul>{notes}</ul>" if notes else "",
        "</body></html>",
    ])
