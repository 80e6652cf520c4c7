"""The country coordination pack: who may have it, what it shows, and the PDF in Arabic and Chinese
(text extracted from the rendered file), from the profiles' renderer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import add_user, context
from tests.exports.conftest import flat, pdf_text
from tests.web.assistance_data import generate


@pytest.fixture
def packs(app: Flask) -> dict[str, Any]:
    """The generated needs and offers; Kenya's focal point for assistance; Angola (i = 1) shares
    figures only."""
    from web.admin.users import set_contact
    from web.extensions import db
    from web.models import Response, State, User

    person = add_user("focal_point", "KEN", email="amina@ken.example")
    with context():
        data = generate()
        user = db.session.get(User, person.id)
        user.name = "Amina Odhiambo"
        set_contact(user, organization="EACC", ta_focal_point=True, phone="+254 20 111")
        angola = db.session.scalars(select(Response).join(State).where(State.code == "AGO")).one()
        angola.consent = "aggregate"
        db.session.commit()
    return data


def html_of(code: str, lang: str) -> str:
    from exports.profile import build_html
    from web import profiles
    from web.extensions import db
    from web.models import Response, State

    with context():
        response = db.session.scalars(select(Response).join(State).where(State.code == code)).one()
        data = profiles.profile_data(response, kind="coordination")
        return build_html(data, lang, "coordination", profiles.gettext_for(lang))


def test_who_may_have_the_pack(app: Flask, packs: dict[str, Any]) -> None:
    from web.assistance.pack import pack_response
    from web.extensions import db
    from web.models import State, User

    people = {role: add_user(role, "KEN" if role == "contributor" else None)
              for role in ("secretariat_reviewer", "provider", "reader", "contributor")}
    other = add_user("focal_point", "FRA")
    with context():
        states = {code: db.session.scalars(select(State).where(State.code == code)).one() for code in ("KEN", "AGO")}

        def may(user: Any, code: str) -> bool:
            return pack_response(db.session.get(User, user.id), states[code]) is not None

        assert may(people["secretariat_reviewer"], "KEN") and may(people["secretariat_reviewer"], "AGO")
        assert may(people["provider"], "KEN") and not may(people["provider"], "AGO")  # consent: figures only
        assert not may(people["reader"], "KEN") and not may(other, "KEN")
        assert may(people["contributor"], "KEN")
    from tests.conftest import login

    client = app.test_client()
    login(client, people["provider"])
    assert client.get("/assistance/states/AGO/pack.pdf?lang=en").status_code == 404
    assert client.get("/assistance/states/KEN/pack.pdf?lang=xx").status_code == 400


def test_the_pack_shows_needs_who_covers_them_and_contacts(app: Flask, packs: dict[str, Any]) -> None:
    from tests.web.assistance_data import covering

    i = packs["states"].index("KEN")
    html = html_of("KEN", "en")
    assert "Country coordination pack" in html and "Amina Odhiambo" in html and "+254 20 111" in html
    for providers in covering(i).values():
        for name in providers:
            assert name in html
    if any(not providers for providers in covering(i).values()):
        assert "Not covered" in html
    assert "Compliance by chapter" not in html  # the pack, not the profile


@pytest.mark.pdf
@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_the_pack_in_arabic_and_chinese(app: Flask, packs: dict[str, Any], lang: str, tmp_path: Path) -> None:
    from exports.pdf import render_pdf

    html = html_of("KEN", lang)
    target = tmp_path / f"pack-{lang}.pdf"
    render_pdf(html, target)
    text = flat(pdf_text(target))
    names = {"ar": ("كينيا", "حزمة التنسيق القطرية"), "zh": ("肯尼亚", "国家协调资料包")}[lang]
    for expected in names:
        assert flat(expected) in text, (lang, expected)
    assert "AminaOdhiambo" in text and "EACC" in text


def test_a_failed_pack_is_logged_as_profiles_and_reports_are(app: Flask, packs: dict[str, Any],
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    """The three downloads share one view (``web.jobs.views.download``): the pack used to say nothing in
    the log when its job had failed."""
    import logging

    import web.profiles.tasks as tasks
    from tests.conftest import login
    from web.jobs import JobState

    monkeypatch.setattr(tasks, "request_render", lambda wanted, retry=False: JobState("j", "failed", error="timeout"))
    client = app.test_client()
    login(client, add_user("secretariat_reviewer"))
    with caplog.at_level(logging.ERROR):
        answer = client.get("/assistance/states/KEN/pack.pdf?lang=fr")
    assert answer.status_code == 503 and "/assistance/states/KEN/pack.pdf?lang=fr&amp;retry=1" in answer.text
    assert "pack KEN fr failed: timeout" in caplog.text
