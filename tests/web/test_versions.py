"""Publishing a new questionnaire version never loses or orphans an answer silently."""

from __future__ import annotations

import textwrap

from flask import Flask
from sqlalchemy import func, select

from tests.conftest import add_user, context, csrf_token, login

V1 = textwrap.dedent("""\
    id: versioned
    version: "1"
    title: {en: Versioned, fr: Versionné}
    languages: [en, fr]
    default_language: en
    sections:
      - id: s
        title: {en: S, fr: S}
        items:
          - {id: keep, type: text, label: {en: Keep, fr: Garder}}
          - {id: gone, type: text, label: {en: Gone, fr: Parti}}
          - {id: old_name, type: number, label: {en: Count, fr: Nombre}}
          - id: level
            type: single_choice
            label: {en: Level, fr: Niveau}
            choices:
              - {code: hi, label: {en: High, fr: Haut}}
              - {code: lo, label: {en: Low, fr: Bas}}
    """)

V2 = (V1.replace('version: "1"', 'version: "2"')
      .replace("      - {id: gone, type: text, label: {en: Gone, fr: Parti}}\n", "")
      .replace("id: old_name", "id: new_name")
      .replace("{code: hi,", "{code: high,")
      .replace("{id: keep, type: text, label: {en: Keep, fr: Garder}}",
               "{id: keep, type: text, label: {en: Keep this, fr: Garder}}"))


def setup_v1(app: Flask) -> int:
    """Publish v1 and give a State answers to every question; returns the response id."""
    from web import catalog
    from web.answers import Change, save
    from web.extensions import db
    from web.models import Response, State

    focal = add_user("focal_point", "KEN")
    with context():
        version = catalog.publish_text(V1, "v1.yaml").version
        state = db.session.scalars(select(State).where(State.code == "KEN")).one()
        response = Response(state_id=state.id, version_id=version.id, status="draft")
        db.session.add(response)
        db.session.flush()
        q = catalog.questionnaire(version)
        save(response, q, [Change("keep", "kept", 0), Change("gone", "bye", 0), Change("old_name", 7, 0),
                           Change("level", "hi", 0)], focal, "save")
        db.session.commit()
        return response.id


def versions_count() -> int:
    from web.extensions import db
    from web.models import QuestionnaireVersion

    with context():
        return db.session.scalar(select(func.count()).select_from(QuestionnaireVersion))


def run(app: Flask, path: str, *args: str) -> object:
    from web.cli import cli

    return app.test_cli_runner().invoke(cli, ["questionnaires", "publish", path, *args])


def test_critical_changes_need_decisions_and_every_answer_is_kept(app: Flask, tmp_path) -> None:
    from web import catalog, versions
    from web.extensions import db
    from web.models import Answer, QuestionnaireVersion, Response, User

    rid = setup_v1(app)
    path = tmp_path / "v2.yaml"
    path.write_text(V2)
    before = versions_count()
    refused = run(app, str(path))
    assert refused.exit_code != 0
    for needed in ("removed gone", "removed old_name", "codes_removed level"):
        assert needed in refused.output, refused.output
    assert versions_count() == before  # nothing stored
    done = run(app, str(path), "--map", "old_name=new_name", "--map-code", "level:hi=high", "--confirm", "gone",
               "--notes", "Questions renamed and a code changed.")
    assert done.exit_code == 0, done.output
    assert versions_count() == before + 1
    with context():
        v2 = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "versioned", QuestionnaireVersion.version == "2")).one()
        assert v2.notes["mapping"] == {"questions": {"old_name": "new_name"}, "codes": {"level": {"hi": "high"}},
                                       "confirmed": ["gone"]}
        response = db.session.get(Response, rid)
        user = db.session.scalars(select(User)).first()
        result = versions.migrate(response, v2, user)
        db.session.commit()
        assert result.mapped == [("old_name", "new_name")] and result.orphans == ["gone"]
        answers = {a.question_id: a.value for a in db.session.scalars(select(Answer).where(Answer.response_id == rid))}
        assert answers == {"keep": "kept", "gone": "bye", "old_name": 7, "new_name": 7, "level": "high"}
        assert response.version_id == v2.id
        assert [qid for qid, _value, _former in versions.orphans(response)] == ["gone"]
        q2 = catalog.questionnaire(v2)
        assert q2.question("keep").label["en"] == "Keep this"


