"""The secretariat's work queue (issue 12, point 7): counts by status, what awaits review (the oldest
first), filters by status, UN regional group and questionnaire, UN names and regional groups."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import add_user, context, login, start_response


def set_status(response_id: int, status: str, submitted_days_ago: int | None = None) -> None:
    from web.extensions import db
    from web.models import Response

    with context():
        response = db.session.get(Response, response_id)
        response.status = status
        if submitted_days_ago is not None:
            response.submitted_at = datetime.now(UTC) - timedelta(days=submitted_days_ago)
        db.session.commit()


def part(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start:page.index("</table>", start)]


def rows_of(table: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', table)


def reviewer(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, add_user("secretariat_reviewer"))
    return client


def test_opens_on_the_questionnaire_states_work_on_and_lists_what_awaits_review(app: Flask) -> None:
    kenya, france, bolivia = (start_response(code).id for code in ("KEN", "FRA", "BOL"))
    start_response("DEU")
    set_status(kenya, "submitted", submitted_days_ago=2)
    set_status(bolivia, "submitted", submitted_days_ago=9)
    set_status(france, "returned")
    page = reviewer(app).get("/").get_data(as_text=True)
    # the checklist, which States answer, not the other questionnaire's 193 "Not started" rows
    assert 'aria-current="page">UNCAC self-assessment checklist' in page
    assert "Not started" not in part(page, "progress")
    assert rows_of(part(page, "progress")) == ["Bolivia (Plurinational State of)", "France", "Germany", "Kenya"]
    # awaiting review: the one waiting longest first, with how long
    awaiting = part(page, "awaiting")
    assert rows_of(awaiting) == ["Bolivia (Plurinational State of)", "Kenya"]
    assert "9 days" in awaiting and "2 days" in awaiting
    assert "2 submissions awaiting review" in page
    # counts by status, each a filter
    counts = dict(re.findall(r'data-status="(\w+)">\s*<span class="count-label">[^<]+</span>\s*'
                             r'<strong class="count-number">([\d,]+)</strong>', page))
    assert counts == {"all": "193", "started": "4", "not_started": "189", "draft": "1", "returned": "1",
                      "submitted": "2", "accepted": "0"}
    # UN regional groups, not continents
    assert "Latin American and Caribbean States" in part(page, "progress")
    assert "Americas" not in page and "Europe<" not in page


def test_filters_by_status_group_and_questionnaire(app: Flask) -> None:
    kenya, france, nigeria = (start_response(code).id for code in ("KEN", "FRA", "NGA"))
    set_status(nigeria, "submitted", submitted_days_ago=1)
    client = reviewer(app)
    african = client.get("/?group=african").get_data(as_text=True)
    assert rows_of(part(african, "progress")) == ["Kenya", "Nigeria"]
    assert rows_of(part(african, "awaiting")) == ["Nigeria"]
    assert re.search(r'data-status="all">\s*<span class="count-label">All States</span>\s*'
                     r'<strong class="count-number">54</strong>', african)
    not_started = client.get("/?group=western_european_other&status=not_started").get_data(as_text=True)
    names = rows_of(part(not_started, "progress"))
    assert "France" not in names and "United Kingdom of Great Britain and Northern Ireland" in names
    assert "Kenya" not in names
    drafts = client.get("/?status=draft").get_data(as_text=True)
    assert rows_of(part(drafts, "progress")) == ["France", "Kenya"]
    other = client.get("/?q=technical_assistance").get_data(as_text=True)
    assert "No State has started this questionnaire yet." in other and 'id="progress"' not in other
    assert client.get("/?q=technical_assistance&status=not_started").get_data(as_text=True).count(
        'class="status status-not_started"') == 193
    for bad in ("/?status=nonsense", "/?group=europe", "/?q=unknown", "/?sort=region"):
        assert client.get(bad).status_code == 400, bad
    assert france and kenya


def test_names_in_six_languages_are_the_un_names(app: Flask) -> None:
    start_response("BOL")
    start_response("BIH")
    client = reviewer(app)
    english = client.get("/").get_data(as_text=True)
    assert "Bolivia (Plurinational State of)" in english and "Bosnia and Herzegovina" in english
    assert "Bosnia &amp; Herzegovina" not in english and ">Bolivia<" not in english
    for lang, name, group in (("fr", "Bolivie (État plurinational de)", "États d’Amérique latine et des Caraïbes"),
                              ("es", "Bolivia (Estado Plurinacional de)", None),
                              ("ar", "بوليفيا (دولة - المتعددة القوميات)", None)):
        page = client.get(f"/?lang={lang}").get_data(as_text=True)
        assert name in page, lang
        if group:
            assert group in page
