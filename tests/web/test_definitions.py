"""Editing questionnaire definitions in the browser, and the translation workflow."""

from __future__ import annotations

import io
import re

from babel.messages.pofile import read_po, write_po
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import add_user, context, csrf_token, login


def draft_of(client: FlaskClient, questionnaire: str = "technical_assistance") -> int:
    from web.extensions import db
    from web.models import QuestionnaireVersion

    with context():
        base = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire)).first()
        base_id = base.id
    token = csrf_token(client, "/admin/questionnaires")
    created = client.post(f"/admin/questionnaires/{base_id}/draft", data={"csrf_token": token})
    assert created.status_code == 302
    return int(created.headers["Location"].rsplit("/", 1)[1])


def test_editor_saves_a_draft_and_shows_diagnostics_with_lines(app: Flask, client: FlaskClient) -> None:
    login(client, add_user("secretariat_admin"))
    draft = draft_of(client)
    page = client.get(f"/admin/questionnaires/drafts/{draft}?check=1").get_data(as_text=True)
    assert "<li>No problem found.</li>" in page  # checked on the server when asked (without scripts)
    token = csrf_token(client, f"/admin/questionnaires/drafts/{draft}")
    broken = "id: technical_assistance\nversion: '9'\ntitle: <script>alert(1)</script>\nsections: [\n"
    saved = client.post(f"/admin/questionnaires/drafts/{draft}/text", data={"source": broken, "csrf_token": token})
    text = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "Line 5, column 1" in text and "Y100" in text
    assert "<script>alert(1)</script>" not in text  # the source is shown escaped
    checked = client.post("/admin/questionnaires/check", json={"source": broken.replace("[\n", "[]\n")},
                          headers={"X-CSRFToken": token})
    codes = {d["code"] for d in checked.get_json()["diagnostics"]}
    assert "S201" in codes  # languages and default_language are missing


def test_publishing_a_draft_in_the_browser(app: Flask, client: FlaskClient) -> None:
    from web.extensions import db
    from web.models import QuestionnaireVersion

    login(client, add_user("secretariat_admin"))
    draft = draft_of(client)
    with context():
        source = db.session.get(QuestionnaireVersion, draft).source
    edited = source.replace('version: "2027.1"', 'version: "2027.2"', 1)
    assert edited != source
    edited = re.sub(r"(title:\n\s+en: )Technical assistance", r"\1Technical assistance (revised)", edited, count=1)
    token = csrf_token(client, f"/admin/questionnaires/drafts/{draft}")
    client.post(f"/admin/questionnaires/drafts/{draft}/text", data={"source": edited, "csrf_token": token})
    review = client.get(f"/admin/questionnaires/drafts/{draft}/publish").get_data(as_text=True)
    assert "Changes against the live version 2027.1" in review
    preview = client.get(f"/admin/questionnaires/drafts/{draft}/preview?lang=ar")
    assert preview.status_code == 200 and 'dir="rtl"' in preview.get_data(as_text=True)
    no_notes = client.post(f"/admin/questionnaires/drafts/{draft}/publish",
                           data={"confirm": "1", "csrf_token": token, "publication_notes": "  "})
    assert no_notes.status_code == 400 and "Write what changed and why." in no_notes.get_data(as_text=True)
    done = client.post(f"/admin/questionnaires/drafts/{draft}/publish",
                       data={"confirm": "1", "csrf_token": token, "publication_notes": "A clearer title."})
    assert done.status_code == 302
    with context():
        row = db.session.get(QuestionnaireVersion, draft)
        assert (row.status, row.version) == ("published", "2027.2") and len(row.content_hash) == 64
        assert row.publication_notes == "A clearer title."


def test_no_publish_button_when_nothing_changed_and_the_version_must_increase(app: Flask,
                                                                             client: FlaskClient) -> None:
    from web.extensions import db
    from web.models import QuestionnaireVersion

    login(client, add_user("secretariat_admin"))
    draft = draft_of(client)
    page = client.get(f"/admin/questionnaires/drafts/{draft}/publish").get_data(as_text=True)
    assert "Nothing to publish." in page and ">Publish</button>" not in page
    token = csrf_token(client, f"/admin/questionnaires/drafts/{draft}")
    refused = client.post(f"/admin/questionnaires/drafts/{draft}/publish",
                          data={"confirm": "1", "csrf_token": token, "publication_notes": "Nothing."})
    assert refused.status_code == 400
    with context():
        source = db.session.get(QuestionnaireVersion, draft).source
    reworded = re.sub(r"(title:\n\s+en: )Technical assistance", r"\1Technical assistance (revised)", source, count=1)
    client.post(f"/admin/questionnaires/drafts/{draft}/text", data={"source": reworded, "csrf_token": token})
    page = client.get(f"/admin/questionnaires/drafts/{draft}/publish").get_data(as_text=True)
    assert 'name="version" dir="ltr" value="2027.2"' in page and "Nothing to publish." not in page
    line = source.splitlines().index('version: "2027.1"') + 1
    refused = client.post(f"/admin/questionnaires/drafts/{draft}/publish",
                          data={"confirm": "1", "csrf_token": token, "publication_notes": "Reworded.",
                                "version": "2027.1"})
    assert refused.status_code == 400
    assert f"Line {line}: version 2027.1 is not greater than the live version 2027.1" in refused.get_data(as_text=True)
    with context():
        assert db.session.get(QuestionnaireVersion, draft).status == "draft"
    done = client.post(f"/admin/questionnaires/drafts/{draft}/publish",
                       data={"confirm": "1", "csrf_token": token, "publication_notes": "Reworded.",
                             "version": "2027.2"})
    assert done.status_code == 302
    with context():
        row = db.session.get(QuestionnaireVersion, draft)
        assert (row.status, row.version) == ("published", "2027.2") and 'version: "2027.2"' in row.source