def test_a_broken_file_changes_nothing(app: Flask, tmp_path) -> None:
    setup_v1(app)
    path = tmp_path / "broken.yaml"
    path.write_text(V2.replace("type: number", "type: nmber"))
    before = versions_count()
    result = run(app, str(path))
    assert result.exit_code != 0 and "S206" in result.output
    assert versions_count() == before


def test_web_migration_offer_and_orphans_shown(app: Flask, client) -> None:
    from web import versions
    from web.extensions import db
    from web.models import Response

    rid = setup_v1(app)
    with context():
        import engine

        loaded = engine.load(V2, source="v2.yaml")
        mapping = versions.Mapping(questions={"old_name": "new_name"}, codes={"level": {"hi": "high"}},
                                   confirmed={"gone"})
        versions.publish(versions.plan(loaded, mapping), V2, "v2.yaml", mapping, None, notes="Renamed.")
        db.session.commit()
        from web.models import QuestionnaireVersion

        v2_id = db.session.scalars(select(QuestionnaireVersion.id).where(
            QuestionnaireVersion.questionnaire_id == "versioned", QuestionnaireVersion.version == "2")).one()
    focal = add_user("focal_point", "KEN")
    login(client, focal)
    overview = client.get(f"/responses/{rid}").get_data(as_text=True)
    assert "Move the answers to version 2" in overview and "Renamed." in overview
    dashboard = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "What changed in the questionnaires" in dashboard and "Renamed." in dashboard
    token = csrf_token(client, f"/responses/{rid}")
    moved = client.post(f"/responses/{rid}/migrate", data={"version_id": v2_id, "csrf_token": token})
    assert moved.status_code == 302
    page = client.get(f"/responses/{rid}").get_data(as_text=True)
    assert "Answers not in this version of the questionnaire" in page and "bye" in page
    history = client.get(f"/responses/{rid}/activity").get_data(as_text=True)
    assert "Version 2 of Versioned" in history and "Renamed." in history
    with app.app_context():
        assert db.session.get(Response, rid).version_id == v2_id


def test_nothing_to_publish_when_only_comments_layout_or_version_changed(app: Flask, tmp_path) -> None:
    setup_v1(app)
    same = ("# a comment that changes nothing\n" + V1.replace('version: "1"', 'version: "2"')
            .replace("{en: Versioned, fr: Versionné}", "\n    en: Versioned\n    fr: Versionné"))
    path = tmp_path / "same.yaml"
    path.write_text(same)
    before = versions_count()
    result = run(app, str(path), "--notes", "Nothing really.")
    assert result.exit_code != 0
    assert f"{path}:3:10: nothing to publish" in result.output, result.output
    assert versions_count() == before


def test_the_version_must_increase_and_notes_are_required(app: Flask, tmp_path) -> None:
    from web.extensions import db
    from web.models import QuestionnaireVersion

    setup_v1(app)
    before = versions_count()
    path = tmp_path / "v.yaml"
    changed = V1.replace("{en: Keep, fr: Garder}", "{en: Keep it, fr: Garder}")
    for written, live in (('"1"', "1"), ('"0.9"', "1")):
        path.write_text(changed.replace('version: "1"', f"version: {written}"))
        refused = run(app, str(path), "--notes", "Reworded.")
        assert refused.exit_code != 0
        assert f"{path}:2:10: version '{written.strip(chr(34))}' must be greater than the live version '{live}'" \
            in refused.output, refused.output
        assert "for example '2'" in refused.output
    path.write_text(changed.replace('version: "1"', 'version: "1.1"'))
    no_notes = run(app, str(path))
    assert no_notes.exit_code != 0 and "--notes" in no_notes.output
    assert versions_count() == before  # the shipped questionnaires and v1: nothing more
    done = run(app, str(path), "--notes", "The label of 'keep' is clearer.")
    assert done.exit_code == 0, done.output
    with context():
        row = db.session.scalars(select(QuestionnaireVersion).where(QuestionnaireVersion.version == "1.1")).one()
        assert row.publication_notes == "The label of 'keep' is clearer."


def test_version_numbers_compare_as_numbers() -> None:
    from web.versions import next_version, version_key

    ordered = ["0.9", "1", "2026.1", "2026.2", "2026.10", "2027.1", "2027.1.1"]
    assert sorted(ordered, key=version_key) == ordered
    assert version_key("2026.1") == version_key("2026.01")
    assert next_version("2026.9") == "2026.10" and next_version("v3") == "v4"
