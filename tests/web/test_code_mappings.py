"""Choice codes split in two, lists mapped once for every question, mapping files (web/versions.py)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import add_user, context, start_response

V1 = textwrap.dedent("""\
    id: split_codes
    version: "1"
    title: {en: Split, fr: Partage}
    languages: [en, fr]
    default_language: en
    choice_lists:
      kinds:
        - {code: advice_or_drafting, label: {en: Advice or drafting, fr: Conseil ou rédaction}}
        - {code: training, label: {en: Training, fr: Formation}}
    sections:
      - id: s
        title: {en: S, fr: S}
        items:
          - {id: needs_a, type: multiple_choice, choices: kinds, label: {en: A, fr: A}}
          - {id: needs_b, type: multiple_choice, choices: kinds, label: {en: B, fr: B}}
          - {id: main, type: single_choice, choices: kinds, label: {en: Main, fr: Principal}}
          - id: activities
            type: table
            label: {en: Activities, fr: Activités}
            columns:
              - {id: title, type: text, label: {en: Title, fr: Titre}}
              - {id: kinds, type: multiple_choice, choices: kinds, label: {en: Kinds, fr: Types}}
    """)

V2 = (V1.replace('version: "1"', 'version: "2"')
      .replace("    - {code: advice_or_drafting, label: {en: Advice or drafting, fr: Conseil ou rédaction}}\n",
               "    - {code: advice, label: {en: Advice, fr: Conseil}}\n"
               "    - {code: drafting, label: {en: Drafting, fr: Rédaction}}\n"))

ANSWERS = {"needs_a": ["advice_or_drafting", "training"], "needs_b": ["advice_or_drafting"],
           "main": "training", "activities": [{"title": "Law reform", "kinds": ["advice_or_drafting"]}]}


def setup_v1() -> int:
    """Version 1 published, and Kenya's answers to it; returns the response id."""
    from web import catalog
    from web.answers import Change, save
    from web.extensions import db
    from web.models import Response

    focal = add_user("focal_point", "KEN")
    with context():
        catalog.publish_text(V1, "v1.yaml")
        db.session.commit()
    rid = start_response("KEN", "split_codes").id
    with context():
        response = db.session.get(Response, rid)
        save(response, catalog.questionnaire(response.version), [Change(q, v, 0) for q, v in ANSWERS.items()],
             focal, "save")
        db.session.commit()
    return rid


def publish_cli(app: Flask, path: Path, *args: str) -> object:
    from web.cli import cli

    notes = [] if "--mapping" in args else ["--notes", "Advice and drafting are two kinds of help."]
    return app.test_cli_runner().invoke(cli, ["questionnaires", "publish", str(path), *notes, *args])


def migrate(rid: int) -> tuple[object, dict[str, object]]:
    from web import versions
    from web.extensions import db
    from web.models import Answer, QuestionnaireVersion, Response, User

    with context():
        v2 = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "split_codes", QuestionnaireVersion.version == "2")).one()
        response = db.session.get(Response, rid)
        result = versions.migrate(response, v2, db.session.scalars(select(User)).first())
        db.session.commit()
        stored = {a.question_id: a.value for a in db.session.scalars(select(Answer).where(Answer.response_id == rid))}
        return result, stored


def test_a_code_split_in_two_for_every_question_of_a_list(app: Flask, tmp_path: Path) -> None:
    rid = setup_v1()
    path = tmp_path / "v2.yaml"
    path.write_text(V2)
    refused = publish_cli(app, path)
    output = refused.output  # type: ignore[attr-defined]
    assert refused.exit_code != 0  # type: ignore[attr-defined]
    assert "codes_removed needs_a" in output and "codes_removed needs_b" in output
    assert "codes_removed main" not in output  # no stored answer uses the code
    done = publish_cli(app, path, "--map-list-code", "kinds:advice_or_drafting=advice+drafting")
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    result, stored = migrate(rid)
    assert result.orphans == []  # type: ignore[attr-defined]
    assert sorted(stored["needs_a"]) == ["advice", "drafting", "training"]  # type: ignore[arg-type]
    assert sorted(stored["needs_b"]) == ["advice", "drafting"]  # type: ignore[arg-type]
    assert stored["main"] == "training"
    assert stored["activities"] == [{"title": "Law reform", "kinds": ["advice", "drafting"]}]  # table cells too


