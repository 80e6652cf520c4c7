"""Bar charts as SVG, drawn on the server (no JavaScript), for pages that also show the same
figures in a table. Every text is escaped; right-to-left pages get mirrored charts (labels on the
right, bars growing to the left, texts laid out right to left)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 760
LABEL = 300  # room for the labels
ROW = 24
BAR = 16
TOP = 8
MAX_LABEL = 44  # characters; the table has the full text


@dataclass(frozen=True)
class Series:
    key: str  # also the CSS class: chart-<key>
    label: str
    colour: str


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1].rstrip() + "…"


def _frame(height: int, title: str, uid: str, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{escape(uid)}-title">'
            f'<title id="{escape(uid)}-title">{escape(title)}</title>')
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text above and in body is escaped


def _text(x: float, y: float, inner: str, css: str, rtl: bool, anchor: str = "start") -> str:
    """A text placed at ``x``. With ``direction="rtl"`` the start of a text is its right end, so
    right-to-left texts always hang from their right end."""
    if rtl:
        anchor = "start"
    return (f'<text x="{x:.1f}" y="{y:.1f}" direction="{"rtl" if rtl else "ltr"}" text-anchor="{anchor}" '
            f'class="{css}">{inner}</text>')


def _label(y: float, label: str, rtl: bool) -> str:
    inner = f"<title>{escape(label)}</title>{escape(_short(label))}"
    return _text(WIDTH - 6 if rtl else LABEL - 8, y, inner, "chart-label", rtl, anchor="end")


def _rect(x: float, y: float, width: float, key: str, colour: str, rtl: bool) -> str:
    """A bar ``width`` long starting ``x`` after the labels (mirrored right to left)."""
    left = WIDTH - LABEL - x - width if rtl else LABEL + x
    return (f'<rect x="{left:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{BAR}" fill="{colour}" '
            f'class="chart-{escape(key)}"/>')


def bars(rows: Sequence[tuple[str, int]], title: str, uid: str, rtl: bool = False, colour: str = "#1d5fa8") -> Markup:
    """One bar per (label, value)."""
    top = max((value for _label_text, value in rows), default=0) or 1
    area = WIDTH - LABEL - 48
    body = []
    for index, (label, value) in enumerate(rows):
        y = TOP + index * ROW
        width = area * value / top
        body.append(_label(y + BAR - 3, label, rtl))
        body.append(_rect(0, y, width, "bar", colour, rtl))
        x_value = WIDTH - LABEL - width - 4 if rtl else LABEL + width + 4
        body.append(_text(x_value, y + BAR - 3, str(int(value)), "chart-value", rtl))
    return _frame(TOP * 2 + len(rows) * ROW, title, uid, body)


def stacked(rows: Sequence[tuple[str, Sequence[int]]], series: Sequence[Series], title: str, uid: str,
            rtl: bool = False) -> Markup:
    """One bar per label, cut into the series' shares of the row's total, with a legend on top."""
    area = WIDTH - LABEL - 12
    body = []
    legend = 0.0
    for item in series:
        x = WIDTH - legend - 14 if rtl else legend
        body.append(f'<rect x="{x:.1f}" y="4" width="14" height="14" fill="{item.colour}" '
                    f'class="chart-{escape(item.key)}"/>')
        body.append(_text(x - 4 if rtl else x + 18, 16, str(escape(item.label)), "chart-legend", rtl))
        legend += 30 + 8 * len(item.label)
    offset = 30
    for index, (label, values) in enumerate(rows):
        y = offset + index * ROW
        total = sum(values) or 1
        body.append(_label(y + BAR - 3, label, rtl))
        done = 0.0
        for item, value in zip(series, values, strict=True):
            width = area * value / total
            if value:
                body.append(_rect(done, y, width, item.key, item.colour, rtl))
            done += width
    return _frame(offset + len(rows) * ROW + TOP, title, uid, body)
