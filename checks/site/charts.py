"""Pictures drawn at build time as inline SVG: no script, no font, no request.

Each chart is an accessible image (``role="img"`` with a title and a description)
and each is accompanied on its page by the same figures as a table.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

INK = "#1f1f1f"
GRID = "#c7c7c7"
LINE = "#1a4f8b"
TARGET = "#a4161a"
HELD_FILL, HELD_INK = "#dff0e0", "#1b5e20"
OVERDUE_FILL, OVERDUE_INK = "#fbe3e2", "#8e1111"
EMPTY_FILL, EMPTY_INK = "#f3f3f3", "#4a4a4a"


@dataclass(frozen=True)
class Point:
    label: str  # the period, e.g. 2026-Q3
    value: float
    note: str = ""  # shown as the point's tooltip, e.g. "own survey" or "tier survey"


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def trend(
    points: Sequence[Point],
    *,
    ident: str,
    title: str,
    low: float = 0.0,
    high: float = 100.0,
    target: float | None = None,
    unit: str = "",
) -> str:
    """A line chart of scores over periods, with the target as a dashed line."""
    width, height = 640, 240
    left, right, top, bottom = 44, 76, 16, 34
    inset = 28  # keeps the first and last period labels inside the picture
    plot_w, plot_h = width - left - right, height - top - bottom
    span = (high - low) or 1.0

    def y(value: float) -> float:
        clamped = min(max(value, low), high)
        return top + plot_h * (1 - (clamped - low) / span)

    def x(index: int) -> float:
        if len(points) == 1:
            return left + plot_w / 2
        return left + inset + (plot_w - 2 * inset) * index / (len(points) - 1)

    description = "; ".join(f"{p.label}: {_number(p.value)}{unit}" for p in points) or "no results"
    if target is not None:
        description += f"; target {_number(target)}{unit}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="brm-chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" style="max-width:100%;height:auto" '
        f'aria-labelledby="{_attr(ident)}-title {_attr(ident)}-desc">',
        f'<title id="{_attr(ident)}-title">{_attr(title)}</title>',
        f'<desc id="{_attr(ident)}-desc">{_attr(description)}</desc>',
    ]
    for step in range(5):
        value = low + span * step / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{_number(value)}</text>'
        )
    if target is not None:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{width - right + 6}" y="{y(target) + 4:.1f}" text-anchor="start" font-size="12" '
            f'fill="{TARGET}">target {_attr(_number(target))}{_attr(unit)}</text>'
        )
    if len(points) > 1:
        coordinates = " ".join(f"{x(i):.1f},{y(p.value):.1f}" for i, p in enumerate(points))
        parts.append(f'<polyline points="{coordinates}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    for i, p in enumerate(points):
        tooltip = f"{p.label}: {_number(p.value)}{unit}" + (f" ({p.note})" if p.note else "")
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="4.5" fill="{LINE}">'
            f"<title>{_attr(tooltip)}</title></circle>"
            f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" font-size="12" '
            f'fill="{INK}">{_attr(p.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Cell:
    review: bool = False
    survey: bool = False
    overdue: bool = False

    @property
    def label(self) -> str:
        return "".join(("R" if self.review else "", "S" if self.survey else "", "!" if self.overdue else ""))

    def describe(self) -> str:
        words = [w for w, on in (("review held", self.review), ("survey held", self.survey),
                                 ("overdue", self.overdue)) if on]  # fmt: skip
        return ", ".join(words) or "nothing held"


def heatmap(rows: Sequence[tuple[str, Sequence[Cell]]], months: Sequence[str], *, ident: str, title: str) -> str:
    """Customers x months: R a review held, S a survey held, ! overdue at the month's end."""
    label_w, cell_w, cell_h, head_h = 200, 46, 28, 42
    width = label_w + cell_w * len(months) + 8
    height = head_h + cell_h * len(rows) + 8
    overdue = sum(c.overdue for _, cells in rows for c in cells)
    description = (
        f"{len(rows)} customers over {len(months)} months ({months[0] if months else ''} to "
        f"{months[-1] if months else ''}); R a performance review held, S a satisfaction survey held, "
        f"! a review or survey overdue at the end of the month; {overdue} overdue customer-months."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="brm-chart brm-heatmap" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" style="max-width:100%;height:auto" '
        f'aria-labelledby="{_attr(ident)}-title {_attr(ident)}-desc">',
        f'<title id="{_attr(ident)}-title">{_attr(title)}</title>',
        f'<desc id="{_attr(ident)}-desc">{_attr(description)}</desc>',
    ]
    for j, month in enumerate(months):
        cx = label_w + cell_w * j + cell_w / 2
        year, _, number = month.partition("-")
        parts.append(
            f'<text x="{cx:.1f}" y="16" text-anchor="middle" font-size="11" fill="{INK}">{_attr(number)}</text>'
            f'<text x="{cx:.1f}" y="32" text-anchor="middle" font-size="10" fill="{EMPTY_INK}">{_attr(year)}</text>'
        )
    for i, (name, cells) in enumerate(rows):
        top = head_h + cell_h * i
        shown = name if len(name) <= 28 else name[:27] + "\u2026"
        parts.append(
            f'<text x="{label_w - 8}" y="{top + cell_h / 2 + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{_attr(shown)}<title>{_attr(name)}</title></text>'
        )
        for j, cell in enumerate(cells):
            fill, ink = (
                (OVERDUE_FILL, OVERDUE_INK)
                if cell.overdue
                else (HELD_FILL, HELD_INK)
                if cell.review or cell.survey
                else (EMPTY_FILL, EMPTY_INK)
            )
            x0 = label_w + cell_w * j
            parts.append(
                f'<rect x="{x0 + 1}" y="{top + 1}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}" rx="3">'
                f"<title>{_attr(name)}, {_attr(months[j])}: {_attr(cell.describe())}</title></rect>"
                f'<text x="{x0 + cell_w / 2:.1f}" y="{top + cell_h / 2 + 4:.1f}" text-anchor="middle" '
                f'font-size="12" font-weight="bold" fill="{ink}">{_attr(cell.label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def figure(svg: str, caption: str) -> str:
    """An SVG as a block of raw HTML in a Markdown page (``figure`` is block-level; ``svg`` is not)."""
    return f'<figure class="brm-figure">\n{svg}\n<figcaption>{html.escape(caption)}</figcaption>\n</figure>'
