"""Small charts drawn at build time as inline SVG: no charting script, nothing loaded from elsewhere."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from .escape import Trusted

MAP_EDGES = 40
"""How many of the strongest topic pairs the topic map draws."""

BAR_COLOUR = "var(--md-primary-fg-color)"
TEXT_COLOUR = "var(--md-default-fg-color--light)"


FONT_PX = 12
"""Chart text size in CSS pixels: charts are drawn without a viewBox (x in percent of the width, y
in pixels), so their text keeps this size on any screen instead of shrinking with the drawing."""

NARROWEST_PX = 340
"""The narrowest chart to keep legible (a 375 px phone): axis labels are thinned and bar values left
to the tooltips so that they do not collide at this width."""


def _text_px(text: str) -> float:
    """A generous estimate of the width of ``text`` at ``FONT_PX`` (no font metrics at build time)."""
    return len(text) * FONT_PX * 0.62


def bar_chart(
    bars: Sequence[tuple[str, int]],
    title: str,
    width: int = 560,
    height: int = 140,
    links: Sequence[str | None] = (),
) -> Trusted:
    """A labelled vertical bar chart; every bar has a tooltip and the chart a text alternative.

    ``width`` is the width the bars are proportioned for; the chart fills the width it is given
    and is ``height`` pixels high, its text ``FONT_PX`` on every screen. With ``links`` (an address
    or None per bar), each bar with an address is a link to it, named by its label and value; the
    chart is then a group of links rather than one image.
    """
    if not bars:
        return Trusted("")
    top = max(value for _, value in bars) or 1
    slot = 100 / len(bars)
    bar_width = max(2.0, min(40.0, width / len(bars) * 0.7)) * 100 / width
    plot = height - 34
    values_fit = NARROWEST_PX / len(bars) >= _text_px(str(top)) + 4
    summary = ", ".join(f"{label}: {value}" for label, value in bars)
    role = 'role="group"' if any(links) else 'role="img"'
    parts = [
        f'<svg class="chart" width="100%" height="{height}" {role} '
        f'aria-label="{html.escape(title)}: {html.escape(summary)}" xmlns="http://www.w3.org/2000/svg"'
        + (' xmlns:xlink="http://www.w3.org/1999/xlink">' if any(links) else ">"),
        f"<title>{html.escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(bars):
        x = index * slot + (slot - bar_width) / 2
        bar = plot * value / top
        y = 16 + plot - bar
        rect = (
            f'<rect x="{x:.2f}%" y="{y:.1f}" width="{bar_width:.2f}%" height="{bar:.1f}" fill="{BAR_COLOUR}">'
            f"<title>{html.escape(label)}: {value}</title></rect>"
        )
        link = links[index] if index < len(links) else None
        if link:
            # The whole height of the slot is the target, so a short bar is easy to hit. The address
            # is an xlink:href: Material's instant navigation sets the ``href`` property of every
            # element with an ``href`` attribute, which an SVG link does not allow (a TypeError).
            rect = (
                f'<a xlink:href="{html.escape(link)}" class="chart__link" aria-label="{html.escape(label)}: {value}">'
                f'<rect x="{index * slot:.2f}%" y="0" width="{slot:.2f}%" height="{16 + plot}" fill="transparent"/>'
                f"{rect}</a>"
            )
        parts.append(rect)
        if value and values_fit:
            parts.append(
                f'<text x="{x + bar_width / 2:.2f}%" y="{y - 3:.1f}" font-size="{FONT_PX}" text-anchor="middle" '
                f'fill="{TEXT_COLOUR}">{value}</text>'
            )
    parts += _axis_labels([label for label, _ in bars], height - 4)
    parts.append("</svg>")
    return Trusted("".join(parts))


def _axis_labels(labels: Sequence[str], y: float) -> list[str]:
    """Labels under evenly spaced bars, the last bar's always: from the right, every few bars, none
    cut at an edge or touching the one to its right at the narrowest width (``NARROWEST_PX``). As x
    is in percent, labels only move apart on a wider chart; one held at an edge is anchored there."""
    gap = 6.0
    slot = NARROWEST_PX / len(labels) if labels else 1.0
    widths = [_text_px(label) for label in labels]
    every = max(1, math.ceil((max(widths, default=0) + gap) / slot))
    out: list[str] = []
    right_edge = NARROWEST_PX + gap
    for index in range(len(labels) - 1, -1, -every):
        centre = index * slot + slot / 2
        half = widths[index] / 2
        position, left, right = (
            f'x="{100 * centre / NARROWEST_PX:.2f}%" text-anchor="middle"',
            centre - half,
            centre + half,
        )
        if right > NARROWEST_PX:
            position, left, right = (
                'x="100%" dx="-1" text-anchor="end"',
                NARROWEST_PX - 1 - widths[index],
                NARROWEST_PX - 1,
            )
        elif left < 0:
            position, left, right = 'x="1" text-anchor="start"', 1.0, 1.0 + widths[index]
        if right + gap > right_edge:
            continue
        right_edge = left
        out.append(
            f'<text {position} y="{y}" font-size="{FONT_PX}" fill="{TEXT_COLOUR}">{html.escape(labels[index])}</text>'
        )
    return out[::-1]


ROW_PX = 22
"""Height of one topic's row in the topic map, in CSS pixels (the list beside the arcs uses the same:
overrides/assets/stylesheets/site.css)."""

ARC_PX = 72
"""Width of the topic map's arcs, in CSS pixels; the topics' dots sit on its right edge."""


def topic_map(
    topics: Sequence[tuple[str, str, str | None, int]],
    pairs: Sequence[tuple[str, str, int]],
) -> dict[str, object]:
    """An arc diagram of topics: one row per topic in the order given (a broader topic, then its
    narrower ones), a dot sized by its papers, and arcs joining the topics that share most papers.

    ``topics`` are (slug, name, parent slug, papers); ``pairs`` are (slug, slug, papers in both).
    The result is plain data (rows, and arcs as SVG paths in pixels) that the topics page template
    draws: the arcs as SVG, the names and counts as an HTML list beside them, one per row, so no
    label can cover another, text keeps its size on any screen and the links are ordinary links in
    the hosted and the offline build alike.
    """
    biggest = max((t[3] for t in topics), default=1) or 1
    row: dict[str, int] = {}
    nodes = []
    for index, (slug, name, parent, count) in enumerate(topics):
        row[slug] = index
        nodes.append(
            {
                "slug": slug,
                "name": name,
                "papers": count,
                "child": parent is not None,
                "y": _row_centre(index),
                "r": round(2.5 + 6.5 * (count / biggest) ** 0.5, 1),
            }
        )
    names = {t[0]: t[1] for t in topics}
    strongest = max((n for _, _, n in pairs), default=1) or 1
    # Only the strongest links: a line for every pair would hide the picture.
    shown = sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))[:MAP_EDGES]
    edges = []
    for a, b, n in shown:
        if n < 2 or a not in row or b not in row:
            continue
        top, bottom = sorted((_row_centre(row[a]), _row_centre(row[b])))
        half = (bottom - top) / 2
        bulge = round(min(ARC_PX - 6, half * 0.6 + 4), 1)
        edges.append(
            {
                # Half an ellipse from one dot to the other, bulging left (sweep flag 0).
                "d": f"M{ARC_PX} {top} A{bulge} {half} 0 0 0 {ARC_PX} {bottom}",
                "width": round(0.5 + 4 * n / strongest, 2),
                "papers": n,
                "between": f"{names[a]} and {names[b]}",
            }
        )
    return {"width": ARC_PX + 10, "height": ROW_PX * len(topics), "x": ARC_PX, "nodes": nodes, "edges": edges}


def _row_centre(index: int) -> float:
    return index * ROW_PX + ROW_PX / 2
