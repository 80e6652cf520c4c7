"""Country profiles as PDF: the download route, and the glue between the database and
:mod:`exports` (which knows nothing of Flask or the database).

Who may download what is decided before anything is built or rendered: a State's users get their
own State's profile, the secretariat every State's, readers only profiles the secretariat has
published. Anything else answers 404, as elsewhere (``web/access.py``).

Files are rendered by jobs (:mod:`web.profiles.tasks`, run by ``checklist worker``), never in a web
request: a download sends the cached file, or queues the job and answers "being prepared".
After a submission, acceptance or publication the State's profiles are re-rendered ahead
(:mod:`web.profiles.refresh`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, request
from flask_babel import force_locale, get_translations
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, select
from werkzeug.wrappers import Response as WerkzeugResponse

import engine
from exports import profile as profiles
from exports.cache import ProfileCache
from exports.pdf import DEFAULT_MEMORY, DEFAULT_TIMEOUT, Rendered, render_pdf

from .. import access, catalog, consent, progress
from ..access import login_required
from ..extensions import db
from ..i18n import LANGUAGE_NAMES, current_language
from ..jobs import views
from ..models import QuestionnaireVersion, Response, Snapshot, State, User
from ..workflow import profile_source

bp = Blueprint("profiles", __name__, url_prefix="/states")
bp.record_once(lambda setup: _refresh_init(setup.app))

#: The questionnaire whose responses profiles show.
QUESTIONNAIRE = "uncac_checklist"

# -- the route ----------------------------------------------------------------------------------
@bp.get("/<code>/profile.pdf")
@login_required
def download(code: str) -> WerkzeugResponse | tuple[Any, ...]:
    """The cached file; or, while a worker prepares it, a page that checks again by itself (JSON for
    scripts: ``?format=json`` or ``Accept: application/json``). Nothing is rendered here."""
    lang = request.args.get("lang") or current_language()
    kind = request.args.get("kind", "summary")
    if lang not in engine.UN_LANGUAGES or kind not in ("summary", "full"):
        abort(400)
    state = access.state(current_user, code)  # another State's code: 404, before anything else
    response = profile_response(current_user, state)
    if response is None:
        abort(404)
    wanted = locate(response, lang, kind, chapters=shown_chapters(current_user, response))
    from .tasks import request_render

    def what() -> str:
        labels = {"summary": _("Summary profile (PDF)"), "full": _("Full profile (PDF)")}
        return " · ".join((state.name(current_language()), labels[kind], LANGUAGE_NAMES[lang]))

    return views.download(wanted.path, "profiles.download", {"code": state.code, "lang": lang, "kind": kind},
                          name=f"{state.code}-profile-{kind}-{lang}.pdf",
                          request_job=lambda retry: request_render(wanted, retry=retry), what=what,
                          message=render_error_message, label=f"profile {state.code} {kind} {lang}")


def _refresh_init(app: Any) -> None:
    from . import refresh

    # a symbol with an unknown placeholder stops the start, saying which and what to use
    profiles.Cover.of(app.config.get("PROFILE_ORGANIZATION"), app.config.get("PROFILE_SYMBOL"))
    refresh.init_app(app)


def render_error_message(code: str) -> str:
    if code in ("timeout", "memory"):
        return _("This profile is too large to be prepared now. Please try the summary profile, or "
                 "try again later.")
    return _("The profile could not be prepared. The team has been told; please try again later.")


# -- which response -----------------------------------------------------------------------------
def profile_responses(user: User) -> Select[Response]:
    """Responses whose profile ``user`` may download (readers: published ones only)."""
    query = (select(Response).join(QuestionnaireVersion, Response.version_id == QuestionnaireVersion.id)
             .where(QuestionnaireVersion.questionnaire_id == QUESTIONNAIRE))
    return query.where(Response.id.in_(access.data_responses(user).with_only_columns(Response.id)))


def profile_response(user: User, state: State) -> Response | None:
    """The State's newest response that ``user`` may see as a profile."""
    query = profile_responses(user).where(Response.state_id == state.id)
    return db.session.scalars(query.order_by(Response.created_at.desc(), Response.id.desc())).first()


@bp.app_template_global()
def published_profiles() -> set[str]:
    """Codes of the States whose profile the current user may download (for listings)."""
    if not current_user.is_authenticated:
        return set()
    allowed = profile_responses(current_user).with_only_columns(Response.id)
    query = select(State.code).join(Response, Response.state_id == State.id).where(Response.id.in_(allowed))
    return set(db.session.scalars(query))


@bp.app_template_global()
def profile_questionnaire() -> str:
    return QUESTIONNAIRE


# -- building and rendering -----------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    folder: Path
    timeout: float
    memory: int | None

    @staticmethod
    def current() -> Settings:
        config = current_app.config
        folder = config.get("PROFILE_DIR") or os.path.join(current_app.instance_path, "profiles")
        return Settings(Path(folder), float(config.get("PROFILE_TIMEOUT", DEFAULT_TIMEOUT)),
                        config.get("PROFILE_MEMORY", DEFAULT_MEMORY))


