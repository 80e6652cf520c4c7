"""The outline editor: the tree as JSON, search in every language, one item's form written back into
the YAML with nothing else changed; XLSForm download and upload."""

from __future__ import annotations

import difflib
import io

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import add_user, context, csrf_token, login
from tests.web.test_definitions import draft_of

COMPLIANCE_AR = "هل يمتثل بلدكم لهذا الحكم؟"


def source_of(draft: int) -> str:
    from web.extensions import db
    from web.models import QuestionnaireVersion

    with context():
        return db.session.get(QuestionnaireVersion, draft).source


def form_of(client: FlaskClient, draft: int, item: str) -> dict[str, str]:
    """The item form's fields as the browser would post them (unchanged)."""
    import re

    html = client.get(f"/admin/questionnaires/drafts/{draft}/items/{item}?fragment=1").get_data(as_text=True)
    fields: dict[str, str] = {}
    for match in re.finditer(r'<input type="(?:hidden|text)" (?:id="[^"]*" )?name="([^"]+)"[^>]*?value="([^"]*)"',
                             html):
        fields[match.group(1)] = _unescape(match.group(2))
    for match in re.finditer(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        fields[match.group(1)] = _unescape(match.group(2))
    for match in re.finditer(r'<input type="radio" id="[^"]*" name="([^"]+)" value="([^"]+)" checked>', html):
        fields[match.group(1)] = match.group(2)
    for match in re.finditer(r'<select id="[^"]*" name="([^"]+)">(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', match.group(2))
        fields[match.group(1)] = chosen.group(1) if chosen else ""
    return fields


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_the_editor_page_is_light_and_the_outline_comes_as_json(app: Flask, client: FlaskClient) -> None:
    login(client, add_user("secretariat_admin"))
    draft = draft_of(client, "uncac_checklist")
    page = client.get(f"/admin/questionnaires/drafts/{draft}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and len(page.data) < 60_000
    assert COMPLIANCE_AR not in html and "CodeMirror" not in html  # neither the YAML nor the text editor
    assert 'data-item="chiii"' in html  # the sections, rendered for a browser without scripts too
    top = client.get(f"/admin/questionnaires/drafts/{draft}/outline.json").get_json()
    assert [n["id"] for n in top["items"]] == ["general", "chii", "chiii", "chiv", "chv"]
    article = client.get(f"/admin/questionnaires/drafts/{draft}/outline.json?node=chiii").get_json()["items"][0]
    provision = client.get(f"/admin/questionnaires/drafts/{draft}/outline.json?node={article['id']}").get_json()
    first = provision["items"][0]
    assert first["template"] == "provision" and first["provisions"] and first["levels"] == ["Mandatory"]
    questions = client.get(f"/admin/questionnaires/drafts/{draft}/outline.json?node={first['id']}").get_json()
    compliance = questions["items"][0]
    assert compliance["role"] == "compliance" and compliance["kind"] == "question"
    diagnostics = client.get(f"/admin/questionnaires/drafts/{draft}/diagnostics.json").get_json()
    assert diagnostics["diagnostics"] == []
    source = client.get(f"/admin/questionnaires/drafts/{draft}/source.json").get_json()
    assert source["source"] == source_of(draft) and source["base"] == top["base"]


def test_search_by_id_or_text_in_any_language(app: Flask, client: FlaskClient) -> None:
    login(client, add_user("secretariat_admin"))
    draft = draft_of(client, "uncac_checklist")
    url = f"/admin/questionnaires/drafts/{draft}/outline.json?q="
    by_id = client.get(url + "p15_a.meas").get_json()["items"]
    assert [n["id"] for n in by_id] == ["p15_a.measures", "p15_a.measures_summary"]
    arabic = client.get(url + "النظام القانوني").get_json()["items"]
    assert "legal_system" in [n["id"] for n in arabic]
    french = client.get(url + "point de contact national&lang=fr").get_json()["items"]
    assert french[0]["id"] == "focal_point" and french[0]["lang"] == "fr"
    page = client.get(f"/admin/questionnaires/drafts/{draft}?q=Bribery").get_data(as_text=True)
    assert "items found" in page and 'data-item="art15"' in page  # search without scripts


def test_editing_a_template_question_edits_the_template_and_nothing_else(app: Flask, client: FlaskClient) -> None:
    login(client, add_user("secretariat_admin"))
    draft = draft_of(client, "uncac_checklist")
    fragment = client.get(f"/admin/questionnaires/drafts/{draft}/items/p15_a.compliance?fragment=1")
    assert "used by 126 provisions or groups" in fragment.get_data(as_text=True)  # the mandatory kinds
    before = source_of(draft)
    fields = form_of(client, draft, "p15_a.compliance")
    fields["text-label-ar"] = "هل يمتثل بلدكم لهذا الحكم امتثالاً كاملاً؟"
    token = csrf_token(client, f"/admin/questionnaires/drafts/{draft}")
    saved = client.post(f"/admin/questionnaires/drafts/{draft}/items/p15_a.compliance",
                        data={**fields, "csrf_token": token}, headers={"Accept": "application/json"})
    assert saved.status_code == 200, saved.get_data(as_text=True)[:500]
    assert saved.get_json()["saved"]
    after = source_of(draft)
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == [f"-          ar: {COMPLIANCE_AR}", "+          ar: هل يمتثل بلدكم لهذا الحكم امتثالاً كاملاً؟"]
    stale = client.post(f"/admin/questionnaires/drafts/{draft}/items/p15_a.compliance",
                        data={**fields, "csrf_token": token, "text-label-ar": "x"},
                        headers={"Accept": "application/json"})
    assert stale.status_code == 409 and source_of(draft) == after  # the form was made on an older text


def test_show_if_is_checked_as_typed_in_the_users_language(app: Flask, client: FlaskClient) -> None:
    login(client, add_user("secretariat_admin"))
    draft = draft_of(client, "uncac_checklist")
    fields = form_of(client, draft, "legal_system")
    token = csrf_token(client, f"/admin/questionnaires/drafts/{draft}")
    url = f"/admin/questionnaires/drafts/{draft}/items/legal_system/check?lang=fr"
    bad = client.post(url, data={**fields, "show_if": "${instrumnt} = 'ratification'", "csrf_token": token},
                      headers={"X-CSRFToken": token}).get_json()
    (c401,) = [d for d in bad["diagnostics"] if d["code"] == "C401"]
    assert "instrument" in c401["message"] and "unknown question" not in c401["message"]  # in French
    good = client.post(url, data={**fields, "show_if": "${instrument} = 'ratification'", "csrf_token": token},
                       headers={"X-CSRFToken": token}).get_json()
    assert good["diagnostics"] == [] and good["elsewhere"] == 0
    assert source_of(draft).count("${instrument} = 'ratification'") == 0  # checking saves nothing
    client.post(f"/admin/questionnaires/drafts/{draft}/items/legal_system",
                data={**fields, "show_if": "${instrument} = 'ratification'", "csrf_token": token})
    assert "            show_if: ${instrument} = 'ratification'\n" in source_of(draft)


def test_xlsform_download_and_upload_as_a_new_draft(app: Flask, client: FlaskClient) -> None:
    import engine
    from web.extensions import db
    from web.models import QuestionnaireVersion

    login(client, add_user("secretariat_admin"))
    draft = draft_of(client, "technical_assistance")
    download = client.get(f"/admin/questionnaires/{draft}/xlsform")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert "technical_assistance-draft.xlsx" in download.headers["Content-Disposition"]
    token = csrf_token(client, "/admin/questionnaires")
    uploaded = client.post("/admin/questionnaires/xlsform", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(download.data), "ta.xlsx")})
    assert uploaded.status_code == 302
    new_id = int(uploaded.headers["Location"].rsplit("/", 1)[1])
    with context():
        row = db.session.get(QuestionnaireVersion, new_id)
        assert row.status == "draft" and row.questionnaire_id == "technical_assistance"
        assert engine.load(row.source).questionnaire.id == "technical_assistance"
    from tests.exports.test_xlsform import workbook

    broken = workbook(survey=[["type", "name", "label"], ["begin_group", "g", "G"], ["geopoint", "where", "Where"],
                              ["end_group", None, None]])
    refused = client.post("/admin/questionnaires/xlsform?lang=fr", content_type="multipart/form-data",
                          data={"csrf_token": token, "file": (io.BytesIO(broken), "points.xlsx")})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "X702" in text and "geopoint" in text
    assert "feuille survey, ligne 3, colonne type" in text  # placed in the user's language
