"""The self-contained HTML report of a bench run (inline CSS and SVG, no script, no URL).

It is rendered from the result JSON alone, so a report can be rebuilt from any saved
``--json`` file and every figure in it is one a machine can also read. This module turns
the result into the figures and words of each section; the page itself is the template
bench.html.j2 (harness/reporters/templates), which escapes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.load import svg
from harness.load.cpusplit import cores_phrase
from harness.load.units import format_ms
from harness.reporters.templating import Cell, render

_COLORS = {"p50": "#4a6fd8", "p95": "#e0892b", "p99": "#c8324a", "max": "#888888"}
_TITLES = {"pass": "PASS", "fail": "FAIL", "inconclusive": "INCONCLUSIVE: the load generator, not your app"}

Row = list[str | Cell]


def _num(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return format_ms(float(value))
    if unit == "%":
        return f"{float(value) * 100:.2f}%"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def _verdict(result: Mapping[str, Any]) -> dict[str, Any]:
    status = str(result.get("verdict", "inconclusive"))
    return {"status": status, "title": _TITLES.get(status, status),
            "reasons": [str(r) for r in result.get("verdict_reasons", [])]}


def _facts(result: Mapping[str, Any]) -> list[Row]:
    return [
        ["target", Cell(str(result.get("target")), code=True)],
        ["model", str(result.get("model"))],
        ["target rate", f"{_num(result.get('target_rps'))} req/s"],
        ["achieved (completed) rate", f"{_num(result.get('achieved_rps'))} req/s"],
        ["sent rate", f"{_num(result.get('send_rps'))} req/s"],
        ["requests measured", _num(result.get("requests"))],
        ["duration / ramp-up", f"{_num(result.get('duration_s'))} s / {_num(result.get('ramp_up_s'))} s"],
        ["generator CPU (busiest process)", f"{_num(result.get('generator_cpu_percent'))}% of a core"],
        ["schedule lag p99 / max", f"{_num(result.get('schedule_lag_p99_ms'), 'ms')} / "
                                   f"{_num(result.get('schedule_lag_max_ms'), 'ms')}"],
        ["started", str(result.get("started_at"))],
    ]


def _latency(result: Mapping[str, Any]) -> tuple[list[str], list[Row]]:
    open_model = result.get("model") == "open"
    head = ["", "latency (from intended send)" if open_model else "latency (Locust, from send)"]
    has_service = open_model
    has_closed = open_model and "closed_p95_ms" in result
    if has_service:
        head.append("service time (from actual send)")
    if has_closed:
        head.append("Locust closed model")
    rows: list[Row] = []
    for key in ("p50", "p90", "p95", "p99", "max", "mean"):
        row: Row = [key, _num(result.get(f"{key}_ms"), "ms")]
        if has_service:
            row.append(_num(result.get(f"service_{key}_ms"), "ms"))
        if has_closed:
            row.append(_num(result.get(f"closed_{key}_ms"), "ms"))
        rows.append(row)
    rate_row: Row = ["requests/s", _num(result.get("achieved_rps"))]
    err_row: Row = ["errors", _num(result.get("error_rate"), "%")]
    if has_service:
        rate_row.append("")
        err_row.append("")
    if has_closed:
        rate_row.append(_num(result.get("closed_achieved_rps")))
        err_row.append(_num(result.get("closed_error_rate"), "%"))
    return head, [*rows, rate_row, err_row]


def _thresholds(result: Mapping[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for item in result.get("thresholds") or []:
        ok = bool(item.get("passed"))
        key = str(item.get("key", ""))
        shown = _num(item.get("actual"), "%" if key == "error_rate" else "ms" if key.endswith("_ms") else "")
        rows.append([Cell(str(item.get("expression")), code=True), shown,
                     Cell("held" if ok else "missed", css="ok" if ok else "bad")])
    return rows


def charts(result: Mapping[str, Any]) -> list[str]:
    """The report's SVG charts of one measurement (also drawn under prod.load.rps by check --html)."""
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
    split = result.get("cpu_split")
    if isinstance(split, Mapping) and split.get("parties"):
        # Who had the cores during the steady window: the app, its databases, the harness, the rest.
        cores = float(split.get("cores", 1))
        charts.append(svg.bar_chart(
            f"CPU during the load, by process ({cores_phrase(cores)} of a core; idle "
            f"{float(split.get('idle_percent', 0)):.0f}%)",
            [(str(p["name"]), float(p["core_percent"])) for p in split["parties"] if float(p["core_percent"]) >= 0.5],
            "% of a core"))
    if result.get("model") == "open":
        charts.insert(2, _ladder(result))
    return charts


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


def _routes(result: Mapping[str, Any]) -> list[Row]:
    routes = result.get("routes") or {}
    return [[str(name), _num(r.get("requests")), _num(r.get("rps")), _num(r.get("error_rate"), "%"),
             _num(r.get("p50_ms"), "ms"), _num(r.get("p95_ms"), "ms"), _num(r.get("p99_ms"), "ms"),
             _num(r.get("max_ms"), "ms"), _num(r.get("service_p95_ms"), "ms")]
            for name, r in routes.items()]


def _generator(result: Mapping[str, Any]) -> tuple[list[Row], str]:
    gen = result.get("generator") or {}
    rows: list[Row] = [[str(p.get("role")), _num(p.get("pid")), f"{_num(p.get('cpu_percent'))}%"]
                       for p in gen.get("processes", [])]
    limits = gen.get("limits", {})
    note = (f"A run is inconclusive when a generator process uses more than "
            f"{_num(limits.get('max_cpu_percent_of_a_core'))}% of a core, its schedule lag p99 "
            f"exceeds {_num(limits.get('max_schedule_lag_p99_ms'))} ms, or it sends less than "
            f"{float(limits.get('min_send_ratio', 0.97)) * 100:.0f}% of the target rate. "
            f"Connections opened: {_num(gen.get('connections_opened'))}; requests that waited "
            f"for a connection: {_num(gen.get('connection_waits'))}.")
    return rows, note


def _baseline(result: Mapping[str, Any]) -> dict[str, Any] | None:
    base = result.get("baseline")
    if not base:
        return None
    rows: list[Row] = []
    for row in base.get("rows", []):
        metric = str(row["metric"])
        unit = "%" if metric == "error_rate" else "ms" if metric.endswith("_ms") else ""
        change = row.get("change")
        flag = (Cell("regression", css="bad") if row.get("regressed")
                else Cell("info", css="muted") if not row.get("worse_when") else "")
        rows.append([metric, _num(row.get("old"), unit), _num(row.get("new"), unit),
                     "-" if change is None else f"{change * 100:+.1f}%", flag])
    return {"file": str(base.get("file")), "tolerance": f"{float(base.get('tolerance', 0)) * 100:g}%",
            "rows": rows, "notes": [str(n) for n in base.get("notes", [])]}


def render_html(result: Mapping[str, Any]) -> str:
    closed = result.get("closed") or {}
    notes = [str(n) for n in result.get("notes", [])]
    notes += [f"closed model: {n}" for n in closed.get("notes", [])]
    latency_head, latency_rows = _latency(result)
    processes, generator_note = _generator(result)
    return render("bench.html.j2", target=str(result.get("target")), verdict=_verdict(result),
                  facts=_facts(result), latency_head=latency_head, latency_rows=latency_rows,
                  thresholds=_thresholds(result), baseline=_baseline(result), charts=charts(result),
                  routes=_routes(result), processes=processes, generator_note=generator_note, notes=notes)
