"""Rendering many profiles at once (``checklist profiles``): every State with a response, in
every language asked for, on all cores, through the same cache as the web app."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from exports import profile as profiles
from exports.cache import ProfileCache
from exports.pdf import Rendered, RenderError, render_many

from ..extensions import db
from ..models import QuestionnaireVersion, Response, State
from . import QUESTIONNAIRE, Settings, gettext_for, profile_data


@dataclass
class Outcome:
    rendered: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # name -> why


def latest_responses(codes: list[str] | None = None) -> list[Response]:
    """Each State's newest response to the profile questionnaire (every State with one, or ``codes``)."""
    query = (select(Response).join(QuestionnaireVersion, Response.version_id == QuestionnaireVersion.id)
             .join(State, Response.state_id == State.id)
             .where(QuestionnaireVersion.questionnaire_id == QUESTIONNAIRE)
             .order_by(State.code, Response.created_at.desc(), Response.id.desc()))
    if codes:
        query = query.where(State.code.in_([code.upper() for code in codes]))
    latest: dict[int, Response] = {}
    for response in db.session.scalars(query):
        latest.setdefault(response.state_id, response)
    return list(latest.values())


def output_name(code: str, kind: str, lang: str) -> str:
    return f"{code}-{kind}-{lang}.pdf"


def render_all(responses: list[Response], langs: list[str], kinds: list[str], out: Path,
               workers: int | None = None, progress: Callable[[str], None] | None = None,
               settings: Settings | None = None) -> Outcome:
    """Render (or take from the cache) every profile and copy it to ``out``."""
    settings = settings or Settings.current()
    cache = ProfileCache(settings.folder)
    out.mkdir(parents=True, exist_ok=True)
    outcome = Outcome()
    targets: dict[str, tuple[Path, Path]] = {}  # name -> (cache file, output file)
    translations = {lang: gettext_for(lang) for lang in langs}

    def tick(name: str) -> None:
        if progress:
            progress(name)

    def jobs() -> Iterator[tuple[str, Callable[[], str], Path]]:
        for response in responses:
            try:
                data = profile_data(response)
            except Exception as exc:  # noqa: BLE001 - one broken response must not stop the batch
                for lang in langs:
                    for kind in kinds:
                        name = output_name(response.state.code, kind, lang)
                        outcome.failed[name] = f"{type(exc).__name__}: {exc}"
                        tick(name)
                continue
            for lang in langs:
                for kind in kinds:
                    name = output_name(data.state_code, kind, lang)
                    gettext = translations[lang]
                    key = profiles.cache_key(data, lang, kind, gettext)
                    path = cache.path(data.state_code, kind, lang, key)
                    if path.is_file():
                        shutil.copyfile(path, out / name)
                        outcome.cached.append(name)
                        tick(name)
                        continue
                    targets[name] = (path, out / name)
                    yield name, _html_maker(data, lang, kind, gettext), path

    def done(name: str, rendered: Rendered | None, error: RenderError | None) -> None:
        if error is not None:
            outcome.failed[name] = str(error)
        else:
            path, target = targets[name]
            cache.prune(path)
            shutil.copyfile(path, target)
            outcome.rendered.append(name)
        tick(name)

    render_many(jobs(), workers=workers or settings.concurrency, timeout=settings.timeout,
                memory=settings.memory, done=done)
    return outcome


def _html_maker(data: profiles.ProfileData, lang: str, kind: str, gettext: object) -> Callable[[], str]:
    return lambda: profiles.build_html(data, lang, kind, gettext)  # type: ignore[arg-type]
