"""Completing a questionnaire through plain form posts and the JSON autosave (Flask test client).

The questionnaire below has every question type; the rules checked: values survive the form round
trip, hidden follow-ups keep their answers (not applicable, not validated), values posted for hidden
questions are ignored, no silent overwrite (409, conflict kept in the history), the same save counts
once, typed text that is not a number is kept and explained, contributors change only their
chapters, and nobody reaches another State's response.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.conftest import add_user, context, csrf_token, login, start_response

QUESTIONNAIRE = """
id: every_type
version: "1"
title: {en: Every type, fr: Tous les types}
languages: [en, fr]
default_language: en
choice_lists:
  abc:
    - {code: a, label: {en: Alpha, fr: Alpha}}
    - {code: b, label: {en: Bravo, fr: Bravo}}
    - {code: c, label: {en: Charlie, fr: Charlie}}
sections:
  - id: main
    title: {en: Main, fr: Principal}
    items:
      - id: info
        type: note
        label: {en: Please answer everything., fr: Veuillez tout remplir.}
      - {id: name, type: text, label: {en: Name, fr: Nom}}
      - {id: story, type: long_text, label: {en: Story, fr: Histoire}}
      - {id: site, type: url, label: {en: Web site, fr: Site}}
      - {id: mail, type: email, label: {en: E-mail, fr: Courriel}}
      - {id: amount, type: number, label: {en: Amount, fr: Montant}}
      - {id: whole, type: number, integer: true, min: 1, label: {en: Whole, fr: Entier}}
      - {id: when, type: date, label: {en: Date, fr: Date}}
      - {id: agree, type: yes_no, label: {en: Agree?, fr: D'accord ?}}
      - {id: pick, type: single_choice, choices: abc, label: {en: Pick, fr: Choix}}
      - {id: drop, type: single_choice, choices: abc, appearance: dropdown, label: {en: Drop, fr: Liste}}
      - {id: many, type: multiple_choice, choices: abc, label: {en: Many, fr: Plusieurs}}
      - {id: manydrop, type: multiple_choice, choices: abc, appearance: dropdown, label: {en: Many drop, fr: Liste}}
      - id: laws
        type: table
        label: {en: Laws, fr: Lois}
        columns:
          - {id: title, type: text, required: true, label: {en: Title, fr: Titre}}
          - {id: year, type: number, integer: true, min: 1800, label: {en: Year, fr: Année}}
          - {id: kind, type: single_choice, choices: abc, label: {en: Kind, fr: Type}}
          - {id: in_force, type: yes_no, label: {en: In force, fr: En vigueur}}
      - id: compliance
        type: single_choice
        choices: abc
        label: {en: Compliance, fr: Conformité}
      - id: detail
        type: text
        min_length: 5
        show_if: ${compliance} = 'a'
        label: {en: Detail, fr: Détail}
      - id: detail_rows
        type: table
        show_if: ${compliance} = 'a'
        label: {en: Detail rows, fr: Lignes}
        columns:
          - {id: what, type: text, label: {en: What, fr: Quoi}}
"""

PAGE = "main"


@pytest.fixture
def every_type(app: Flask) -> int:
    from web import catalog
    from web.extensions import db

    with app.app_context():
        catalog.publish_text(QUESTIONNAIRE, "every_type.yaml")
        db.session.commit()
    return start_response("KEN", "every_type").id


def stored(response_id: int) -> dict[str, Any]:
    from web.extensions import db
    from web.models import Answer

    with context():
        return {row.question_id: row.value for row in db.session.scalars(
            select(Answer).where(Answer.response_id == response_id))}


def versions(response_id: int) -> dict[str, int]:
    from web.extensions import db
    from web.models import Answer

    with context():
        return {row.question_id: row.version for row in db.session.scalars(
            select(Answer).where(Answer.response_id == response_id))}


def history(response_id: int, qid: str | None = None) -> list[Any]:
    from web.extensions import db
    from web.models import AnswerRevision

    with context():
        query = select(AnswerRevision).where(AnswerRevision.response_id == response_id)
        if qid:
            query = query.where(AnswerRevision.question_id == qid)
        return list(db.session.scalars(query.order_by(AnswerRevision.id)))


def page_path(response_id: int, page: str = PAGE) -> str:
    return f"/responses/{response_id}/pages/{page}"


class _Form(HTMLParser):
    """What a browser would post for the page's form: every enabled field with its current value."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.inside = False
        self.select: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("id") == "page-form":
            self.inside = True
        if not self.inside or "disabled" in a or a.get("form", "page-form") != "page-form":
            return  # controls of another form (file uploads) are not posted with the page
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, self.text.replace("\r\n", "\n").removeprefix("\n")))
            self.textarea = None


