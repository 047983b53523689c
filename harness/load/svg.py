"""Inline SVG charts, generated here so the HTML report needs no script and no network."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

Point = tuple[float, float | None]

WIDTH, HEIGHT = 720, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 16, 28, 40


def _nice_step(span: float, ticks: int = 5) -> float:
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _fmt(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value / 1000:g}k"
    if abs(value) >= 1:
        return f"{value:g}"
    return f"{value:.2g}"


def _frame(title: str, x_label: str, y_label: str) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{WIDTH / 2}" y="16" text-anchor="middle" class="t">{escape(title)}</text>',
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 6}" text-anchor="middle" class="l">'
        f"{escape(x_label)}</text>",
        f'<text x="14" y="{HEIGHT / 2}" text-anchor="middle" class="l" '
        f'transform="rotate(-90 14 {HEIGHT / 2})">{escape(y_label)}</text>',
    ]


def _empty(title: str, message: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} 60" width="{WIDTH}" height="60" '
            f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            f'<text x="10" y="35" class="l">{escape(title)}: {escape(message)}</text></svg>')


def line_chart(title: str, series: Sequence[tuple[str, str, Sequence[Point]]],
               x_label: str, y_label: str,
               x_ticks: Sequence[tuple[float, str]] | None = None) -> str:
    """Lines over a shared x axis; ``None`` values break a line (no data that second).

    ``x_ticks`` replaces the numeric x labels (a categorical axis: p50, p90...).
    """
    xs = [x for _, _, pts in series for x, _ in pts]
    ys = [y for _, _, pts in series for _, y in pts if y is not None]
    if not xs or not ys:
        return _empty(title, "no data")
    x_max = max(max(xs), 1.0)
    y_step = _nice_step(max(ys) * 1.05 or 1.0)
    y_max = math.ceil(max(ys) * 1.05 / y_step) * y_step or 1.0
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM

    def px(x: float) -> float:
        return _LEFT + plot_w * x / x_max

    def py(y: float) -> float:
        return _TOP + plot_h * (1 - y / y_max)

    parts = _frame(title, x_label, y_label)
    tick = 0.0
    while tick <= y_max + 1e-9:
        y = py(tick)
        parts.append(f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{WIDTH - _RIGHT}" y2="{y:.1f}" '
                     'class="g"/>')
        parts.append(f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="k">'
                     f"{_fmt(tick)}</text>")
        tick += y_step
    if x_ticks is None:
        x_step = _nice_step(x_max, 8)
        count = int(x_max / x_step + 1e-9) + 1
        x_ticks = [(i * x_step, _fmt(i * x_step)) for i in range(count)]
    for value, text in x_ticks:
        parts.append(f'<text x="{px(value):.1f}" y="{HEIGHT - _BOTTOM + 16}" '
                     f'text-anchor="middle" class="k">{escape(text)}</text>')
    parts.append(f'<rect x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}" class="f"/>')
    for index, (name, color, points) in enumerate(series):
        runs: list[list[str]] = [[]]
        for x_value, y_value in points:
            if y_value is None:
                runs.append([])
            else:
                runs[-1].append(f"{px(x_value):.1f},{py(y_value):.1f}")
        for run in runs:
            if len(run) == 1:
                cx, cy = run[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2" fill="{color}"/>')
            elif run:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" '
                             f'stroke="{color}" stroke-width="1.8"/>')
        lx = _LEFT + 10 + index * 190
        parts.append(f'<rect x="{lx}" y="{_TOP + 6}" width="12" height="3" fill="{color}"/>')
        parts.append(f'<text x="{lx + 16}" y="{_TOP + 11}" class="k">{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def histogram_chart(title: str, bins: Sequence[tuple[float, float, int]], x_label: str) -> str:
    """Counts per latency range on a log x axis (re-binned into ~48 columns)."""
    populated = [(lo, hi, n) for lo, hi, n in bins if n > 0]
    if not populated:
        return _empty(title, "no requests")
    low = max(min(lo for lo, _, _ in populated), 0.001)
    high = max(hi for _, hi, _ in populated)
    if high <= low * 1.01:
        high = low * 2
    columns = 48
    log_low, log_high = math.log10(low), math.log10(high)
    counts = [0] * columns
    for lo, hi, n in populated:
        middle = max((lo + hi) / 2, low)
        slot = int((math.log10(middle) - log_low) / (log_high - log_low) * columns)
        counts[min(max(slot, 0), columns - 1)] += n
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    top = max(counts)
    parts = _frame(title, x_label, "requests")
    parts.append(f'<rect x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}" class="f"/>')
    width = plot_w / columns
    for i, n in enumerate(counts):
        if n == 0:
            continue
        h = max(plot_h * n / top, 1.0)
        lo = 10 ** (log_low + (log_high - log_low) * i / columns)
        hi = 10 ** (log_low + (log_high - log_low) * (i + 1) / columns)
        parts.append(
            f'<rect x="{_LEFT + i * width:.1f}" y="{_TOP + plot_h - h:.1f}" '
            f'width="{max(width - 1, 1):.1f}" height="{h:.1f}" class="b">'
            f"<title>{_fmt(lo)}-{_fmt(hi)} ms: {n}</title></rect>")
    decade = math.floor(log_low)
    while decade <= math.ceil(log_high):
        value = 10.0**decade
        if low <= value <= high:
            x = _LEFT + plot_w * (decade - log_low) / (log_high - log_low)
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - _BOTTOM + 16}" text-anchor="middle" '
                         f'class="k">{_fmt(value)}</text>')
        decade += 1
    for edge, value in ((_LEFT, low), (WIDTH - _RIGHT, high)):
        parts.append(f'<text x="{edge}" y="{HEIGHT - _BOTTOM + 30}" text-anchor="middle" '
                     f'class="k">{_fmt(value)}</text>')
    parts.append(f'<text x="{_LEFT - 6}" y="{_TOP + 8}" text-anchor="end" class="k">'
                 f"{_fmt(top)}</text>")
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart(title: str, bars: Sequence[tuple[str, float]], unit: str) -> str:
    """Horizontal bars with their label and value (errors by kind)."""
    if not bars:
        return _empty(title, "none")
    row = 24
    height = _TOP + row * len(bars) + 12
    label_w = 260
    plot_w = WIDTH - label_w - 90
    top = max(v for _, v in bars) or 1.0
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<text x="{WIDTH / 2}" y="16" text-anchor="middle" class="t">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(bars):
        y = _TOP + i * row
        w = max(plot_w * value / top, 1.0)
        short = label if len(label) <= 40 else label[:39] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" class="k">'
                     f"{escape(short)}</text>")
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
                     f'class="e"><title>{escape(label)}: {value:g} {escape(unit)}</title></rect>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" class="k">{value:g}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
