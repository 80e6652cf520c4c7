"""What parts of the full country profile cost in WeasyPrint: the profile as shipped beside copies with
one thing taken out of the HTML or CSS, or one WeasyPrint option changed, each rendered in a fresh
process forked from one with WeasyPrint imported (as the product's workers are), interleaved (the
order reversed every other run), CPU of the worker, medians. The machine is noisy: differences under
about 10 % are not to be trusted.

    python bench/pdf_variants.py [--repeat 3] [--lang en] [--only base,no-tags,...]
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import resource
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cut(pattern: str, replacement: str = "") -> Callable[[str], str]:
    """A change of the HTML (stylesheets written in): ``pattern`` replaced; it must be found."""

    def change(html: str) -> str:
        changed = re.sub(pattern, replacement, html, flags=re.S)
        assert changed != html, f"not found: {pattern}"
        return changed

    return change


def both(*changes: Callable[[str], str]) -> Callable[[str], str]:
    def change(html: str) -> str:
        for one in changes:
            html = one(html)
        return html

    return change


def same(html: str) -> str:
    return html


MARGIN_HEADERS = both(cut(r"@top-left \{[^}]*\}"), cut(r"@top-right \{[^}]*\}"))
VARIANTS: dict[str, tuple[Callable[[str], str], dict[str, Any]]] = {
    "base": (same, {}),
    # WeasyPrint's options (the product writes PDF/UA-1)
    "no-tags": (same, {"pdf_variant": None}),
    "uncompressed": (same, {"uncompressed_pdf": True}),
    "full_fonts": (same, {"full_fonts": True}),
    "hinting": (same, {"hinting": True}),
    "optimize_images": (same, {"optimize_images": True}),
    # paged media
    "no-string-set": (both(cut(r"string-set: [^;}]*;?"), MARGIN_HEADERS), {}),
    "no-page-count": (cut(r'counter\(page\) " / " counter\(pages\)', "counter(page)"), {}),
    "no-target-counter": (cut(r"\.toc a::after \{[^}]*\}"), {}),
    "no-page-margin-boxes": (both(MARGIN_HEADERS, cut(r"@bottom-center \{[^}]*\}")), {}),
    # breaks
    "no-tr-avoid": (cut(r"table\.grid tr \{ break-inside: avoid; \}"), {}),
    "no-break-after-avoid": (cut(r"page-break-after: avoid; break-after: avoid;"), {}),
    "no-orphans": (cut(r"orphans: 2; widows: 2;"), {}),
    # tables
    "no-thead": (both(cut(r"<thead>", '<tbody class="h">'), cut(r"</thead>", "</tbody>")), {}),
    "no-fixed-layout": (cut(r"table-layout: fixed;"), {}),
    "no-grid-borders": (cut(r"border: 0\.4pt solid #c5ccd6; "), {}),
    # small inline pieces
    "no-badges-style": (cut(r"\.st \{[^}]*\}"), {}),
    "no-radius": (cut(r"border-radius: [^;]*;"), {}),
    "no-tag-spans": (cut(r'<span class="tag"[^>]*>[A-Z]+</span>'), {}),
    "no-links": (cut(r"<a [^>]*>(.*?)</a>", r"\1"), {}),
    "no-svg": (cut(r"<svg.*?</svg>"), {}),
}


def render(html: str, options: dict[str, Any], target: str) -> int:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from exports import pdf

    document = HTML(string=html, url_fetcher=pdf.asset_fetcher()).render(font_config=FontConfiguration())
    pdf._tag_details()
    document.write_pdf(target, **{"pdf_variant": pdf.PDF_VARIANT, **options})
    return len(document.pages)


def in_worker(html: str, options: dict[str, Any], target: str) -> tuple[int, float, int]:
    """Pages, CPU seconds and file size of one render in a forked process."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            pages = render(html, options, target)
            usage = resource.getrusage(resource.RUSAGE_SELF)  # a forked child starts from zero
            os.write(write, pickle.dumps((pages, usage.ru_utime + usage.ru_stime, os.path.getsize(target))))
        finally:
            os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    result: tuple[int, float, int] = pickle.loads(data)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--only", default="", help="comma-separated names (default: all): " + ", ".join(VARIANTS))
    args = parser.parse_args()
    from bench.profiles import profile_data, standalone
    from exports.profile import build_html

    names = [name for name in args.only.split(",") if name] or list(VARIANTS)
    if "base" not in names:
        names.insert(0, "base")
    html = standalone(build_html(profile_data(), args.lang, "full"))
    documents = {name: VARIANTS[name][0](html) for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    facts: dict[str, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory() as folder:
        render("<p>warm-up</p>", {}, os.path.join(folder, "warm.pdf"))  # imports, like the fork server
        for run in range(args.repeat):
            for name in names if run % 2 == 0 else names[::-1]:
                pages, seconds, size = in_worker(documents[name], VARIANTS[name][1], os.path.join(folder, "x.pdf"))
                cpu[name].append(seconds)
                facts[name] = (pages, size)
                print(f"run {run} {name:22} {seconds:6.2f} s", flush=True)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    base = statistics.median(cpu["base"])
    print(f"\nfull profile, {args.lang}; load average {load}; CPU medians of {args.repeat}")
    for name in names:
        value = statistics.median(cpu[name])
        print(f"{name:22} {facts[name][0]:3d} pages {facts[name][1] / 1024:6.0f} KB {value:6.2f} s "
              f"{(value / base - 1) * 100:+6.1f} %   " + ", ".join(f"{seconds:.2f}" for seconds in cpu[name]))


if __name__ == "__main__":
    main()