def form_of(client: FlaskClient, response_id: int, page: str = PAGE) -> MultiDict[str, str]:
    parser = _Form()
    parser.feed(client.get(page_path(response_id, page)).get_data(as_text=True))
    return MultiDict(parser.fields)


def post_page(client: FlaskClient, response_id: int, data: dict[str, Any], page: str = PAGE,
              base: MultiDict[str, str] | None = None) -> Any:
    form = MultiDict(base if base is not None else form_of(client, response_id, page))
    for key, value in data.items():
        form.setlist(key, value if isinstance(value, list) else [value])
    return client.post(page_path(response_id, page), data=form)


def autosave(client: FlaskClient, response_id: int, changes: list[dict[str, Any]], page: str = PAGE) -> Any:
    token = csrf_token(client, page_path(response_id, page))
    return client.post(f"/responses/{response_id}/autosave", json={"page": page, "changes": changes},
                       headers={"X-CSRFToken": token})


@pytest.fixture
def focal(client: FlaskClient) -> Any:
    user = add_user("focal_point", "KEN")
    login(client, user)
    return user


FILLED = {
    "name": "Amina Wanjiru", "story": "Line one\r\nLine two", "site": "https://example.org/law",
    "mail": "amina@example.org", "amount": "1 234,5", "whole": "12", "when": "2024-02-29", "agree": "false",
    "pick": "b", "drop": "c", "many": ["a", "c"], "manydrop": ["b"],
    "laws-0-title": "Anti-Corruption Act", "laws-0-year": "2003", "laws-0-kind": "a", "laws-0-in_force": "true",
    "laws-1-title": "Ethics Act", "laws-1-kind": "b",
}
EXPECTED = {
    "name": "Amina Wanjiru", "story": "Line one\nLine two", "site": "https://example.org/law",
    "mail": "amina@example.org", "amount": "1234.5", "whole": 12, "when": "2024-02-29", "agree": False,
    "pick": "b", "drop": "c", "many": ["a", "c"], "manydrop": ["b"],
    "laws": [{"title": "Anti-Corruption Act", "year": 2003, "kind": "a", "in_force": True},
             {"title": "Ethics Act", "kind": "b"}],
}


def test_form_round_trip_of_every_question_type(client: FlaskClient, focal: Any, every_type: int) -> None:
    response = post_page(client, every_type, FILLED)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert stored(every_type) == EXPECTED
    text = client.get(page_path(every_type)).get_data(as_text=True)
    for name, value in (("name", "Amina Wanjiru"), ("site", "https://example.org/law"), ("mail", "amina@example.org"),
                        ("amount", "1234.5"), ("whole", "12"), ("when", "2024-02-29"),
                        ("laws-0-title", "Anti-Corruption Act"), ("laws-0-year", "2003"),
                        ("laws-1-title", "Ethics Act")):
        assert re.search(rf'name="{re.escape(name)}"[^>]*value="{re.escape(value)}"|'
                         rf'value="{re.escape(value)}"[^>]*name="{re.escape(name)}"', text), name
    assert re.search(r'<textarea[^>]*name="story"[^>]*>\s*Line one\s+Line two</textarea>', text)
    for name, value in (("agree", "false"), ("pick", "b"), ("many", "a"), ("many", "c"), ("laws-0-kind", "a"),
                        ("laws-0-in_force", "true"), ("laws-1-kind", "b")):
        assert re.search(rf'<input checked[^>]*name="{re.escape(name)}"[^>]*value="{value}"', text), (name, value)
    assert not re.search(r'<input checked[^>]*name="many"[^>]*value="b"', text)
    assert re.search(r'<option selected value="c">Charlie</option>', text)
    assert re.search(r'<select[^>]*name="manydrop"[^>]*>.*?<option selected value="b">', text, re.S)
    # posting the page again unchanged changes nothing
    before = len(history(every_type))
    assert post_page(client, every_type, {}).status_code == 302
    assert stored(every_type) == EXPECTED and len(history(every_type)) == before
    # clearing a field stores null (rows are never deleted) and is recorded
    assert post_page(client, every_type, {"name": ""}).status_code == 302
    assert stored(every_type)["name"] is None
    assert history(every_type, "name")[-1].old_value == "Amina Wanjiru"


