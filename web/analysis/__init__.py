"""The picture across States: technical-assistance needs by article, category and region, and
compliance by provision. Each is a page (a chart drawn on the server, and a table with the same
figures) and a CSV file.

The secretariat counts every State's latest response (submitted ones from their latest snapshot,
drafts from their live answers); everyone else counts published responses only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

import engine
from exports.data import csv_cell
from exports.provisions import BUCKETS

from .. import catalog
from ..access import login_required
from ..content import provision_number
from ..i18n import current_language, is_rtl
from ..models import QuestionnaireVersion
from . import aggregates, chart, figures

bp = Blueprint("analysis", __name__, url_prefix="/analysis")

BREAKDOWNS = ("article", "category", "region", "group")
COLOURS = {"yes": "#00703c", "partial": "#b58500", "no": "#b10e1e", "no_gap": "#4a6f99", "not_answered": "#b1b4b6"}


def _versions() -> list[QuestionnaireVersion]:
    """Current questionnaires that ask about provisions (the others have nothing to count here)."""
    return [v for v in catalog.current_versions() if _asked_chapters(catalog.questionnaire(v))]


def _asked_chapters(q: engine.Questionnaire) -> set[str]:
    """The chapters of the framework with a block about one of their provisions: the chapters of
    ``exports.provisions.layouts``, read from the blocks alone (a page reads the figures counted
    ahead, and need not build the layouts, with the questions of each provision, on its first load)."""
    framework = q.framework
    if framework is None:
        return set()
    return {framework.provisions[block.provision].chapter for block in q.blocks if block.provision is not None}


def _data() -> tuple[QuestionnaireVersion | None, list[QuestionnaireVersion], engine.Questionnaire | None,
                     aggregates.Figures]:
    """The chosen questionnaire and its figures, counted ahead (``aggregates``) for the user's audience."""
    versions = _versions()
    chosen = request.args.get("q")
    version = next((v for v in versions if v.questionnaire_id == chosen), versions[0] if versions else None)
    if version is None:
        return None, versions, None, aggregates.Figures([], {}, {})
    return version, versions, catalog.questionnaire(version), aggregates.for_page(version, current_user,
                                                                                  current_language())


@bp.get("/")
@login_required
def index() -> WerkzeugResponse:
    return redirect(url_for("analysis.assistance"))


def _breakdown() -> str:
    by = request.args.get("by", "article")
    if by not in BREAKDOWNS:
        abort(400)
    return by


def _assistance_rows(by: str, q: engine.Questionnaire, found: aggregates.Figures) -> list[figures.Row]:
    return found.rows(by, q, current_language())


def _row_label(by: str, row: figures.Row) -> str:
    if by == "article":
        return _("Article %(number)s. %(title)s", number=row.key, title=row.label) if row.label else \
            _("Article %(number)s", number=row.key)
    return row.label


def _assistance() -> tuple[str, QuestionnaireVersion | None, list[QuestionnaireVersion], aggregates.Figures,
                           list[figures.Row]]:
    """The breakdown asked for, the versions, the data counted and the rows of assistance needs."""
    by = _breakdown()
    version, versions, q, data = _data()
    return by, version, versions, data, _assistance_rows(by, q, data) if q is not None else []


@bp.get("/assistance")
@login_required
def assistance() -> str:
    by, version, versions, data, rows = _assistance()
    titles = {"article": _("Technical assistance needed, by article"),
              "category": _("Technical assistance needed, by kind of assistance"),
              "region": _("Technical assistance needed, by region"),
              "group": _("Technical assistance needed, by UN regional group")}
    svg = chart.bars([(_row_label(by, row), row.state_count) for row in rows],
                     _("%(title)s: number of States. The table below gives the same figures.", title=titles[by]),
                     f"ta-{by}", rtl=is_rtl()) if rows else None
    return render_template("analysis/assistance.html", by=by, title=titles[by], rows=rows, svg=svg,
                           version=version, versions=versions, states=len(data.data), row_label=_row_label,
                           public=not current_user.is_secretariat)


@bp.get("/assistance.csv")
@login_required
def assistance_csv() -> Response:
    by, _version, _versions, _data_, rows = _assistance()
    header = [by, "label", "states", "needs", "high_priority", "state_codes"]
    if by in ("region", "group"):
        header.insert(2, "states_reporting")
    lines = []
    for row in rows:
        line: list[Any] = [row.key, row.label, row.state_count, row.needs, row.high,
                           ";".join(code for code, _name in row.states)]
        if by in ("region", "group"):
            line.insert(2, row.reporting)
        lines.append(line)
    return _csv(f"technical-assistance-by-{by}", header, lines)


