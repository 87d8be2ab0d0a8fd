"""Charts drawn on the server as SVG, readable without JavaScript: bars with their values written on them, a
title and a text alternative for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, BAR, GAP, LABEL = 640, 22, 10, 150


def bar_chart(title: str, rows: Sequence[tuple[str, float]], unit: str = "", *, percent: bool = False) -> str:
    """Horizontal bars, one per (label, value); `percent` shows 0–1 values as percentages."""
    if not rows:
        return ""
    top = max((v for _, v in rows), default=0) or 1
    height = len(rows) * (BAR + GAP) + GAP
    span = WIDTH - LABEL - 70
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = GAP + i * (BAR + GAP)
        width = max(1.0, span * (1 if percent and value > 1 else value / (1 if percent else top)))
        shown = f"{value * 100:.1f}%" if percent else f"{value:g}{unit}"
        baseline = f"{y + BAR * 0.72:.0f}"
        parts += [
            f'<text x="{LABEL - 8}" y="{baseline}" text-anchor="end" class="chart-label">{escape(label)}</text>',
            f'<rect x="{LABEL}" y="{y}" width="{width:.1f}" height="{BAR}" class="chart-bar"/>',
            f'<text x="{LABEL + width + 6:.1f}" y="{baseline}" class="chart-value">{shown}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)