def test_a_code_split_in_two_for_one_question(app: Flask, tmp_path: Path) -> None:
    rid = setup_v1()
    path = tmp_path / "v2.yaml"
    path.write_text(V2)
    done = publish_cli(app, path, "--map-code", "needs_a:advice_or_drafting=advice+drafting",
                       "--map-code", "needs_b:advice_or_drafting=drafting",
                       "--map-list-code", "kinds:advice_or_drafting=advice")
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    result, stored = migrate(rid)
    assert result.orphans == []  # type: ignore[attr-defined]
    assert sorted(stored["needs_a"]) == ["advice", "drafting", "training"]  # type: ignore[arg-type]
    assert stored["needs_b"] == ["drafting"]  # the question's own mapping wins over the list's
    assert stored["activities"] == [{"title": "Law reform", "kinds": ["advice"]}]


def test_a_single_choice_needs_its_own_mapping_when_a_code_is_split(app: Flask, tmp_path: Path) -> None:
    from web.answers import Change, save
    from web.extensions import db
    from web.models import Response, User

    rid = setup_v1()
    with context():
        from web import catalog

        response = db.session.get(Response, rid)
        save(response, catalog.questionnaire(response.version), [Change("main", "advice_or_drafting", 1)],
             db.session.scalars(select(User)).first(), "save")
        db.session.commit()
    path = tmp_path / "v2.yaml"
    path.write_text(V2)
    split = "kinds:advice_or_drafting=advice+drafting"
    refused = publish_cli(app, path, "--map-list-code", split)
    assert refused.exit_code != 0 and "codes_removed main" in refused.output  # type: ignore[attr-defined]
    several = publish_cli(app, path, "--map-list-code", split, "--map-code", "main:advice_or_drafting=advice+drafting")
    assert "main: 'advice_or_drafting' can become several codes only in a multiple choice" in several.output  # type: ignore[attr-defined]
    unknown = publish_cli(app, path, "--map-list-code", "kinds:advice_or_drafting=advise")
    assert "kinds: 'advise' is not a choice of the list" in unknown.output  # type: ignore[attr-defined]
    done = publish_cli(app, path, "--map-list-code", split, "--map-code", "main:advice_or_drafting=drafting")
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    result, stored = migrate(rid)
    assert result.orphans == [] and stored["main"] == "drafting"  # type: ignore[attr-defined]
    assert sorted(stored["needs_a"]) == ["advice", "drafting", "training"]  # type: ignore[arg-type]


def test_mappings_compose_across_versions() -> None:
    from web.versions import Mapping

    first = Mapping(questions={"a": "b"}, lists={"kinds": {"x": ["y", "z"]}})
    first.then(Mapping(questions={"b": "c"}, lists={"kinds": {"z": "w", "q": "r"}}))
    assert first.questions == {"a": "c", "b": "c"}
    assert first.lists == {"kinds": {"x": ["y", "w"], "z": "w", "q": "r"}}