def test_a_broken_draft_is_never_published(app: Flask, client: FlaskClient) -> None:
    from web.extensions import db
    from web.models import QuestionnaireVersion

    login(client, add_user("secretariat_admin"))
    draft = draft_of(client)
    token = csrf_token(client, f"/admin/questionnaires/drafts/{draft}")
    client.post(f"/admin/questionnaires/drafts/{draft}/text", data={"source": "id: x\n", "csrf_token": token})
    refused = client.post(f"/admin/questionnaires/drafts/{draft}/publish", data={"confirm": "1", "csrf_token": token})
    assert refused.status_code == 302 and "/drafts/" in refused.headers["Location"]
    with context():
        assert db.session.get(QuestionnaireVersion, draft).status == "draft"


def test_only_administrators_edit_definitions(app: Flask, client: FlaskClient) -> None:
    login(client, add_user("secretariat_reviewer"))
    token = csrf_token(client, "/admin/questionnaires")
    assert client.post("/admin/questionnaires/1/draft", data={"csrf_token": token}).status_code == 403
    assert client.post("/admin/questionnaires/check", json={"source": "x"},
                       headers={"X-CSRFToken": token}).status_code == 403


def test_translation_round_trip_with_checks(app: Flask, client: FlaskClient) -> None:
    import engine
    from web.extensions import db
    from web.models import QuestionnaireVersion

    login(client, add_user("secretariat_admin"))
    with context():
        version = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "technical_assistance")).first()
        version_id = version.id
    page = client.get(f"/admin/questionnaires/{version_id}/translations").get_data(as_text=True)
    assert "100" in page
    exported = client.get(f"/admin/questionnaires/{version_id}/translations/fr.po")
    assert exported.status_code == 200
    catalog = read_po(io.BytesIO(exported.data), locale="fr")
    messages = [m for m in catalog if m.id and m.context]
    assert len(messages) > 100 and all(m.string for m in messages)  # every text exists in French
    changed, stale, fuzzy = messages[0], messages[1], messages[2]
    changed.string = "Assistance technique (nouvelle traduction)"
    catalog.delete(stale.id, context=stale.context)
    catalog.add("A source text that changed", "Un texte", context=stale.context)
    fuzzy.string = "Brouillon"
    fuzzy.flags.add("fuzzy")
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    token = csrf_token(client, f"/admin/questionnaires/{version_id}/translations")
    report = client.post(f"/admin/questionnaires/{version_id}/translations/import",
                         data={"lang": "fr", "csrf_token": token, "file": (io.BytesIO(buffer.getvalue()), "fr.po")},
                         content_type="multipart/form-data")
    text = report.get_data(as_text=True)
    assert "Translations applied: 1" in text
    assert "Source text changed since the export, not applied: 1" in text
    assert "Marked as needing review (fuzzy), not applied: 1" in text
    with context():
        draft = db.session.scalars(select(QuestionnaireVersion).where(QuestionnaireVersion.status == "draft")
                                   .order_by(QuestionnaireVersion.id.desc())).first()
        q = engine.load(draft.source).questionnaire
        assert "Assistance technique (nouvelle traduction)" in draft.source
        assert q.id == "technical_assistance"
        original = db.session.get(QuestionnaireVersion, version_id)
        assert "nouvelle traduction" not in original.source  # the published version is untouched


def test_validator_messages_are_in_the_users_language(app: Flask, client: FlaskClient) -> None:
    """The editor's diagnostics are translated whole: the template and the phrases put into it."""
    login(client, add_user("secretariat_admin"))
    token = csrf_token(client, "/admin/questionnaires")
    source = ("id: t\nversion: '1'\ntitle: T\nlanguages: [en]\ndefault_language: en\nsections: x\n")
    english = client.post("/admin/questionnaires/check?lang=en", json={"source": source},
                          headers={"X-CSRFToken": token}).get_json()["diagnostics"]
    (s202,) = [d for d in english if d["code"] == "S202"]
    assert "must be a list, not a single value" in s202["message"]
    for lang in ("fr", "ru", "ar"):
        translated = client.post(f"/admin/questionnaires/check?lang={lang}", json={"source": source},
                                 headers={"X-CSRFToken": token}).get_json()["diagnostics"]
        (message,) = [d["message"] for d in translated if d["code"] == "S202"]
        assert "a list" not in message and "single value" not in message and "'sections'" in message, message
