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
    not_started_pages = [client.get(f"/?q=technical_assistance&status=not_started&page={n}").get_data(as_text=True)
                         for n in (1, 2, 3, 4)]  # 50 States a page
    assert [page.count('class="status status-not_started"') for page in not_started_pages] == [50, 50, 50, 43]
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


def names_in_order(descending: bool = False) -> list[str]:
    """Every State's English name in the order of the table sorted by State (as the page escapes it)."""
    from markupsafe import escape
    from sqlalchemy import select

    from web.extensions import db
    from web.models import State

    with context():
        names = [state.name("en") for state in db.session.scalars(select(State))]
    return [str(escape(name)) for name in sorted(names, key=str.casefold, reverse=descending)]


def pagination_links(page: str) -> list[str]:
    nav = page[page.index('<nav class="pagination"'):]
    return [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', nav[:nav.index("</nav>")])]


def test_the_table_of_states_is_drawn_fifty_at_a_time_sorted_and_counted_over_every_state(app: Flask) -> None:
    """Pages of 50 States: sorted over every State (page 2 starts with the 51st), counted over every
    State, with links to each page that keep the filters and the sort."""
    from urllib.parse import parse_qs, urlsplit

    kenya = start_response("KEN").id
    start_response("FRA")
    set_status(kenya, "submitted", submitted_days_ago=3)
    client = reviewer(app)
    everyone = names_in_order()
    assert len(everyone) == 193
    first = client.get("/?status=all").get_data(as_text=True)
    assert rows_of(part(first, "progress")) == everyone[:50]
    assert 'id="progress-range">States 1–50 of 193<' in first
    second = client.get("/?status=all&page=2").get_data(as_text=True)
    assert rows_of(part(second, "progress")) == everyone[50:100] and "States 51–100 of 193" in second
    last = client.get("/?status=all&page=4").get_data(as_text=True)
    assert rows_of(part(last, "progress")) == everyone[150:] and "States 151–193 of 193" in last
    assert 'rel="next"' not in last and 'rel="prev"' in last
    # sorted over every State, not within the page: backwards, page 1 starts with the last name
    backwards = client.get("/?status=all&sort=state&dir=desc&page=2").get_data(as_text=True)
    assert rows_of(part(backwards, "progress")) == names_in_order(descending=True)[50:100]
    # counts by status and what awaits review stay over every State, whatever the page
    for page in (first, second, last):
        assert re.search(r'data-status="all">\s*<span class="count-label">All States</span>\s*'
                         r'<strong class="count-number">193</strong>', page)
        assert rows_of(part(page, "awaiting")) == ["Kenya"]
    # every link of the pages keeps the filters and the sort; the current page is marked
    filtered = client.get("/?status=not_started&group=african&sort=status&dir=desc&page=2").get_data(as_text=True)
    assert "States 51–53 of 53" in filtered  # 54 African States, Kenya started
    links = pagination_links(filtered)
    assert len(links) == 3  # Previous, 1, 2 (no Next on the last page)
    for link in links:
        args = parse_qs(urlsplit(link).query)
        assert {key: values for key, values in args.items() if key != "page"} == {
            "status": ["not_started"], "group": ["african"], "sort": ["status"], "dir": ["desc"],
            "q": ["uncac_checklist"]}
    assert [parse_qs(urlsplit(link).query)["page"] for link in links] == [["1"], ["1"], ["2"]]
    assert re.search(r'aria-label="Page 2 of 2" aria-current="page">2</a>', filtered)
    # one page: no page links
    assert '<nav class="pagination"' not in client.get("/?status=draft").get_data(as_text=True)
    # sorting and filtering start again from the first page
    header = part(second, "progress")
    assert "page=" not in header[:header.index("</thead>")]


def test_a_page_that_does_not_exist_answers_404(app: Flask) -> None:
    """As Flask-SQLAlchemy's ``paginate`` (and Django's ``ListView``) answer: past the last page,
    zero, negative or not a number. An empty table has its one page."""
    start_response("KEN")
    client = reviewer(app)
    assert client.get("/?status=all&page=4").status_code == 200
    for page in ("5", "0", "-1", "two", "1.5", "²", "99999999999"):
        assert client.get(f"/?status=all&page={page}").status_code == 404, page
    assert client.get("/?status=accepted&page=1").status_code == 200  # no State: "No State matches"
    assert client.get("/?status=accepted&page=2").status_code == 404
    assert client.get("/?status=all&page=").status_code == 200  # an empty value: the first page


def test_request_formats_write_what_the_template_helpers_write(app: Flask) -> None:
    """The dashboard's per-request formats give the texts of ``when``, ``format_percent``,
    ``status_label`` and ``group_label`` in every language."""
    from datetime import date

    from flask_babel import force_locale, format_percent

    from web.i18n import current_language
    from web.reference import group_label
    from web.templating import RequestFormats, status_label, when

    moments = [datetime(2026, 12, 5, 23, 30), datetime(2026, 1, 31, 0, 5, tzinfo=UTC), date(2027, 3, 31), None]
    for lang in ("ar", "en", "es", "fr", "ru", "zh"):
        with app.test_request_context(f"/?lang={lang}"), force_locale(lang):
            from flask import g

            g._lang = lang
            assert current_language() == lang
            fmt = RequestFormats()
            for moment in moments:
                for with_time in (True, False):
                    assert fmt.when(moment, with_time) == when(moment, with_time), (lang, moment)
                    assert fmt.when(moment, with_time) == when(moment, with_time)  # read back
            for number in (0, 0.07, 0.5, 1):
                assert fmt.percent(number) == format_percent(number), (lang, number)
            for code in ("not_started", "draft", "returned", "submitted", "accepted", "unknown"):
                assert fmt.status_label(code) == status_label(code), (lang, code)
            for code in ("african", "western_european_other", "unknown"):
                assert fmt.group_label(code) == group_label(code), (lang, code)
            if lang != "en":
                assert fmt.status_label("draft") != "Draft" and fmt.when(date(2027, 3, 31)) != "March 31, 2027"


def test_the_work_queue_lists_the_ten_submissions_waiting_longest_and_links_to_every_one(app: Flask) -> None:
    codes = ("KEN", "FRA", "BOL", "DEU", "NGA", "BRA", "CHL", "PER", "EGY", "IND", "JPN", "MEX")
    for days, code in enumerate(codes):
        set_status(start_response(code).id, "submitted", submitted_days_ago=30 - days)  # KEN waits longest
    client = reviewer(app)
    page = client.get("/").get_data(as_text=True)
    assert "12 submissions awaiting review" in page
    names = rows_of(part(page, "awaiting"))
    assert len(names) == 10 and names[0] == "Kenya" and names[-1] == "India"  # Japan and Mexico: a link away
    more = page[page.index('id="awaiting-more"'):]
    assert "The 10 waiting longest are listed here, and 2 more." in more
    link = re.search(r'href="([^"]+)">Every State whose submission awaits review', more)
    assert link is not None
    every = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    listed = rows_of(part(every, "progress"))
    assert listed[:10] == names and listed[10:] == ["Japan", "Mexico"]  # waiting longest first, every one


def test_a_readers_dashboard_links_each_published_profile(app: Flask) -> None:
    """The links of each State's profiles are built once and given each State's code: the same as url_for's."""
    from flask import url_for

    from web.extensions import db
    from web.models import Response

    for code in ("KEN", "FRA"):
        response_id = start_response(code).id
        with context():
            found = db.session.get(Response, response_id)
            found.status, found.published, found.consent = "accepted", True, "profile"
            db.session.commit()
    client = app.test_client()
    login(client, add_user("reader"))
    page = client.get("/?lang=fr").get_data(as_text=True)
    with app.test_request_context("/"):
        expected = [url_for("profiles.download", code=code, kind=kind, lang="fr").replace("&", "&amp;")
                    for code in ("FRA", "KEN") for kind in ("summary", "full")]
    assert re.findall(r'href="(/states/[^"]+)"', page) == expected
