"""Hostile requests get bounded work and clear answers; stored values stay within their type's limits.

* Counts and indices read from a request (row indices in field names, rows asked for in the query
  string, list lengths in JSON) are bounded by the engine's own limits before any loop.
* JSON nested too deep, in a body or in a form field, is a 400 with a clear message.
* Ids beyond the database's integer range are 404, on every route (no OverflowError).
* A value beyond its type's hard limit (text length, table rows, list length) is refused before
  storing, with the field's message; softer rules (pattern, constraints, required, a question's own
  max_length) may be saved as an imperfect draft and are reported.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import add_user, context, csrf_token, login
from tests.web.test_fill import autosave, every_type, focal, form_of, history, page_path, post_page, stored

__all__ = ["every_type", "focal"]  # fixtures used below

HUGE = 10 ** 20  # beyond SQLite's and PostgreSQL's integers
ENORMOUS_DIGITS = "9" * 5000  # beyond Python's default int parsing limit


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


# -- rows and indices ------------------------------------------------------------------------------------
def test_a_row_index_far_beyond_the_limit_costs_no_work(client: FlaskClient, focal: Any, every_type: int,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import engine
    from web.fill import forms

    counts: list[int] = []
    original = forms._rows

    def spy(question: Any, form: Any, count: int) -> Any:
        counts.append(count)
        return original(question, form, count)

    monkeypatch.setattr(forms, "_rows", spy)
    reply = post_page(client, every_type, {"laws-0-title": "Act", "laws-1000000-title": "Far away"})
    assert counts and max(counts) <= engine.types.MAX_ROWS, counts
    assert reply.status_code == 400
    page = reply.get_data(as_text=True)
    assert "Add at most 200 rows." in page
    assert "laws" not in stored(every_type)


def test_a_row_index_too_long_to_be_a_number_is_refused(client: FlaskClient, focal: Any, every_type: int) -> None:
    reply = post_page(client, every_type, {f"laws-{ENORMOUS_DIGITS}-title": "x"})
    assert reply.status_code == 400
    assert "laws" not in stored(every_type)


def test_row_buttons_without_javascript_take_bounded_indices(client: FlaskClient, focal: Any,
                                                              every_type: int) -> None:
    added = post_page(client, every_type, {"laws-0-title": "Act", "_action": "add:laws"})
    assert added.status_code == 302 and "rows-laws=2" in added.headers["Location"]
    for action in (f"remove:laws:{ENORMOUS_DIGITS}", "remove:laws:", f"up:laws:{HUGE}"):
        reply = post_page(client, every_type, {"laws-0-title": "Act", "_action": action})
        assert reply.status_code == 302, action
    assert stored(every_type)["laws"] == [{"title": "Act"}]


def test_rows_asked_for_in_the_query_string_are_bounded(client: FlaskClient, focal: Any, every_type: int) -> None:
    import engine

    for asked in ("1000000000", ENORMOUS_DIGITS, "-5"):
        page = client.get(page_path(every_type) + f"?rows-laws={asked}").get_data(as_text=True)
        rows = set(re.findall(r'name="laws-(\d+)-title"', page))
        assert 1 <= len(rows) <= engine.types.MAX_ROWS, asked


def test_versions_beyond_the_database_range_are_conflicts_not_crashes(client: FlaskClient, focal: Any,
                                                                      every_type: int) -> None:
    assert autosave(client, every_type, [{"q": "name", "value": "First", "base": 0}]).status_code == 200
    reply = autosave(client, every_type, [{"q": "name", "value": "Second", "base": HUGE}])
    assert reply.status_code == 200
    assert [c["q"] for c in reply.get_json()["conflicts"]] == ["name"]
    posted = post_page(client, every_type, {"name": "Third", "_v-name": str(HUGE)})
    assert posted.status_code == 409
    assert stored(every_type)["name"] == "First"


# -- JSON depth ------------------------------------------------------------------------------------------------
def test_json_nested_too_deep_in_a_body_is_a_clear_400(client: FlaskClient, focal: Any, every_type: int) -> None:
    token = csrf_token(client, page_path(every_type))
    for body in ('{"page": "main", "changes": ' + deep(100_000) + "}",
                 '{"page": "main", "changes": [{"q": "name", "value": ' + deep(200) + "}]}"):
        reply = client.post(f"/responses/{every_type}/autosave", data=body,
                            headers={"X-CSRFToken": token, "Content-Type": "application/json",
                                     "Accept": "application/json"})
        assert reply.status_code == 400, reply.get_data(as_text=True)[:300]
        assert "nested too deeply" in reply.get_json()["error"]
    assert stored(every_type) == {}


def test_json_nested_too_deep_in_a_form_field_is_a_clear_400(client: FlaskClient, focal: Any,
                                                             every_type: int) -> None:
    token = csrf_token(client, page_path(every_type))
    reply = client.post(f"/responses/{every_type}/resolve", data={
        "csrf_token": token, "q": "name", "keep-name": "mine", "mine-name": deep(100_000), "version-name": "0"})
    assert reply.status_code == 400
    assert "nested too deeply" in reply.get_data(as_text=True)
    assert stored(every_type) == {}


def test_json_everywhere_in_the_app_refuses_deep_nesting(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(ValueError, match="nested too deeply"):
            app.json.loads(deep(100_000))
        with pytest.raises(ValueError, match="nested too deeply"):
            app.json.loads(deep(100))
        assert app.json.loads(deep(20)) == eval(deep(20))  # noqa: S307 - a literal of empty lists


# -- ids beyond the integer range -----------------------------------------------------------------------------
def test_ids_beyond_the_integer_range_are_not_found_on_every_route(app: Flask, client: FlaskClient) -> None:
    admin = add_user("secretariat_admin")
    login(client, admin)
    token = csrf_token(client, "/")
    checked = 0
    for rule in app.url_map.iter_rules():
        if "<int:" not in str(rule.rule) or rule.endpoint == "static":
            continue
        for big in (str(2 ** 31), str(HUGE), ENORMOUS_DIGITS):
            url = re.sub(r"<int:[a-z_]+>", big, rule.rule)
            url = re.sub(r"<(?:string:)?[a-z_]+>", "x", url)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):  # type: ignore[operator]
                reply = client.open(url, method=method, data={"csrf_token": token})
                assert reply.status_code == 404, (method, url[:80], reply.status_code)
                checked += 1
    assert checked > 30


def test_ids_beyond_the_integer_range_in_forms_and_queries(app: Flask, client: FlaskClient) -> None:
    from tests.web.test_workflow import small_response

    rid = small_response()
    login(client, add_user("secretariat_admin"))
    token = csrf_token(client, "/")
    reply = client.post(f"/responses/{rid}/comments", data={"csrf_token": token, "body": "x", "parent_id": HUGE})
    assert reply.status_code == 404
    reply = client.post(f"/responses/{rid}/migrate", data={"csrf_token": token, "version_id": HUGE})
    assert reply.status_code == 404
    assert client.get(f"/repository/?page={HUGE}").status_code == 200


# -- hard limits of stored values -------------------------------------------------------------------------------
@pytest.mark.parametrize("qid, length", [("story", 3_000_000), ("story", 100_000), ("story", 20_001),
                                         ("name", 1_001)])
def test_text_beyond_its_type_limit_is_refused_by_autosave(client: FlaskClient, focal: Any, every_type: int,
                                                           qid: str, length: int) -> None:
    reply = autosave(client, every_type, [{"q": qid, "value": "x" * length, "base": 0, "key": "k1"}])
    assert reply.status_code == 200
    body = reply.get_json()
    assert qid not in body["saved"]
    assert body["refused"][qid] and "Use at most" in body["refused"][qid][0]
    assert qid not in stored(every_type) and history(every_type, qid) == []
    assert client.get(page_path(every_type)).status_code == 200


def test_text_at_its_type_limit_is_stored(client: FlaskClient, focal: Any, every_type: int) -> None:
    reply = autosave(client, every_type, [{"q": "story", "value": "y" * 20_000, "base": 0}])
    assert "story" in reply.get_json()["saved"]
    assert len(stored(every_type)["story"]) == 20_000


def test_text_beyond_its_type_limit_is_refused_by_a_page_save(client: FlaskClient, focal: Any,
                                                              every_type: int) -> None:
    reply = post_page(client, every_type, {"story": "z" * 100_000, "name": "Kept"})
    assert reply.status_code == 400
    assert "Use at most 20000 characters" in reply.get_data(as_text=True).replace(",", "").replace("\u202f", "")
    assert stored(every_type) == {"name": "Kept"}


def test_table_cells_and_lists_beyond_their_limits_are_refused(client: FlaskClient, focal: Any,
                                                               every_type: int) -> None:
    reply = autosave(client, every_type, [
        {"q": "laws", "value": [{"title": "t" * 1_001}], "base": 0},
        {"q": "many", "value": ["a"] * 10_000, "base": 0},
        {"q": "manydrop", "value": [["a"]], "base": 0},
        {"q": "amount", "value": "1" * 5_000, "base": 0},
    ]).get_json()
    assert set(reply["refused"]) == {"laws", "many", "manydrop", "amount"}, reply
    assert stored(every_type) == {}


def test_softer_rules_may_be_saved_as_a_draft(client: FlaskClient, focal: Any, every_type: int) -> None:
    reply = autosave(client, every_type, [{"q": "compliance", "value": "a", "base": 0},
                                          {"q": "detail", "value": "abc", "base": 0}]).get_json()
    assert set(reply["saved"]) == {"compliance", "detail"}  # too short (min_length): saved, reported
    assert reply["problems"]["detail"]


def test_import_and_resolve_respect_the_hard_limits(app: Flask, client: FlaskClient, focal: Any,
                                                    every_type: int) -> None:
    token = csrf_token(client, page_path(every_type))
    reply = client.post(f"/responses/{every_type}/resolve", data={
        "csrf_token": token, "q": "name", "keep-name": "mine", "mine-name": '"' + "n" * 5000 + '"',
        "version-name": "0"})
    assert reply.status_code in (400, 409)
    assert stored(every_type) == {}
    from web import catalog
    from web.answers import Change, save
    from web.extensions import db
    from web.models import Response, User

    with context():
        response = db.session.get(Response, every_type)
        user = db.session.scalars(select(User).where(User.id == focal.id)).one()
        result = save(response, catalog.questionnaire(response.version),
                      [Change("story", "s" * 50_000, 0)], user, source="import")
        assert "story" in result.refused and not result.saved
        db.session.rollback()


def test_the_form_shows_the_type_limit(client: FlaskClient, focal: Any, every_type: int) -> None:
    form = client.get(page_path(every_type)).get_data(as_text=True)
    assert 'maxlength="20000"' in form and 'maxlength="1000"' in form
    assert form_of(client, every_type)


def test_an_import_file_nested_too_deep_is_refused_clearly(app: Flask, client: FlaskClient) -> None:
    import io

    login(client, add_user("secretariat_admin"))
    token = csrf_token(client, "/data/")
    for levels in (100_000, 100):
        body = ('{"format": "uncac-checklist-answers", "responses": ' + deep(levels) + "}").encode()
        reply = client.post("/data/import", data={"csrf_token": token, "file": (io.BytesIO(body), "deep.json")},
                            content_type="multipart/form-data")
        assert reply.status_code == 400, levels
