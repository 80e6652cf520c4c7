"""The translation view: six languages side by side, what is missing, what changed in the source
language since it was translated, reviews stored per version and text; XLIFF 2.0 out and in."""

from __future__ import annotations

import io
import re
import textwrap

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import add_user, context, csrf_token, login

V1 = textwrap.dedent("""\
    id: words
    version: "1"
    title: {en: Words, fr: Mots}
    languages: [en, fr, ar]
    default_language: en
    sections:
      - id: s
        title: {en: Section, fr: Section, ar: قسم}
        items:
          - {id: kept, type: text, label: {en: Name, fr: Nom, ar: الاسم}}
          - {id: reworded, type: text, label: {en: Address, fr: Adresse, ar: العنوان}}
          - {id: untranslated, type: text, label: {en: Phone, fr: Téléphone}}
    """)
V2 = V1.replace('version: "1"', 'version: "2"').replace("{en: Address,", "{en: Postal address,")


def publish(text: str, notes: str = "") -> int:
    import engine
    from web import catalog, versions
    from web.extensions import db

    with context():
        if not notes:
            row = catalog.publish_text(text, "words.yaml").version
        else:
            loaded = engine.load(text)
            plan = versions.plan(loaded, versions.Mapping(), text)
            row = versions.publish(plan, text, "words.yaml", versions.Mapping(), None, notes=notes)
        db.session.commit()
        return row.id


KEY_REWORDED = "sections[0].items[1].label"
KEY_KEPT = "sections[0].items[0].label"


def page(client: FlaskClient, version: int, **args: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return client.get(f"/admin/questionnaires/{version}/translations?{query}").get_data(as_text=True)


def keys_shown(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><span class="code">([^<]+)</span>', html)


def test_side_by_side_with_filters_and_reviews(app: Flask, client: FlaskClient) -> None:
    from web.extensions import db
    from web.models import TranslationReview

    v1 = publish(V1)
    admin = add_user("secretariat_admin")
    login(client, admin)
    html = page(client, v1, tlang="ar")
    assert "Téléphone" in html and "العنوان" in html and 'lang="ar" dir="rtl"' in html
    assert keys_shown(page(client, v1, tlang="ar", show="missing")) == ["title", "sections[0].items[2].label"]
    assert keys_shown(page(client, v1, tlang="fr", show="missing")) == []
    token = csrf_token(client, f"/admin/questionnaires/{v1}/translations")
    marked = client.post(f"/admin/questionnaires/{v1}/translations/review",
                         data={"csrf_token": token, "lang": "fr", "key": [KEY_KEPT, KEY_REWORDED]})
    assert marked.status_code == 302 and "tlang=fr" in marked.headers["Location"]
    with context():
        rows = db.session.scalars(select(TranslationReview).where(TranslationReview.version_id == v1)).all()
        assert {(r.key, r.lang, r.kind, r.user_id) for r in rows} == {
            (KEY_KEPT, "fr", "reviewed", admin.id), (KEY_REWORDED, "fr", "reviewed", admin.id)}
        assert all(r.created_at is not None for r in rows)
    unreviewed = keys_shown(page(client, v1, tlang="fr", show="unreviewed"))
    assert KEY_KEPT not in unreviewed and "sections[0].title" in unreviewed

    # version 2 rewords the English of one text; its French stays: it shows as changed since translated
    v2 = publish(V2, notes="Address is the postal address.")
    assert keys_shown(page(client, v2, tlang="fr", show="changed")) == [KEY_REWORDED]
    assert keys_shown(page(client, v2, tlang="ar", show="changed")) == [KEY_REWORDED]  # no record: v1 compared
    reviewed_v2 = keys_shown(page(client, v2, tlang="fr", show="unreviewed"))
    assert KEY_KEPT not in reviewed_v2  # the review of v1 holds: neither text changed
    assert KEY_REWORDED in reviewed_v2
    assert "reviewed" in page(client, v2, tlang="fr", search="Nom")


def test_xliff_out_and_back_in(app: Flask, client: FlaskClient) -> None:
    import defusedxml.ElementTree as SafeET

    import engine
    from web.extensions import db
    from web.models import QuestionnaireVersion, TranslationReview

    v1 = publish(V1)
    login(client, add_user("secretariat_admin"))
    exported = client.get(f"/admin/questionnaires/{v1}/translations/ar.xlf")
    assert exported.status_code == 200 and exported.mimetype == "application/xliff+xml"
    root = SafeET.fromstring(exported.data)
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "en", "ar")
    units = {u.get("name"): u for u in root.iterfind(".//x:unit", ns)}
    phone = units["sections[0].items[2].label"].find("x:segment", ns)
    assert phone.get("state") == "initial" and phone.find("x:target", ns) is None
    assert units[KEY_KEPT].find("x:segment/x:target", ns).text == "الاسم"

    text = exported.data.decode("utf-8")
    text = text.replace("<source>Phone</source>", "<source>Phone</source><target>الهاتف</target>")
    text = text.replace('<segment state="initial"><source>Phone', '<segment state="translated"><source>Phone')
    text = text.replace("<source>Address</source>", "<source>Home address</source>")  # made from another source
    token = csrf_token(client, f"/admin/questionnaires/{v1}/translations")
    report = client.post(f"/admin/questionnaires/{v1}/translations/import", content_type="multipart/form-data",
                         data={"csrf_token": token, "lang": "ar", "file": (io.BytesIO(text.encode()), "ar.xlf")})
    html = report.get_data(as_text=True)
    assert "Translations applied: 1" in html and "Source text changed since the export, not applied: 1" in html
    with context():
        draft = db.session.scalars(select(QuestionnaireVersion).where(QuestionnaireVersion.status == "draft")).one()
        assert engine.load(draft.source).questionnaire.question("untranslated").label["ar"] == "الهاتف"
        record = db.session.scalars(select(TranslationReview).where(TranslationReview.version_id == draft.id)).one()
        assert (record.key, record.lang, record.kind) == ("sections[0].items[2].label", "ar", "imported")


def test_hostile_xml_is_refused(app: Flask, client: FlaskClient) -> None:
    from web.extensions import db
    from web.models import QuestionnaireVersion

    v1 = publish(V1)
    login(client, add_user("secretariat_admin"))
    token = csrf_token(client, f"/admin/questionnaires/{v1}/translations")
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="ar">'
            '<file id="f"><unit id="u" name="sections[0].title"><segment><source>Section</source>'
            '<target>&b;</target></segment></unit></file></xliff>')
    external = bomb.replace('<!ENTITY a "aaaaaaaaaa">', '<!ENTITY a SYSTEM "file:///etc/passwd">')
    for hostile in (bomb, external):
        refused = client.post(f"/admin/questionnaires/{v1}/translations/import", content_type="multipart/form-data",
                              data={"csrf_token": token, "lang": "ar", "file": (io.BytesIO(hostile.encode()), "x.xlf")},
                              follow_redirects=True)
        assert "not an XLIFF 2.0 file that can be read" in refused.get_data(as_text=True)
    wrong = bomb.split("]>")[1].replace('trgLang="ar"', 'trgLang="fr"').replace("&b;", "x")
    refused = client.post(f"/admin/questionnaires/{v1}/translations/import", content_type="multipart/form-data",
                          data={"csrf_token": token, "lang": "ar", "file": (io.BytesIO(wrong.encode()), "x.xlf")},
                          follow_redirects=True)
    assert "the file is for &#39;fr&#39;" in refused.get_data(as_text=True)
    with context():
        drafts = db.session.scalars(select(QuestionnaireVersion).where(QuestionnaireVersion.status == "draft")).all()
        assert drafts == []