def _chapters(q: engine.Questionnaire | None) -> list[tuple[str, str]]:
    if q is None or q.framework is None:
        return []
    asked = _asked_chapters(q)
    return [(c.id, q.text(c.title, current_language()).text) for c in q.framework.chapters if c.id in asked]


def _chapter(chapters: list[tuple[str, str]]) -> str | None:
    chosen = request.args.get("chapter")
    if chosen is None:
        return chapters[0][0] if chapters else None
    if chosen == "all" or chosen in {c for c, _title in chapters}:
        return None if chosen == "all" else chosen
    abort(400)


@dataclass(frozen=True)
class ComplianceLine:
    """A line of the compliance table as drawn: every text ready, so that the template only places
    them (a chapter has up to ~80 provisions, each with the States behind five counts)."""

    provision: str
    chapter: str
    label: str  # "Article 5 (1)"
    level: str  # the level of obligation, in the reader's language
    counts: list[int]  # per series
    named: list[tuple[str, str]]  # (series label, the States named in it) for the series naming any


@bp.get("/compliance")
@login_required
def compliance() -> str:
    version, versions, q, data = _data()
    chapters = _chapters(q)
    chapter = _chapter(chapters)
    # every chapter at once: the counts only (the States behind them are on each chapter's page and
    # in the CSV file; drawing the names of 193 States for each of 200 provisions took most of a second)
    rows = data.compliance(chapter, named=chapter is not None) if q is not None else []
    series = _series(q)
    levels = {}
    if q is not None and q.framework is not None:
        levels = {level.code: q.text(level.label, current_language()).text for level in q.framework.levels}
    article = _("Article %(number)s")  # translated once, filled per provision (as gettext fills it)
    lines = [ComplianceLine(r.provision, r.chapter, article % {"number": provision_number(r.provision)},
                            levels.get(r.level, r.level), [r.count(s.key) for s in series],
                            [(s.label, r.names(s.key)) for s in series if r.states[s.key]]) for r in rows]
    svg = chart.stacked([(line.label, line.counts) for line in lines], series,
                        _("Compliance by provision: number of States per answer. The table below gives the same "
                          "figures."), "compliance", rtl=is_rtl()) if rows and data.data else None
    return render_template("analysis/compliance.html", rows=lines, svg=svg, version=version, versions=versions,
                           states=len(data.data), chapters=chapters, chapter=chapter or "all", series=series,
                           public=not current_user.is_secretariat,
                           chapter_urls={c: url_for("analysis.compliance", q=version.questionnaire_id, chapter=c)
                                         for c, _title in chapters} if version is not None else {})


def _series(q: engine.Questionnaire | None) -> list[chart.Series]:
    """The buckets of the figures (``exports.provisions.BUCKETS``); "not a gap" only where some
    level of obligation has no gaps."""
    labels = {"yes": _("Yes"), "partial": _("Yes, in part"), "no": _("No"),
              "no_gap": _("Not a gap (no obligation)"), "not_answered": _("Not answered")}
    no_gaps = q is not None and q.framework is not None and any(not level.gaps for level in q.framework.levels)
    return [chart.Series(key, labels[key], COLOURS[key]) for key in BUCKETS if key != "no_gap" or no_gaps]


@bp.get("/compliance.csv")
@login_required
def compliance_csv() -> Response:
    version, _versions_, q, data = _data()
    chapter = _chapter(_chapters(q))
    rows = data.compliance(chapter) if q is not None else []
    buckets = [series.key for series in _series(q)]
    header = ["chapter", "article", "provision", "level", *buckets, *(f"{b}_states" for b in buckets)]
    lines = [[r.chapter, r.article, r.provision, r.level, *(r.count(b) for b in buckets),
              *(";".join(code for code, _name in r.states[b]) for b in buckets)] for r in rows]
    return _csv(f"compliance-by-provision-{chapter or 'all'}", header, lines)


def _csv(name: str, header: list[str], lines: list[list[Any]]) -> Response:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for line in lines:
        writer.writerow([csv_cell(value) for value in line])
    return Response(buffer.getvalue().encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name.lower()}.csv"'})
