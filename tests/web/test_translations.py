"""Interface catalogs: every string of the code is in every catalog, translated, not fuzzy, with the
same placeholders; Arabic pages are right-to-left and Arabic through and through."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask

from tests.conftest import add_user, login

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("ar", "es", "fr", "ru", "zh")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")


def catalog(lang: str):  # type: ignore[no-untyped-def]
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Every interface string the code uses, extracted now (not from a stale file)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "translations/babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "N_", "--no-location",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return {message.id if isinstance(message.id, str) else message.id[0]
                for message in read_po(handle) if message.id}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_complete(lang: str, source_messages: set[str]) -> None:
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(lang) if m.id}
    missing = sorted(source_messages - set(messages))
    assert not missing, f"{len(missing)} strings missing in {lang} (make translations-update): {missing[:5]}"
    untranslated = [key for key, m in messages.items() if key in source_messages and (
        not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    fuzzy = [key for key, m in messages.items() if key in source_messages and m.fuzzy]
    assert not fuzzy, f"{lang}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang: str) -> None:
    for message in catalog(lang):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1])) - {"%(num)d"}
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            assert expected <= found | {"%(num)d"}, (lang, ids[0], string)
            assert found <= set(PLACEHOLDER.findall(" ".join(ids))), (lang, ids[0], string)


def test_pages_are_fully_translated(app: Flask) -> None:
    """A page in Arabic has no English interface text left (questionnaire texts aside)."""
    from web.extensions import db
    from web.models import User

    client = app.test_client()
    user = add_user("secretariat_reviewer")
    with app.app_context():
        db.session.get(User, user.id).name = "مراجعة"
        db.session.commit()
    login(client, user)
    for path in ("/?lang=ar", "/admin/questionnaires?lang=ar", "/analysis/assistance?lang=ar", "/repository/?lang=ar"):
        page = client.get(path).get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in page, path
        visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S))
        words = set(re.findall(r"[A-Za-zÀ-ÿ]{4,}", visible)) - {"English", "Español", "Français", "UNCAC"}
        assert not words, f"English left on {path}: {sorted(words)[:20]}"