def test_hidden_follow_ups_are_kept_flagged_and_not_validated(app: Flask, client: FlaskClient, focal: Any,
                                                               every_type: int) -> None:
    assert post_page(client, every_type, {"compliance": "a", "detail": "abc", "detail_rows-0-what": "x"}) \
        .status_code == 302
    text = client.get(page_path(every_type)).get_data(as_text=True)
    assert "Use at least 5 characters." in text  # a visible answer is checked
    assert stored(every_type)["detail"] == "abc"

    assert post_page(client, every_type, {"compliance": "b"}).status_code == 302  # the hidden fields go as they are
    assert stored(every_type)["detail"] == "abc" and stored(every_type)["detail_rows"] == [{"what": "x"}]
    text = client.get(page_path(every_type)).get_data(as_text=True)
    assert re.search(r'id="q-detail"[^>]*\bhidden\b', text)
    assert "Use at least 5 characters." not in text  # hidden: not validated
    import engine
    from web import catalog
    from web.answers import stored as stored_rows
    from web.answers import values
    from web.extensions import db
    from web.models import Response

    with app.app_context():
        response = db.session.get(Response, every_type)
        q = catalog.questionnaire(response.version)
        evaluation = engine.evaluate(q, values(q, stored_rows(response)))
        assert {"detail", "detail_rows"} <= evaluation.not_applicable
        assert "detail" not in evaluation.problems and "detail" not in evaluation.values
        assert response.problems == 0  # the completeness figures do not count it
    # the branch reopens: the kept answer is back, and checked again
    assert post_page(client, every_type, {"compliance": "a"}).status_code == 302
    text = client.get(page_path(every_type)).get_data(as_text=True)
    assert "Use at least 5 characters." in text and not re.search(r'id="q-detail"[^>]*\bhidden\b', text)


def test_values_for_questions_the_new_answers_hide_are_ignored(client: FlaskClient, focal: Any,
                                                                every_type: int) -> None:
    base = form_of(client, every_type)
    assert base["_p-detail"] == "1" and base["detail"] == ""
    response = post_page(client, every_type, {"compliance": "b", "detail": "smuggled",
                                              "detail_rows-0-what": "smuggled"}, base=base)
    assert response.status_code == 302
    saved = stored(every_type)
    assert saved["compliance"] == "b" and "detail" not in saved and "detail_rows" not in saved
    reply = autosave(client, every_type, [{"q": "detail", "value": "smuggled too", "base": 0, "key": "k1"}]).get_json()
    assert reply["ignored"] == ["detail"] and "detail" not in stored(every_type)
    # the same value with the branch opened in the same save is kept
    reply = autosave(client, every_type, [{"q": "compliance", "value": "a", "base": 1, "key": "k2"},
                                          {"q": "detail", "value": "now visible", "base": 0, "key": "k3"}]).get_json()
    assert set(reply["saved"]) == {"compliance", "detail"} and stored(every_type)["detail"] == "now visible"


