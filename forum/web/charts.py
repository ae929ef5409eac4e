"""Small server-side SVG charts, so pages need no chart library."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup, escape


def line_chart_svg(
    points: list[tuple[datetime, int]],
    *,
    width: int = 600,
    height: int = 160,
    label: str = "Reputation over time",
) -> Markup:
    """A step-free polyline of (day, value) with first/last labels and the maximum."""
    if not points:
        return Markup("")
    pad_left, pad_right, pad_top, pad_bottom = 44, 12, 12, 24
    inner_w, inner_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    start, end = points[0][0], points[-1][0]
    span = max((end - start).total_seconds(), 1.0)
    low = min(value for _, value in points)
    high = max(value for _, value in points)
    value_span = max(high - low, 1)

    def x(moment: datetime) -> float:
        return pad_left + inner_w * (moment - start).total_seconds() / span

    def y(value: int) -> float:
        return pad_top + inner_h * (1 - (value - low) / value_span)

    coords = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in points)
    if len(points) == 1:
        coords = f"{pad_left},{y(points[0][1]):.1f} {pad_left + inner_w},{y(points[0][1]):.1f}"
    summary = f"{label}: from {points[0][1]} on {start:%d %b %Y} to {points[-1][1]} on {end:%d %b %Y}"
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(summary)}"'
        f' preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(summary)}</title>",
        f'<line class="axis" x1="{pad_left}" y1="{pad_top + inner_h}" x2="{pad_left + inner_w}"'
        f' y2="{pad_top + inner_h}"/>',
        f'<line class="axis" x1="{pad_left}" y1="{pad_top}" x2="{pad_left}" y2="{pad_top + inner_h}"/>',
        f'<text class="tick" x="{pad_left - 6}" y="{pad_top + 4}" text-anchor="end">{high}</text>',
        f'<text class="tick" x="{pad_left - 6}" y="{pad_top + inner_h}" text-anchor="end">{low}</text>',
        f'<text class="tick" x="{pad_left}" y="{height - 6}">{start:%d %b}</text>',
        f'<text class="tick" x="{pad_left + inner_w}" y="{height - 6}" text-anchor="end">{end:%d %b}</text>',
        f'<polyline class="line" fill="none" points="{coords}"/>',
        "</svg>",
    ]
    return Markup("".join(parts))


def bar_chart_svg(
    labels: list[str],
    series: dict[str, list[int]],
    *,
    width: int = 600,
    height: int = 180,
    label: str = "Counts per day",
) -> Markup:
    """Stacked bars, one per label, one colour class per series (`bar-<name>`), with a legend."""
    if not labels:
        return Markup("")
    pad_left, pad_right, pad_top, pad_bottom = 36, 12, 24, 24
    inner_w, inner_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    high = max(max(totals), 1)
    slot = inner_w / len(labels)
    bar = max(slot * 0.7, 1.0)
    described = "; ".join(f"{name}: {sum(values)}" for name, values in series.items())
    summary = f"{label}, {labels[0]} to {labels[-1]} ({described})"
    parts = [
        f'<svg class="chart bar-chart" viewBox="0 0 {width} {height}" role="img"'
        f' aria-label="{escape(summary)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(summary)}</title>",
        f'<line class="axis" x1="{pad_left}" y1="{pad_top + inner_h}" x2="{pad_left + inner_w}"'
        f' y2="{pad_top + inner_h}"/>',
        f'<text class="tick" x="{pad_left - 6}" y="{pad_top + 4}" text-anchor="end">{high}</text>',
        f'<text class="tick" x="{pad_left - 6}" y="{pad_top + inner_h}" text-anchor="end">0</text>',
    ]
    if len(labels) == 1:
        parts.append(
            f'<text class="tick" x="{pad_left + inner_w / 2:.1f}" y="{height - 6}"'
            f' text-anchor="middle">{escape(labels[0])}</text>'
        )
    else:
        parts.append(f'<text class="tick" x="{pad_left}" y="{height - 6}">{escape(labels[0])}</text>')
        parts.append(
            f'<text class="tick" x="{pad_left + inner_w}" y="{height - 6}" text-anchor="end">'
            f"{escape(labels[-1])}</text>"
        )
    for index in range(len(labels)):
        x = pad_left + slot * index + (slot - bar) / 2
        base: float = pad_top + inner_h
        for name, values in series.items():
            value = values[index]
            if not value:
                continue
            h = inner_h * value / high
            base -= h
            parts.append(
                f'<rect class="bar bar-{escape(name)}" x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}"'
                f' height="{h:.1f}"><title>{escape(labels[index])}: {value} {escape(name)}</title></rect>'
            )
    legend_x = pad_left
    for name in series:
        parts.append(f'<rect class="bar bar-{escape(name)}" x="{legend_x}" y="4" width="10" height="10"/>')
        parts.append(f'<text class="tick" x="{legend_x + 14}" y="13">{escape(name)}</text>')
        legend_x += 90
    parts.append("</svg>")
    return Markup("".join(parts))
