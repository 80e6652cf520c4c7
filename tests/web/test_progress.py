"""One progress figure (web/progress.py), the search of the side navigation, and the path to
submitting: the check page, a GET of the submit address, the confirmation."""

from __future__ import annotations

import textwrap

import pytest
from flask import Flask
from flask.testing import FlaskClient

import engine
from tests.conftest import add_user, login
from tests.web.test_workflow import autosave, post, small_response
from web import progress
from web.fill.navigation import as_reference
from web.fill.pages import pages

FORM = textwrap.dedent("""\
    id: progress_rules
    version: "1"
    title: {en: Rules}
    languages: [en]
    default_language: en
    sections:
      - id: s
        title: {en: Section}
        items:
          - id: a
            title: {en: Page A}
            items:
              - {id: a1, type: yes_no, required: true, label: {en: Adopted?}}
              - {id: a2, type: long_text, required: true, show_if: "${a1} = true", label: {en: How?}}
              - {id: a3, type: number, max: 10, label: {en: How many?}}
          - id: b
            title: {en: Page B}
            items:
              - {id: b1, type: text, label: {en: Anything else?}}
          - id: c
            title: {en: Page C}
            show_if: "${a1} = false"
            items:
              - {id: c1, type: text, required: true, label: {en: Why not?}}
    """)


@pytest.fixture(scope="module")
def q() -> engine.Questionnaire:
    return engine.load(FORM, source="rules.yaml").questionnaire


def statuses(q: engine.Questionnaire, answers: dict) -> tuple[dict[str, str], progress.Figure]:
    tracker = progress.Tracker(q, engine.evaluate(q, answers))
    return {page.id: tracker.status(page) for page in pages(q).list}, tracker.figure()


def test_page_statuses_and_the_figure(q: engine.Questionnaire) -> None:
    assert statuses(q, {}) == ({"a": "not_started", "b": "optional", "c": "not_applicable"}, progress.Figure(0, 1))
    # a follow-up appears: page A is in progress, the figure does not fall nor grow
    assert statuses(q, {"a1": True}) == ({"a": "in_progress", "b": "optional", "c": "not_applicable"},
                                         progress.Figure(0, 1))
    assert statuses(q, {"a1": True, "a2": "By law"})[1] == progress.Figure(1, 1)
    # a problem is never complete; an answer elsewhere reveals page C, which now counts
    assert statuses(q, {"a1": True, "a2": "By law", "a3": 11})[0]["a"] == "has_errors"
    found, figure = statuses(q, {"a1": False})
    assert found == {"a": "complete", "b": "optional", "c": "not_started"} and figure == progress.Figure(1, 2)
    assert figure.percent == 50 and progress.Figure(0, 0).percent == 100


def test_a_scope_counts_only_its_pages_and_next_to_do_wraps_round(q: engine.Questionnaire) -> None:
    evaluation = engine.evaluate(q, {"a1": False})
    layout = pages(q)
    only_c = progress.Tracker(q, evaluation, lambda page: page.id == "c")
    assert only_c.figure() == progress.Figure(0, 1)
    assert only_c.figure(layout.list) == progress.Figure(1, 2)
    tracker = progress.Tracker(q, evaluation)
    assert tracker.next_to_do(layout.by_id["c"]) is None  # C itself is not "next"
    assert tracker.next_to_do(layout.by_id["a"]).id == "c"
    assert tracker.counts()["optional"] == 1


@pytest.mark.parametrize("typed, ref", [("15", "15"), ("15 (1) (a)", "15.1.a"), ("44.15", "44.15"),
                                        (" 5(2) ", "5.2"), ("bribery", None), ("Article 15", None)])
def test_search_reads_article_and_provision_numbers(typed: str, ref: str | None) -> None:
    assert as_reference(typed) == ref


def test_submit_goes_through_the_check_page(app: Flask, client: FlaskClient) -> None:
    focal = add_user("focal_point", "KEN")
    rid = small_response()
    login(client, focal)
    assert client.get(f"/responses/{rid}/submit").headers["Location"].endswith(f"/responses/{rid}/check")
    autosave(client, rid, [{"q": "compliance", "value": "yes", "base": 0}])
    check = client.get(f"/responses/{rid}/check").get_data(as_text=True)
    assert "0 of 1 pages complete" in check and "Measures" in check and "/submit" not in check
    refused = post(client, f"/responses/{rid}/submit", token_from=f"/responses/{rid}/check")
    assert refused.status_code == 400 and "cannot be submitted yet" in refused.get_data(as_text=True)

    autosave(client, rid, [{"q": "measures", "value": "Penal code", "base": 0}])
    check = client.get(f"/responses/{rid}/check").get_data(as_text=True)
    assert "1 of 1 pages complete" in check and "Penal code" in check and "change-link" in check
    done = post(client, f"/responses/{rid}/submit", token_from=f"/responses/{rid}/check")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/responses/{rid}/submitted/1")
    confirmation = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Self-assessment submitted" in confirmation and f"/responses/{rid}/snapshots/1" in confirmation
    assert "profile.pdf" not in confirmation  # only the checklist has country profiles
    assert client.get(f"/responses/{rid}/submitted/2").status_code == 404


def test_unknown_filters_are_ignored(app: Flask, client: FlaskClient) -> None:
    from tests.conftest import start_response

    focal = add_user("focal_point", "KEN")
    response = start_response("KEN")
    login(client, focal)
    page = client.get(f"/responses/{response.id}/pages/p5_1?status=nonsense&level=x&chapter=y")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'aria-current="page"' in html and "/pages/p5_2?" not in html
    long = client.get(f"/responses/{response.id}/pages/p5_1?find=" + "x" * 500).get_data(as_text=True)
    assert 'name="find" value="' + "x" * 100 + '"' in long  # the search is cut to 100 characters


def test_the_profile_gets_the_figure_every_screen_shows(app: Flask) -> None:
    from tests.conftest import context
    from tests.web.test_profiles import respond
    from web import catalog
    from web.answers import stored, values
    from web.extensions import db
    from web.models import Response
    from web.profiles import profile_data

    rid = respond("KEN")  # the general part and article 5 answered
    with context():
        response = db.session.get(Response, rid)
        q = catalog.questionnaire(response.version)
        shown = progress.figure(q, engine.evaluate(q, values(q, stored(response))))
        assert profile_data(response).progress == (shown.complete, shown.total)
        assert 0 < shown.complete < shown.total and response.percent == shown.percent