def test_a_stale_save_is_a_conflict_and_overwrites_nothing(client: FlaskClient, focal: Any, every_type: int) -> None:
    colleague = add_user("focal_point", "KEN")
    other = client.application.test_client()
    login(other, colleague)
    stale = form_of(client, every_type)  # seen before the colleague saves
    assert post_page(other, every_type, {"name": "Brian's name"}).status_code == 302
    response = post_page(client, every_type, {"name": "Amina's name"}, base=stale)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Brian&#39;s name" in page and "Amina&#39;s name" in page
    assert stored(every_type)["name"] == "Brian's name"
    assert versions(every_type)["name"] == 1
    assert [(r.new_value, r.source) for r in history(every_type, "name")] == [
        ("Brian's name", "save"), ("Amina's name", "conflict")]
    # the JSON autosave: the same rule, both values in the reply
    reply = autosave(client, every_type, [{"q": "name", "value": "Amina again", "base": 0, "key": "k9"}])
    assert reply.status_code == 200
    conflict = reply.get_json()["conflicts"][0]
    assert (conflict["theirs"], conflict["mine"], conflict["their_version"]) == ("Brian's name", "Amina again", 1)
    assert stored(every_type)["name"] == "Brian's name"
    # choosing on the conflict screen stores the chosen value on top, both stay in the history
    token = csrf_token(client, page_path(every_type))
    done = client.post(f"/responses/{every_type}/resolve", data={
        "csrf_token": token, "page": PAGE, "q": "name", "keep-name": "mine", "mine-name": '"Amina\'s name"',
        "version-name": "1"})
    assert done.status_code == 302 and stored(every_type)["name"] == "Amina's name"
    assert [r.source for r in history(every_type, "name")][-1] == "resolve"
    # a choice made on a screen that is stale too is not lost: the screen comes back with the newest value
    assert post_page(other, every_type, {"name": "Brian once more"}).status_code == 302
    again = client.post(f"/responses/{every_type}/resolve", data={
        "csrf_token": token, "page": PAGE, "q": "name", "keep-name": "mine", "mine-name": '"Amina, final"',
        "version-name": "2"})
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert "Brian once more" in page and "Amina, final" in page and 'name="version-name" value="3"' in page
    assert stored(every_type)["name"] == "Brian once more"


def test_the_same_save_twice_is_one_revision(client: FlaskClient, focal: Any, every_type: int) -> None:
    form = form_of(client, every_type)
    assert post_page(client, every_type, {"name": "Once"}, base=form).status_code == 302
    again = post_page(client, every_type, {"name": "Once"}, base=form)  # double click / resent form
    assert again.status_code == 302
    assert len(history(every_type, "name")) == 1 and versions(every_type)["name"] == 1
    change = {"q": "story", "value": "Autosaved", "base": 0, "key": "same-key"}
    first = autosave(client, every_type, [change]).get_json()
    second = autosave(client, every_type, [change]).get_json()
    assert first["saved"] == {"story": 1} and second["unchanged"] == {"story": 1} and second["conflicts"] == []
    assert len(history(every_type, "story")) == 1


@pytest.mark.parametrize("typed, kept", [("1 234,5", "1234.5"), ("١٬٢٣٤٫٥", "1234.5"), ("１２", 12),
                                         ("-0,25", "-0.25")])
def test_numbers_as_typed_in_every_language(client: FlaskClient, focal: Any, every_type: int, typed: str,
                                            kept: Any) -> None:
    assert post_page(client, every_type, {"amount": typed}).status_code == 302
    assert stored(every_type)["amount"] == kept


