"""Small server-side SVG charts, so pages need no chart library.

Their words (the summary a screen reader hears, the legend, the dates) are in the
request's language; dates through Babel, so month names follow it too.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape


def line_chart_svg(
    points: list[tuple[datetime, int]],
    *,
    width: int = 600,
    height: int = 120,
    label: str | None = None,
) -> Markup:
    """A step-free polyline of (day, value) with first/last dates and the lowest and highest values.

    The lines are an SVG stretched to the width of the page (preserveAspectRatio
    "none", strokes that do not scale); the labels are HTML beside it, so their
    text keeps its size and shape on a phone as on a desktop.
    """
    if not points:
        return Markup("")
    label = label or _("Reputation over time")
    pad = 4  # room for the line's stroke at the top and bottom of the plot
    inner_h = height - 2 * pad
    start, end = points[0][0], points[-1][0]
    span = max((end - start).total_seconds(), 1.0)
    low = min(value for _moment, value in points)
    high = max(value for _moment, value in points)
    value_span = max(high - low, 1)

    def x(moment: datetime) -> float:
        return width * (moment - start).total_seconds() / span

    def y(value: int) -> float:
        return pad + inner_h * (1 - (value - low) / value_span)

    coords = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in points)
    if len(points) == 1:
        coords = f"0,{y(points[0][1]):.1f} {width},{y(points[0][1]):.1f}"
    summary = _(
        "%(chart)s: from %(first)s on %(start)s to %(last)s on %(end)s",
        chart=label,
        first=points[0][1],
        start=format_date(start, "dd MMM yyyy"),
        last=points[-1][1],
        end=format_date(end, "dd MMM yyyy"),
    )
    parts = [
        f'<figure class="line-chart" role="img" aria-label="{escape(summary)}">',
        '<div class="line-chart-plot">',
        f'<span class="tick tick-high">{high}</span><span class="tick tick-low">{low}</span>',
        f'<svg class="chart-lines" viewBox="0 0 {width} {height}" preserveAspectRatio="none"'
        ' aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">',
        f'<line class="axis" x1="0" y1="{height}" x2="{width}" y2="{height}"/>',
        f'<line class="axis" x1="0" y1="0" x2="0" y2="{height}"/>',
        f'<polyline class="line" fill="none" points="{coords}"/>',
        "</svg></div>",
        f'<div class="line-chart-dates"><span class="tick">{escape(format_date(start, "dd MMM"))}</span>'
        f'<span class="tick">{escape(format_date(end, "dd MMM"))}</span></div>',
        "</figure>",
    ]
    return Markup("".join(parts))


def bar_chart_svg(
    labels: list[str],
    series: dict[str, list[int]],
    *,
    width: int = 600,
    height: int = 180,
    label: str | None = None,
    names: dict[str, str] | None = None,
) -> Markup:
    """Stacked bars, one per label, one colour class per series (`bar-<name>`), with a legend.

    Only the bars and the axis are SVG, stretched to the width of the page
    (`width` x `height` is their drawing grid). The legend and the axis labels
    are HTML around the drawing, so they keep their CSS size on a phone
    instead of shrinking with the viewBox (static/css/moderation.css).
    `names` gives a series' words for people (legend, summary, tooltips); its key stays the class.
    """
    if not labels:
        return Markup("")
    label = label or _("Counts per day")
    shown = {name: (names or {}).get(name, name) for name in series}
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    high = max(max(totals), 1)
    slot = width / len(labels)
    bar = max(slot * 0.7, 1.0)
    described = "; ".join(f"{shown[name]}: {sum(values)}" for name, values in series.items())
    summary = _(
        "%(chart)s, %(first)s to %(last)s (%(counts)s)",
        chart=label,
        first=labels[0],
        last=labels[-1],
        counts=described,
    )
    legend = "".join(
        f'<li><span class="chart-swatch bar-{escape(name)}"></span>{escape(shown[name])}</li>'
        for name in series
    )
    x_labels = [labels[0]] if len(labels) == 1 else [labels[0], labels[-1]]
    parts = [
        f'<figure class="bar-chart" role="img" aria-label="{escape(summary)}">',
        f'<ul class="chart-legend" aria-hidden="true">{legend}</ul>',
        '<div class="chart-plot">',
        f'<p class="chart-y" aria-hidden="true"><span>{high}</span><span>0</span></p>',
        f'<svg class="chart-bars" viewBox="0 0 {width} {height}" preserveAspectRatio="none"'
        ' aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">',
        f'<line class="axis" x1="0" y1="{height}" x2="{width}" y2="{height}"/>',
    ]
    for index in range(len(labels)):
        x = slot * index + (slot - bar) / 2
        base: float = height
        for name, values in series.items():
            value = values[index]
            if not value:
                continue
            h = height * value / high
            base -= h
            tooltip = _("%(day)s: %(count)s %(series)s", day=labels[index], count=value, series=shown[name])
            parts.append(
                f'<rect class="bar bar-{escape(name)}" x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}"'
                f' height="{h:.1f}"><title>{escape(tooltip)}</title></rect>'
            )
    parts.append("</svg>")
    parts.append(
        '<p class="chart-x" aria-hidden="true">'
        + "".join(f"<span>{escape(text)}</span>" for text in x_labels)
        + "</p></div></figure>"
    )
    return Markup("".join(parts))
