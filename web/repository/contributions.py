"""Documents furnished to the repository by providers of assistance (model laws, assessments they
carried out): a provider proposes, the secretariat publishes or rejects, and the repository shows
the published ones marked as furnished by the organization."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, or_, select
from werkzeug.wrappers import Response as WerkzeugResponse

from ..access import SECRETARIAT, require_roles
from ..db import db
from ..models import RepositoryContribution, State
from ..models.base import utcnow
from .index import words

_ARTICLES = re.compile(r"^\s*(\d{1,2}\s*)(,\s*\d{1,2}\s*)*$")


def published(query: str = "", article: str = "", state_id: int | None = None) -> list[RepositoryContribution]:
    """Published contributions matching the repository's search (words of the title or the
    description, an article, a State: those about it and those about no State)."""
    found: Select[RepositoryContribution] = select(RepositoryContribution).where(
        RepositoryContribution.status == "published")
    if state_id is not None:
        found = found.where(or_(RepositoryContribution.state_id == state_id,
                                RepositoryContribution.state_id.is_(None)))
    rows = db.session.scalars(found.order_by(RepositoryContribution.id)).all()
    wanted = words(query)
    out = []
    for row in rows:
        text = " ".join(words(f"{row.title} {row.description} {row.organization}"))
        if article and article not in row.articles:
            continue
        if all(word in text for word in wanted):  # both normalised (case, accents, diacritics)
            out.append(row)
    return out


def register(bp: Any) -> None:
    bp.add_url_rule("/contributions", "contributions", contributions, methods=["GET", "POST"])
    bp.add_url_rule("/contributions/review", "review_contributions", review, methods=["GET", "POST"])


@require_roles("provider")
def contributions() -> tuple[str, int] | WerkzeugResponse:
    errors: list[str] = []
    if request.method == "POST":
        errors = _propose()
        if not errors:
            db.session.commit()
            flash(_("Thank you: the secretariat reviews the document before it is published."), "success")
            return redirect(url_for("repository.contributions"))
    own = db.session.scalars(select(RepositoryContribution).where(RepositoryContribution.user_id == current_user.id)
                             .order_by(RepositoryContribution.created_at.desc())).all()
    return render_template("repository/contributions.html", own=own, errors=errors, form=request.form), (
        400 if errors else 200)


def _propose() -> list[str]:
    form = request.form
    title = (form.get("title") or "").strip()
    articles = (form.get("articles") or "").strip()
    link = (form.get("link") or "").strip()
    year_text = (form.get("year") or "").strip()
    code = (form.get("state") or "").strip().upper()
    errors = []
    if not title or len(title) > 500:
        errors.append(_("Give the document's title (at most 500 characters)."))
    if not _ARTICLES.match(articles):
        errors.append(_("List the articles of the Convention as numbers separated by commas, e.g. 15, 16."))
    if link and (len(link) > 1000 or not re.match(r"^https?://", link)):
        errors.append(_("A link starts with http:// or https://."))
    if year_text and not (year_text.isdigit() and 1950 <= int(year_text) <= 2100):
        errors.append(_("Give the year as four digits."))
    state = db.session.scalars(select(State).where(State.code == code)).first() if code else None
    if code and state is None:
        errors.append(_("There is no State with this code."))
    if errors:
        return errors
    db.session.add(RepositoryContribution(
        user_id=current_user.id, organization=current_user.organization or current_user.name or current_user.email,
        title=title, state_id=state.id if state else None,
        articles=sorted({a.strip() for a in articles.split(",")}, key=int), year=int(year_text) if year_text else None,
        link=link, description=(form.get("description") or "").strip()[:5000]))
    return []


@require_roles(*SECRETARIAT)
def review() -> str | WerkzeugResponse:
    if request.method == "POST":
        row = db.session.get(RepositoryContribution, request.form.get("id", type=int) or 0) or abort(404)
        decision = request.form.get("decision")
        if decision not in ("published", "rejected") or row.status != "pending":
            abort(409)
        row.status, row.reviewed_by_id, row.reviewed_at = decision, current_user.id, utcnow()
        db.session.commit()
        flash(_("The document is published.") if decision == "published" else _("The document is rejected."),
              "success")
        return redirect(url_for("repository.review_contributions"))
    pending = db.session.scalars(select(RepositoryContribution).where(RepositoryContribution.status == "pending")
                                 .order_by(RepositoryContribution.created_at)).all()
    return render_template("repository/review_contributions.html", pending=pending)
