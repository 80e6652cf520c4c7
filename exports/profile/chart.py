"""Bar charts as SVG, made here from counts (no JavaScript, no text inside the SVG: the labels
and figures sit in the HTML table around the bars, so they are translated, selectable and
mirrored for right-to-left languages like any other text)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

#: Colours of what provisions count as (exports.provisions.BUCKETS): yes, in part, no, not a gap
#: (no obligation), not answered.
COLOURS = {"yes": "#2e7d32", "partial": "#f2a900", "no": "#c62828", "no_gap": "#5b7fa6", "not_answered": "#c9ced6"}
_STATUSES = tuple(COLOURS[bucket] for bucket in ("yes", "partial", "no", "not_answered"))
WIDTH = 200.0
HEIGHT = 12.0


def stacked_bar(counts: Sequence[int], rtl: bool = False, width: float = WIDTH, height: float = HEIGHT,
                colours: Sequence[str] = _STATUSES, title: str = "") -> Markup:
    """One horizontal bar split in proportion to ``counts``, each part in its colour (drawn from the
    right when ``rtl``); ``title`` is its alternative text (the figures in words: the tagged PDF's /Alt)."""
    total = sum(max(0, int(count)) for count in counts)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="bar" viewBox="0 0 {width:g} {height:g}" '
             f'width="{width:g}" height="{height:g}" preserveAspectRatio="none" role="img">',
             f'<title>{escape(title)}</title>' if title else "",
             f'<rect x="0" y="0" width="{width:g}" height="{height:g}" fill="#eef0f3"/>']
    position = 0.0
    for count, colour in zip(counts, colours, strict=False):
        count = max(0, int(count))
        if not total or not count:
            continue
        length = width * count / total
        x = width - position - length if rtl else position
        parts.append(f'<rect x="{x:.2f}" y="0" width="{length:.2f}" height="{height:g}" fill="{colour}"/>')
        position += length
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - numbers, our own colour constants, an escaped title


def swatch(colour: str, title: str = "") -> Markup:
    """The small coloured square of a legend entry (``colour``: one of :data:`COLOURS`; ``title``:
    its alternative text, the colour's meaning)."""
    if colour not in COLOURS.values():
        raise ValueError(f"not one of our colours: {colour!r}")
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="swatch" viewBox="0 0 10 10" width="10" '  # noqa: S704
                  f'height="10" role="img"><title>{escape(title)}</title>'  # our constants, an escaped title
                  f'<rect width="10" height="10" fill="{colour}"/></svg>')
