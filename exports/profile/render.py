"""The profile as HTML: our own Jinja environment (autoescaped, strict, no Flask).

Answers and questionnaire texts are always escaped: nothing a State writes becomes markup, a
style or a link other than an http(s) ``href`` checked by :func:`.view.safe_link`. The only
resources the HTML names are our packaged stylesheets, as ``asset:`` URLs that
:mod:`exports.pdf` serves from ``exports/static/``.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

import engine

from ..display import punctuation
from .view import Profile

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
#: Bump by hand for changes that the file digest below cannot see (e.g. a new WeasyPrint).
TEMPLATE_REVISION = "1"
_BLANK_LINES = re.compile(r"\n\s*\n")


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["paragraphs"] = paragraphs
    env.globals["direction"] = direction
    env.globals["punctuation"] = punctuation
    return env


def html(profile: Profile) -> str:
    name = "profile/summary.html" if profile.kind == "summary" else "profile/profile.html"
    return environment().get_template(name).render(p=profile, L=profile.labels, c=profile.data.coordination)


def paragraphs(text: str) -> list[list[str]]:
    """A long answer as paragraphs (blank lines) of lines (single line breaks)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return [[line.strip() for line in block.split("\n")] for block in _BLANK_LINES.split(text) if block.strip()]


def direction(lang: str) -> str:
    return "rtl" if lang in engine.RTL_LANGUAGES else "ltr"


@cache
def template_version() -> str:
    """Changes whenever the templates, stylesheets or the code that lays out a profile change."""
    digest = hashlib.sha256(TEMPLATE_REVISION.encode())
    folders = (TEMPLATES / "profile", STATIC, Path(__file__).resolve().parent)
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".css", ".py", ".svg", ".png"):
                digest.update(str(path.relative_to(PACKAGE)).encode())
                digest.update(path.read_bytes())
    return f"{TEMPLATE_REVISION}-{digest.hexdigest()[:12]}"