def profile_data(response: Response, chapters: frozenset[str] | None = None,
                 kind: str = "full") -> profiles.ProfileData:
    """What the profile of ``response`` shows (from its latest submission, else its live answers),
    of ``chapters`` only when given (the State's consent, for readers); the coordination pack adds
    the needs matched to offers and the contacts (``web.assistance.pack``)."""
    source = profile_source(response)
    state = response.of_state
    snapshot = source.snapshot
    return profiles.ProfileData(
        state_code=state.code, state_names=dict(state.names), region=state.region,
        questionnaire=source.questionnaire, answers=source.answers, answer_languages=source.languages,
        status=response.status, as_of=source.as_of, snapshot_number=snapshot.number if snapshot else None,
        revision=snapshot.revision if snapshot else response.revision,
        answers_hash=snapshot.answers_hash if snapshot else "", source_key=source.key,
        focal_point=profiles.FocalPoint.of(source.questionnaire, source.answers), cover=cover(),
        previous=previous_submission(response, snapshot), chapters=tuple(scope_chapters(response)),
        progress=_figure(response, source.questionnaire, source.answers), shared=chapters,
        coordination=_coordination(state) if kind == "coordination" else None)


def _coordination(state: State) -> profiles.Coordination:
    from ..assistance.pack import coordination

    return coordination(state)


def _figure(response: Response, q: engine.Questionnaire, answers: Any) -> tuple[int, int]:
    """The same figure as every screen (web.progress) over the pages the profile shows."""
    from ..cycles import pages_of

    found = progress.Tracker(q, engine.evaluate(q, answers), layout=pages_of(response, q)).figure()
    return found.complete, found.total


def scope_chapters(response: Response) -> list[str]:
    """The chapters of the review cycle the response belongs to (empty: all)."""
    from ..cycles import scope_of

    scope = scope_of(response)
    return sorted(scope.chapters) if scope is not None else []


def previous_submission(response: Response, shown: Snapshot | None) -> profiles.Previous | None:
    """The submission the summary compares with: the one before ``shown``, or the latest one when
    the profile shows live answers (a draft)."""
    query = select(Snapshot).where(Snapshot.response_id == response.id)
    if shown is not None:
        query = query.where(Snapshot.number < shown.number)
    snapshot = db.session.scalars(query.order_by(Snapshot.number.desc())).first()
    if snapshot is None:
        return None
    version = db.session.get(QuestionnaireVersion, snapshot.version_id)
    assert version is not None
    q = catalog.questionnaire(version)
    answers = engine.answers_from_json(q, {qid: item["value"] for qid, item in snapshot.answers.items()})
    return profiles.Previous(snapshot.number, snapshot.created_at, q, answers)


def cover() -> profiles.Cover:
    """The cover the deployment configured (``PROFILE_ORGANIZATION``, ``PROFILE_SYMBOL``)."""
    config = current_app.config
    return profiles.Cover.of(config.get("PROFILE_ORGANIZATION"), config.get("PROFILE_SYMBOL"))


def gettext_for(lang: str) -> Any:
    """The interface catalog's ``gettext`` in ``lang`` (whatever the request's language)."""
    with force_locale(lang):
        translations = get_translations()
    return translations.gettext


@dataclass(frozen=True)
class Wanted:
    """One profile file: which response, kind and language, its cache key, and the file if rendered."""

    response: Response
    kind: str
    lang: str
    key: str
    path: Path | None
    chapters: frozenset[str] | None = None  # the edition of some chapters only (readers')

    @property
    def variant(self) -> str:
        return "" if self.chapters is None else "shared"


def shown_chapters(user: User, response: Response) -> frozenset[str] | None:
    """The chapters of ``response``'s profile ``user`` may see: all for those who see the response,
    for readers those the State consented to (None: all)."""
    return consent.shared_chapters(response) if access.public_view(user) else None


def locate(response: Response, lang: str, kind: str, settings: Settings | None = None,
           chapters: frozenset[str] | None = None) -> Wanted:
    """Which file holds the profile as it is now (cheap: the answers are read, not laid out)."""
    settings = settings or Settings.current()
    data = profile_data(response, chapters, kind)
    key = profiles.cache_key(data, lang, kind, gettext_for(lang))
    wanted = Wanted(response, kind, lang, key, None, chapters)
    path = ProfileCache(settings.folder).get(data.state_code, kind, lang, key, wanted.variant)
    return Wanted(response, kind, lang, key, path, chapters)


def render_file(response: Response, lang: str, kind: str, settings: Settings | None = None,
                chapters: frozenset[str] | None = None) -> tuple[Path, Rendered | None]:
    """The rendered profile, from the cache or rendered now in the limited worker process:
    ``(path, rendered or None)``. For jobs (:mod:`web.profiles.tasks`), never for a web request.
    Ends the session's transaction (nothing is written) before rendering."""
    settings = settings or Settings.current()
    data = profile_data(response, chapters, kind)
    gettext = gettext_for(lang)
    key = profiles.cache_key(data, lang, kind, gettext)
    db.session.rollback()  # all is in memory now: hold no transaction (on SQLite, no lock) while rendering
    cache = ProfileCache(settings.folder)
    return cache.get_or_render(data.state_code, kind, lang, key,
                               lambda: profiles.build_html(data, lang, kind, gettext),
                               render=lambda html, path: render_pdf(html, path, settings.timeout, settings.memory),
                               variant="" if chapters is None else "shared")