def test_invalid_number_is_shown_next_to_the_field_with_the_typed_text(client: FlaskClient, focal: Any,
                                                                       every_type: int) -> None:
    response = post_page(client, every_type, {"amount": "12abc", "name": "Kept", "laws-0-year": "19x9"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    field = re.search(r'<input[^>]*name="amount"[^>]*>', page).group(0)
    assert 'value="12abc"' in field and 'aria-invalid="true"' in field
    assert 'aria-describedby="amount-error-1"' in field
    assert re.search(r'id="amount-error-1">.*Enter a number, for example 12 or 3.5.</p>', page)
    assert 'value="19x9"' in page
    assert "There is a problem" in page and 'href="#q-amount"' in page
    saved = stored(every_type)
    assert "amount" not in saved and saved["name"] == "Kept"  # the rest of the page is saved
    reply = autosave(client, every_type, [{"q": "amount", "value": "12abc", "base": 0, "key": "n1"}]).get_json()
    assert reply["refused"] == {"amount": ["Enter a number, for example 12 or 3.5."]}


def test_contributor_changes_only_the_assigned_chapters(client: FlaskClient) -> None:
    response = start_response("KEN")
    contributor = add_user("contributor", "KEN", assign="chapter:III")
    login(client, contributor)
    chapter2 = "p5_1"
    chapter3 = "p15_a"
    page = client.get(page_path(response.id, chapter2)).get_data(as_text=True)
    assert 'name="p5_1.compliance"' not in page and "data-read-only" in page  # shown as text, no control
    assert 'name="_p-p5_1.compliance"' not in page
    assert "outside the chapters and articles assigned to you" in page and ">Save</button>" not in page
    before = stored(response.id)
    forged = {"csrf_token": csrf_token(client, page_path(response.id, chapter2)), "_k": "forged",
              "_p-p5_1.compliance": "1", "_v-p5_1.compliance": "0", "p5_1.compliance": "yes"}
    refused = client.post(page_path(response.id, chapter2), data=forged)
    assert refused.status_code == 400  # refused, and said so: never "Your answers are saved"
    shown = refused.get_data(as_text=True)
    assert "There is a problem" in shown and "Not saved: this answer is outside the chapters" in shown
    beside = shown[shown.index('id="q-p5_1.compliance"'):]
    assert beside.index("Not saved: this answer is outside") < beside.index('class="question-tools"')  # beside it
    assert "Your answers are saved" not in shown
    reply = autosave(client, response.id, [{"q": "p5_1.compliance", "value": "no", "base": 0, "key": "c1"}],
                     page=chapter2).get_json()
    assert reply["saved"] == {} and reply["ignored"] == []
    assert reply["refused"] == {"p5_1.compliance": [
        "Not saved: this answer is outside the chapters and articles assigned to you. "
        "Ask your focal point to change it, or to assign it to you."]}
    assert stored(response.id) == before == {}
    assert history(response.id) == []
    # their own chapter they may change
    reply = autosave(client, response.id, [{"q": "p15_a.compliance", "value": "yes", "base": 0, "key": "c2"}],
                     page=chapter3).get_json()
    assert reply["saved"] == {"p15_a.compliance": 1}


@pytest.mark.parametrize("method, path", [
    ("get", "/responses/{id}"), ("get", "/responses/{id}/pages/main"), ("get", "/responses/{id}/resume"),
    ("get", "/responses/{id}/print"), ("post", "/responses/{id}/pages/main"), ("post", "/responses/{id}/autosave"),
    ("post", "/responses/{id}/resolve"),
])
def test_another_states_response_is_not_found(client: FlaskClient, every_type: int, method: str, path: str) -> None:
    france = add_user("focal_point", "FRA")
    login(client, france)
    url = path.format(id=every_type)
    token = csrf_token(client, "/login") if method == "post" else None
    if method == "get":
        response = client.get(url)
    elif url.endswith("autosave"):
        response = client.post(url, json={"page": "main", "changes": [{"q": "name", "value": "x", "base": 0}]},
                               headers={"X-CSRFToken": token or ""})
        assert response.is_json
    else:
        response = client.post(url, data={"csrf_token": token, "_p-name": "1", "_v-name": "0", "name": "x",
                                          "q": "name", "keep-name": "mine", "mine-name": '"x"', "version-name": "0"})
    assert response.status_code == 404
    assert stored(every_type) == {} and history(every_type) == []


def test_an_expired_page_token_shows_the_typed_answers_again(app, client) -> None:  # type: ignore[no-untyped-def]
    """Without JavaScript, a page posted with an expired token loses nothing: it comes back filled."""
    from tests.conftest import add_user, login, start_response

    user = add_user("focal_point", "KEN")
    response = start_response("KEN")
    login(client, user)
    page = f"/responses/{response.id}/pages/general"
    typed = {"contributors-0-name": "Amina Mwangi", "contributors-0-institution": "Judiciary",
             "_p-contributors": "1", "_v-contributors": "0", "csrf_token": "expired.token.value"}
    again = client.post(page, data=typed)
    text = again.get_data(as_text=True)
    assert again.status_code == 400 and "Amina Mwangi" in text and "nothing was saved yet" in text
    logged_out = app.test_client()
    gone = logged_out.post(page, data=typed)
    assert gone.status_code == 400 and "Amina Mwangi" in gone.get_data(as_text=True)
