"""The conflict screen never offers a stale value by default.

A page save posts every field. A field this user did not touch (the posted value is the value of
the version the page showed) keeps a colleague's newer saved value, without asking. Where the user
did change the field, both values are shown and neither is preselected: the user must choose.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import add_user, csrf_token, login
from tests.web.test_fill import autosave, every_type, focal, form_of, history, page_path, post_page, stored

__all__ = ["every_type", "focal"]


def colleague(app: Flask) -> FlaskClient:
    other = app.test_client()
    login(other, add_user("focal_point", "KEN"))
    return other


def test_untouched_fields_keep_a_colleagues_newer_value_without_asking(app: Flask, client: FlaskClient, focal: Any,
                                                                       every_type: int) -> None:
    assert autosave(client, every_type, [{"q": "name", "value": "Old name", "base": 0}]).status_code == 200
    seen = form_of(client, every_type)  # the page as this user opened it
    other = colleague(app)
    autosave(other, every_type, [{"q": "name", "value": "Newer name", "base": 1},
                                 {"q": "story", "value": "Their story", "base": 0}])
    reply = post_page(client, every_type, {"site": "https://example.org"}, base=seen)
    assert reply.status_code == 302, reply.get_data(as_text=True)[:500]
    assert stored(every_type) == {"name": "Newer name", "story": "Their story", "site": "https://example.org"}
    assert [r.source for r in history(every_type) if r.source == "conflict"] == []


def test_a_changed_field_shows_both_values_and_preselects_neither(app: Flask, client: FlaskClient, focal: Any,
                                                                   every_type: int) -> None:
    autosave(client, every_type, [{"q": "name", "value": "Old name", "base": 0}])
    seen = form_of(client, every_type)
    autosave(colleague(app), every_type, [{"q": "name", "value": "Newer name", "base": 1}])
    reply = post_page(client, every_type, {"name": "My name"}, base=seen)
    assert reply.status_code == 409
    page = reply.get_data(as_text=True)
    assert "My name" in page and "Newer name" in page
    assert "checked" not in page
    assert 'name="keep-name" value="mine" required' in page
    assert stored(every_type)["name"] == "Newer name"


def test_the_conflict_choice_must_be_made(app: Flask, client: FlaskClient, focal: Any, every_type: int) -> None:
    autosave(client, every_type, [{"q": "name", "value": "Old name", "base": 0}])
    autosave(colleague(app), every_type, [{"q": "name", "value": "Newer name", "base": 1}])
    token = csrf_token(client, page_path(every_type))
    fields = {"csrf_token": token, "page": "main", "q": "name", "mine-name": '"My name"', "version-name": "2"}
    unchosen = client.post(f"/responses/{every_type}/resolve", data=fields)
    assert unchosen.status_code == 400
    page = unchosen.get_data(as_text=True)
    assert "Choose which value to keep" in page and "My name" in page and "Newer name" in page
    assert stored(every_type)["name"] == "Newer name"
    theirs = client.post(f"/responses/{every_type}/resolve", data={**fields, "keep-name": "theirs"})
    assert theirs.status_code == 302 and stored(every_type)["name"] == "Newer name"
    mine = client.post(f"/responses/{every_type}/resolve", data={**fields, "keep-name": "mine"})
    assert mine.status_code == 302 and stored(every_type)["name"] == "My name"


def test_a_stale_autosave_of_the_value_it_was_based_on_brings_back_the_newer_value(
        app: Flask, client: FlaskClient, focal: Any, every_type: int) -> None:
    autosave(client, every_type, [{"q": "name", "value": "Old name", "base": 0}])
    autosave(colleague(app), every_type, [{"q": "name", "value": "Newer name", "base": 1}])
    reply = autosave(client, every_type, [{"q": "name", "value": "Old name", "base": 1}]).get_json()
    assert reply["conflicts"] == []
    assert reply["kept"] == {"name": {"version": 2, "value": "Newer name"}}
    assert stored(every_type)["name"] == "Newer name"
