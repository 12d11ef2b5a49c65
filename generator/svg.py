"""Small charts drawn at build time as inline SVG: no charting script, nothing loaded from elsewhere."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from .text import Trusted

MAP_EDGES = 40
"""How many of the strongest topic pairs the topic map draws."""

BAR_COLOUR = "var(--md-primary-fg-color)"
TEXT_COLOUR = "var(--md-default-fg-color--light)"


def bar_chart(
    bars: Sequence[tuple[str, int]],
    title: str,
    width: int = 560,
    height: int = 140,
    links: Sequence[str | None] = (),
) -> Trusted:
    """A labelled vertical bar chart; every bar has a tooltip and the chart a text alternative.

    With ``links`` (an address or None per bar), each bar with an address is a link to it, named by
    its label and value; the chart is then a group of links rather than one image.
    """
    if not bars:
        return Trusted("")
    top = max(value for _, value in bars) or 1
    slot = width / len(bars)
    bar_width = max(2.0, min(40.0, slot * 0.7))
    plot = height - 34
    summary = ", ".join(f"{label}: {value}" for label, value in bars)
    role = 'role="group"' if any(links) else 'role="img"'
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" {role} '
        f'aria-label="{html.escape(title)}: {html.escape(summary)}" xmlns="http://www.w3.org/2000/svg"'
        + (' xmlns:xlink="http://www.w3.org/1999/xlink">' if any(links) else ">"),
        f"<title>{html.escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(bars):
        x = index * slot + (slot - bar_width) / 2
        bar = plot * value / top
        y = 16 + plot - bar
        rect = (
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{bar:.1f}" fill="{BAR_COLOUR}">'
            f"<title>{html.escape(label)}: {value}</title></rect>"
        )
        link = links[index] if index < len(links) else None
        if link:
            # The whole height of the slot is the target, so a short bar is easy to hit. The address
            # is an xlink:href: Material's instant navigation sets the ``href`` property of every
            # element with an ``href`` attribute, which an SVG link does not allow (a TypeError).
            rect = (
                f'<a xlink:href="{html.escape(link)}" class="chart__link" aria-label="{html.escape(label)}: {value}">'
                f'<rect x="{index * slot:.1f}" y="0" width="{slot:.1f}" height="{16 + plot}" fill="transparent"/>'
                f"{rect}</a>"
            )
        parts.append(rect)
        if value:
            parts.append(
                f'<text x="{x + bar_width / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle" '
                f'fill="{TEXT_COLOUR}">{value}</text>'
            )
    parts += _axis_labels([label for label, _ in bars], slot, height - 4, width)
    parts.append("</svg>")
    return Trusted("".join(parts))


def _axis_labels(labels: Sequence[str], slot: float, y: float, width: int) -> list[str]:
    """Labels under evenly spaced bars, the last bar's always: from the right, every few bars, each
    held inside the chart at its edges, and none where it would touch the one to its right."""
    size, gap = 11, 6.0
    widths = [0.6 * size * len(label) for label in labels]  # roughly, for the chart's sans-serif
    every = max(1, math.ceil((max(widths, default=0) + gap) / slot), round(len(labels) / 12))
    out: list[str] = []
    right_edge = float(width) + gap
    for index in range(len(labels) - 1, -1, -every):
        centre = index * slot + slot / 2
        half = widths[index] / 2
        anchor, x, left, right = "middle", centre, centre - half, centre + half
        if right > width:
            anchor, x, left, right = "end", width - 1.0, width - 1.0 - widths[index], width - 1.0
        elif left < 0:
            anchor, x, left, right = "start", 1.0, 1.0, 1.0 + widths[index]
        if right + gap > right_edge:
            continue
        right_edge = left
        out.append(
            f'<text x="{x:.1f}" y="{y}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{TEXT_COLOUR}">{html.escape(labels[index])}</text>'
        )
    return out[::-1]


def topic_map(
    topics: Sequence[tuple[str, str, str | None, int]],
    pairs: Sequence[tuple[str, str, int]],
    width: int = 760,
    height: int = 560,
) -> dict[str, object]:
    """Positions for a map of topics: broad topics on a ring, narrower ones around their parent.

    ``topics`` are (slug, name, parent slug, papers); ``pairs`` are (slug, slug, papers in both).
    The result is plain data (nodes and edges with coordinates) that the topics page template
    draws as SVG, so its links work in the hosted and the offline build alike.
    """
    import math

    roots = [t for t in topics if t[2] is None]
    children: dict[str, list[tuple[str, str, str | None, int]]] = {}
    for topic in topics:
        if topic[2] is not None:
            children.setdefault(topic[2], []).append(topic)
    biggest = max((t[3] for t in topics), default=1) or 1
    cx, cy = width / 2, height / 2
    ring = min(width, height) / 2 - 70
    position: dict[str, tuple[float, float]] = {}
    nodes = []
    for index, (slug, name, _, count) in enumerate(roots):
        angle = 2 * math.pi * index / max(1, len(roots)) - math.pi / 2
        x, y = cx + ring * math.cos(angle), cy + ring * math.sin(angle)
        position[slug] = (x, y)
        kids = children.get(slug, [])
        for k, (kid, kid_name, _, kid_count) in enumerate(kids):
            spread = (k - (len(kids) - 1) / 2) * 0.34
            kx = cx + ring * 0.5 * math.cos(angle + spread)
            ky = cy + ring * 0.5 * math.sin(angle + spread)
            position[kid] = (kx, ky)
            nodes.append(_node(kid, kid_name, kid_count, kx, ky, biggest, child=True, above=k % 2 == 1))
        nodes.append(_node(slug, name, count, x, y, biggest, child=False))
    edges = []
    strongest = max((n for _, _, n in pairs), default=1) or 1
    # Only the strongest links: a line for every pair would hide the picture.
    shown = sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))[:MAP_EDGES]
    for a, b, n in shown:
        if n < 2:
            continue
        if a in position and b in position:
            (x1, y1), (x2, y2) = position[a], position[b]
            edges.append(
                {
                    "x1": round(x1, 1),
                    "y1": round(y1, 1),
                    "x2": round(x2, 1),
                    "y2": round(y2, 1),
                    "width": round(0.5 + 4 * n / strongest, 2),
                    "papers": n,
                }
            )
    return {"width": width, "height": height, "nodes": nodes, "edges": edges}


def _node(
    slug: str, name: str, count: int, x: float, y: float, biggest: int, child: bool, above: bool = False
) -> dict[str, object]:
    r = round(5 + 14 * (count / biggest) ** 0.5, 1)
    return {
        "slug": slug,
        "name": name,
        "papers": count,
        "x": round(x, 1),
        "y": round(y, 1),
        "r": r,
        "label_y": round(y - r - 4 if above else y + r + 12, 1),
        "child": child,
    }
