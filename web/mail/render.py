"""Messages in the recipient's language: the subject, a plain-text body and an HTML body (right to
left in Arabic), from the message's kind (``kinds``) and parameters, rendered when it is sent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, g, render_template
from flask_babel import force_locale, ngettext

from ..i18n import is_rtl, valid
from ..models import OutboxMessage, User
from . import kinds
from .links import external


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    lang: str


def language(user: User | None) -> str:
    """The recipient's interface language, else the installation's default."""
    return (valid(user.language) if user is not None else None) or str(current_app.config["BABEL_DEFAULT_LOCALE"])


@contextmanager
def localized(lang: str) -> Iterator[None]:
    """Translations, formats and the templates' ``lang`` in ``lang`` for the block."""
    saved = g.pop("_lang", None)
    g._lang = lang
    try:
        with force_locale(lang):
            yield
    finally:
        g.pop("_lang", None)
        if saved is not None:
            g._lang = saved


def render(message: OutboxMessage, user: User | None, items: list[OutboxMessage] | None = None) -> Rendered:
    """``message`` for ``user``; a digest lists ``items`` (the notifications it carries).

    Raises :class:`kinds.Drop` when there is nothing to send any more."""
    lang = language(user)
    with localized(lang):
        context = {"lang": lang, "rtl": is_rtl(lang), "preferences": None}
        if message.kind == "digest":
            groups = _groups(items or [], user, lang)
            if not groups:
                raise kinds.Drop("every notification of the digest is gone")
            count = sum(len(lines) for _heading, lines in groups)
            subject = ngettext("Your daily summary: %(num)d notification", "Your daily summary: %(num)d notifications",
                               count)
            context.update(subject=subject, groups=groups, preferences=external("mail.preferences"))
            template = "mail/digest"
        else:
            kind = kinds.KINDS[message.kind]
            content = kind.build(kinds.Ctx(message.params or {}, user, lang))
            subject = content.subject
            context.update(subject=subject, c=content,
                           preferences=external("mail.preferences") if kind.category != kinds.ACCOUNT else None)
            template = "mail/message"
        text = render_template(template + ".txt", **context)
        html = render_template(template + ".html", **context)
    return Rendered(" ".join(subject.split())[:400], text, html, lang)


def _groups(items: list[OutboxMessage], user: User | None, lang: str) -> list[tuple[str, list[kinds.Content]]]:
    """The digest's notifications grouped under headings (deadlines, reviews, comments, assignments)."""
    by_category: dict[str, list[kinds.Content]] = {}
    for item in sorted(items, key=lambda m: m.id):
        kind = kinds.KINDS.get(item.kind)
        if kind is None:
            continue
        try:
            content = kind.build(kinds.Ctx(item.params or {}, user, lang))
        except kinds.Drop:
            continue
        by_category.setdefault(kind.category, []).append(content)
    return [(str(heading), by_category[category]) for category, heading in kinds.GROUPS.items()
            if category in by_category]
