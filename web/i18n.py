"""Interface language: chosen per request, remembered per user, validated against the six codes.

Questionnaire content has its own channel (``{lang: text}`` maps in the definition, with the
definition's fallback rule); this module is only about the interface catalogs in ``translations/``.
"""

from __future__ import annotations

from babel.support import NullTranslations
from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user

from engine import RTL_LANGUAGES

LANGUAGE_NAMES = {"ar": "العربية", "en": "English", "es": "Español", "fr": "Français", "ru": "Русский",
                  "zh": "中文"}


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def valid(lang: str | None) -> str | None:
    """``lang`` if it is one of the offered languages, else None (never used to build paths)."""
    return lang if lang in languages() else None


def select_locale() -> str:
    if not has_request_context():  # commands (the CLI) speak the default language
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    chosen = valid(request.args.get("lang"))
    if chosen:
        return chosen
    if getattr(current_user, "is_authenticated", False) and valid(current_user.language):
        return str(current_user.language)
    remembered = valid(session.get("lang"))
    if remembered:
        return remembered
    return request.accept_languages.best_match(languages()) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    cached: str | None = g.get("_lang")
    if cached is None:
        cached = g._lang = str(get_locale() or "en")
    return cached


def catalog() -> NullTranslations:
    """The interface catalog in the language in force (Flask-Babel's ``get_translations()``), looked
    up once per request and locale: Flask-Babel's own lookup costs about 10 µs and a page of answers
    makes about a hundred. The locale in force is asked each time (``force_locale`` changes it: a
    mail in its recipient's language), and a different one looks the catalog up again."""
    locale = get_locale()
    kept = g.get("_catalog")
    if kept is not None and kept[0] is locale:
        found: NullTranslations = kept[1]
        return found
    found = get_translations()
    g._catalog = (locale, found)
    return found


def is_rtl(lang: str | None = None) -> bool:
    return (lang or current_language()) in RTL_LANGUAGES


def template_context() -> dict[str, object]:
    lang = current_language()
    return {"lang": lang, "rtl": is_rtl(lang), "language_names": LANGUAGE_NAMES, "languages": languages()}