def write_mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "split_codes-2.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_a_mapping_file(app: Flask, tmp_path: Path) -> None:
    rid = setup_v1()
    path = tmp_path / "v2.yaml"
    path.write_text(V2)
    wrong = write_mapping(tmp_path, """\
        questionnaire: split_codes
        from: "0"
        to: "2"
    """)
    refused = publish_cli(app, path, "--mapping", str(wrong))
    assert refused.exit_code != 0 and "maps split_codes 0 -> 2, but this publishes split_codes 1 -> 2" in refused.output  # type: ignore[attr-defined]
    good = write_mapping(tmp_path, """\
        questionnaire: split_codes
        from: "1"
        to: "2"
        lists:
          kinds:
            advice_or_drafting: [advice, drafting]
        confirm: [nothing_here]
        notes: Advice and drafting are now two kinds of help.
    """)
    done = publish_cli(app, path, "--mapping", str(good))
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    with context():
        from web import versions

        live = versions.live_version("split_codes")
        assert live is not None and live.publication_notes == "Advice and drafting are now two kinds of help."
    result, stored = migrate(rid)
    assert result.orphans == [] and sorted(stored["needs_b"]) == ["advice", "drafting"]  # type: ignore[attr-defined,arg-type]


@pytest.mark.parametrize("text, message", [
    ("questionnaire: q\nfrom: '1'\nto: '2'\nquestion: {}\n", "unknown key 'question'"),
    ("questionnaire: q\nfrom: 1\nto: '2'\n", "'from' must be given as text"),
    ("questionnaire: q\nfrom: '1'\nto: '2'\nlists: {kinds: {a: 3}}\n", "'lists.kinds.a' must be a code or a list"),
    ("questionnaire: q\nfrom: '1'\nto: '2'\nquestions: [a, b]\n", "'questions' must map old ids to new ids"),
    ("questionnaire: q\nfrom: '1'\nto: '2'\nnotes: [a]\n", "'notes' must be text"),
    ("- just a list\n", "expected a mapping"),
    ("questionnaire: [unclosed\n", "cannot be read"),
])
def test_mapping_file_mistakes_are_explained(tmp_path: Path, text: str, message: str) -> None:
    from web.versions import Mapping, MappingFileError

    path = tmp_path / "mapping.yaml"
    path.write_text(text)
    with pytest.raises(MappingFileError) as error:
        Mapping.from_file(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_a_code_split_in_two_on_the_publish_page(app: Flask) -> None:
    """The publish page offers what the command line does: a removed code of a multiple choice becomes
    several codes; a single choice gets one; decisions survive a refused post."""
    from tests.conftest import csrf_token, login
    from tests.web.test_definitions import draft_of

    rid = setup_v1()
    client = app.test_client()
    login(client, add_user("secretariat_admin"))
    draft = draft_of(client, "split_codes")
    token = csrf_token(client, f"/admin/questionnaires/drafts/{draft}")
    client.post(f"/admin/questionnaires/drafts/{draft}/text", data={"source": V2, "csrf_token": token})
    url = f"/admin/questionnaires/drafts/{draft}/publish"
    page = client.get(url).get_data(as_text=True)
    assert 'name="code-needs_a|advice_or_drafting" multiple' in page  # a multiple choice: several codes
    assert 'name="list-kinds|advice_or_drafting" multiple' in page  # or once for the whole list
    decisions = {"csrf_token": token, "confirm": "1", "version": "2",
                 "code-needs_a|advice_or_drafting": ["advice", "drafting"],
                 "code-needs_b|advice_or_drafting": ["drafting"],
                 "list-kinds|advice_or_drafting": ["advice"]}  # the rest, table cells included
    refused = client.post(url, data={**decisions, "publication_notes": ""})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Write what changed and why." in text
    kept = re.search(r'name="code-needs_a\|advice_or_drafting"[^>]*>(.*?)</select>', text, re.S)
    assert kept and re.findall(r'value="(\w+)" selected', kept.group(1)) == ["advice", "drafting"]
    done = client.post(url, data={**decisions, "publication_notes": "Advice and drafting are two kinds of help."})
    assert done.status_code == 302, done.get_data(as_text=True)
    result, stored = migrate(rid)
    assert result.orphans == []  # type: ignore[attr-defined]
    assert sorted(stored["needs_a"]) == ["advice", "drafting", "training"]  # type: ignore[arg-type]
    assert stored["needs_b"] == ["drafting"]  # the question's own decision wins over the list's
    assert stored["activities"] == [{"title": "Law reform", "kinds": ["advice"]}]
