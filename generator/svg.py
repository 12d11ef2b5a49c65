"""Small charts drawn at build time as inline SVG: no charting script, nothing loaded from elsewhere."""

from __future__ import annotations

import html
from collections.abc import Sequence

from .text import Trusted

BAR_COLOUR = "var(--md-primary-fg-color)"
TEXT_COLOUR = "var(--md-default-fg-color--light)"


def bar_chart(bars: Sequence[tuple[str, int]], title: str, width: int = 560, height: int = 140) -> Trusted:
    """A labelled vertical bar chart; every bar has a tooltip and the chart a text alternative."""
    if not bars:
        return Trusted("")
    top = max(value for _, value in bars) or 1
    slot = width / len(bars)
    bar_width = max(2.0, min(40.0, slot * 0.7))
    plot = height - 34
    label_every = max(1, round(len(bars) / 12))
    summary = ", ".join(f"{label}: {value}" for label, value in bars)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{html.escape(title)}: {html.escape(summary)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{html.escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(bars):
        x = index * slot + (slot - bar_width) / 2
        bar = plot * value / top
        y = 16 + plot - bar
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{bar:.1f}" fill="{BAR_COLOUR}">'
            f"<title>{html.escape(label)}: {value}</title></rect>"
        )
        if value:
            parts.append(
                f'<text x="{x + bar_width / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle" '
                f'fill="{TEXT_COLOUR}">{value}</text>'
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + bar_width / 2:.1f}" y="{height - 4}" font-size="11" text-anchor="middle" '
                f'fill="{TEXT_COLOUR}">{html.escape(label)}</text>'
            )
    parts.append("</svg>")
    return Trusted("".join(parts))
