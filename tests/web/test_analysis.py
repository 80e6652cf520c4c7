"""Figures across States on a small constructed data set: what counts for whom, the counts and the
States behind them, charts with tables, CSV files, and escaping."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import add_user, login
from tests.exports.small_checklist import complete
from tests.web.data_helpers import HOSTILE, change, counts, rename_state, respond, restore_state

KEN_ANSWERS = complete({
    "p5_2.compliance": "partial", "p5_2.ta_needed": True, "p5_2.ta_categories": ["legal_advice", "capacity_building"],
    "p5_2.ta_priority": "high",
    "p15_a.compliance": "no", "p15_a.ta_needed": True, "p15_a.ta_categories": ["legal_advice"],
    "p15_a.ta_priority": "low",
})


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """KEN accepted and published; FRA a draft (with assistance answers made not applicable); BRA
    submitted but not published."""
    ids = {
        "KEN": respond("KEN", KEN_ANSWERS, status="accepted", publish=True),
        "FRA": respond("FRA", {"p5_1.compliance": "no", "p5_1.ta_needed": True,
                               "p5_1.ta_categories": ["capacity_building"], "p5_1.ta_priority": "high",
                               "p5_2.compliance": "partial", "p5_2.ta_needed": True,
                               "p5_2.ta_categories": ["legal_advice"]}),
        "BRA": respond("BRA", complete({"p5_1.compliance": "partial", "p5_1.ta_needed": False}), status="submitted"),
    }
    change(ids["FRA"], {"p5_2.compliance": "yes"}, state="FRA")  # its assistance answers are now not applicable
    return ids


def client_for(app: Flask, role: str, state: str | None = None) -> FlaskClient:
    client = app.test_client()
    login(client, add_user(role, state))
    return client


def table(client: FlaskClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def by_key(rows: list[dict[str, str]], key: str) -> dict[str, dict[str, str]]:
    return {row[key]: row for row in rows}


def test_secretariat_counts_every_state_with_applicable_answers_only(app: Flask, world: dict[str, int]) -> None:
    client = client_for(app, "secretariat_reviewer")
    articles = by_key(table(client, "/analysis/assistance.csv?by=article&q=small_checklist"), "article")
    assert set(articles) == {"5", "15"}
    assert (articles["5"]["states"], articles["5"]["needs"], articles["5"]["high_priority"]) == ("2", "2", "2")
    assert articles["5"]["state_codes"] == "FRA;KEN"  # in name order: France, Kenya
    assert (articles["15"]["states"], articles["15"]["needs"], articles["15"]["state_codes"]) == ("1", "1", "KEN")

    categories = by_key(table(client, "/analysis/assistance.csv?by=category&q=small_checklist"), "category")
    assert (categories["legal_advice"]["needs"], categories["legal_advice"]["state_codes"]) == ("2", "KEN")
    assert (categories["capacity_building"]["needs"], categories["capacity_building"]["state_codes"]) == (
        "2", "FRA;KEN")
    assert categories["other"]["needs"] == "0" and categories["other"]["state_codes"] == ""

    regions = by_key(table(client, "/analysis/assistance.csv?by=region&q=small_checklist"), "region")
    assert {code: (r["label"], r["states_reporting"], r["states"], r["needs"]) for code, r in regions.items()} == {
        "002": ("Africa", "1", "1", "2"), "150": ("Europe", "1", "1", "1"), "019": ("Americas", "1", "0", "0")}

    groups = by_key(table(client, "/analysis/assistance.csv?by=group&q=small_checklist"), "group")
    assert {code: (r["label"], r["states_reporting"], r["states"], r["needs"]) for code, r in groups.items()} == {
        "african": ("African States", "1", "1", "2"),
        "western_european_other": ("Western European and other States", "1", "1", "1"),
        "latin_american_caribbean": ("Latin American and Caribbean States", "1", "0", "0")}
    page = client.get("/analysis/assistance?by=group&q=small_checklist").get_data(as_text=True)
    assert "Latin American and Caribbean States" in page and 'aria-current="page"' in page

    compliance = by_key(table(client, "/analysis/compliance.csv?q=small_checklist&chapter=all"), "provision")
    assert [(p, r["yes"], r["partial"], r["no"], r["not_answered"]) for p, r in compliance.items()] == [
        ("5.1", "1", "1", "1", "0"), ("5.2", "2", "1", "0", "0"), ("15.a", "1", "0", "1", "1")]
    assert compliance["5.2"]["yes_states"] == "BRA;FRA" and compliance["15.a"]["not_answered_states"] == "FRA"
    chapter = table(client, "/analysis/compliance.csv?q=small_checklist&chapter=III")
    assert [row["provision"] for row in chapter] == ["15.a"]


@pytest.mark.parametrize("role, state", [("reader", None), ("focal_point", "FRA")])
def test_others_count_published_responses_only(app: Flask, world: dict[str, int], role: str,
                                                state: str | None) -> None:
    client = client_for(app, role, state)
    before = counts()
    articles = by_key(table(client, "/analysis/assistance.csv?by=article&q=small_checklist"), "article")
    assert {a: (r["needs"], r["state_codes"]) for a, r in articles.items()} == {"5": ("1", "KEN"), "15": ("1", "KEN")}
    regions = table(client, "/analysis/assistance.csv?by=region&q=small_checklist")
    assert [(r["region"], r["states_reporting"]) for r in regions] == [("002", "1")]
    compliance = by_key(table(client, "/analysis/compliance.csv?q=small_checklist&chapter=all"), "provision")
    assert [(r["yes"], r["partial"], r["no"], r["not_answered"]) for r in compliance.values()] == [
        ("1", "0", "0", "0"), ("0", "1", "0", "0"), ("0", "0", "1", "0")]
    for chapter in ("II", "III"):  # the States behind the counts are listed one chapter at a time
        page = client.get(f"/analysis/compliance?q=small_checklist&chapter={chapter}").get_data(as_text=True)
        page = page[page.index("<main"):page.index("</main>")]
        assert "France" not in page and "Brazil" not in page and "Kenya" in page, chapter
    assert counts() == before


def test_pages_show_a_chart_and_a_table_with_the_same_figures(app: Flask, world: dict[str, int]) -> None:
    client = client_for(app, "secretariat_admin")
    for by in ("article", "category", "region"):
        page = client.get(f"/analysis/assistance?by={by}&q=small_checklist").get_data(as_text=True)
        assert page.count("<svg") == 1 and 'role="img"' in page and '<table class="table" id="figures">' in page
    page = client.get("/analysis/assistance?by=article&q=small_checklist").get_data(as_text=True)
    assert "Article 5. Preventive policies" in page and "France, Kenya" in page
    page = client.get("/analysis/compliance?q=small_checklist&chapter=II").get_data(as_text=True)
    assert page.count("<svg") == 1 and "Article 5\u00a0(1)" in page and "Article 15\u00a0(a)" not in page
    arabic = client.get("/analysis/assistance?by=category&q=small_checklist&lang=ar")
    assert arabic.status_code == 200 and 'dir="rtl"' in arabic.get_data(as_text=True)
    svg = arabic.get_data(as_text=True).split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'direction="rtl"' in svg and 'direction="ltr"' not in svg  # a mirrored chart
    assert client.get("/analysis/assistance?by=nonsense").status_code == 400
    assert client.get("/analysis/compliance?chapter=IX&q=small_checklist").status_code == 400


def test_figures_follow_changes_of_a_draft(app: Flask, world: dict[str, int]) -> None:
    client = client_for(app, "secretariat_admin")
    url = "/analysis/compliance.csv?q=small_checklist&chapter=all"
    assert by_key(table(client, url), "provision")["15.a"]["not_answered"] == "1"
    change(world["FRA"], {"p15_a.compliance": "partial"}, state="FRA")
    assert by_key(table(client, url), "provision")["15.a"]["partial"] == "1"


@pytest.fixture
def hostile_state(app: Flask) -> Any:
    rename_state("KEN", HOSTILE)
    yield
    restore_state("KEN")


def test_hostile_text_is_escaped_in_charts_and_tables(app: Flask, world: dict[str, int], hostile_state: Any) -> None:
    client = client_for(app, "secretariat_admin")
    for url in ("/analysis/assistance?by=article&q=small_checklist",
                "/analysis/assistance?by=category&q=small_checklist",
                "/analysis/assistance?by=region&q=small_checklist",
                "/analysis/compliance?q=small_checklist&chapter=II",
                "/analysis/assistance?by=article&q=small_checklist&lang=ar"):
        page = client.get(url).get_data(as_text=True)
        assert HOSTILE not in page and "onload=alert(1)&gt;" in page, url
    rows = table(client, "/analysis/assistance.csv?by=article&q=small_checklist")
    assert rows[0]["state_codes"] == "KEN;FRA"  # in name order: the hostile name sorts first


def test_empty_data_set_says_so(app: Flask) -> None:
    client = client_for(app, "reader")
    page = client.get("/analysis/assistance").get_data(as_text=True)
    assert "No technical assistance need is reported yet." in page and "<svg" not in page
    page = client.get("/analysis/compliance").get_data(as_text=True)
    assert "No self-assessment to count yet." in page


def test_figures_are_counted_after_a_step_and_then_read_as_stored(app: Flask, world: dict[str, int],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import context
    from tests.web.mail_helpers import RecordingQueue
    from web import workflow
    from web.analysis import aggregates
    from web.extensions import db
    from web.models import Response, User

    queued: list[tuple[str, tuple[Any, ...]]] = []

    class Debounced(RecordingQueue):
        def debounce(self, key: str, window: float, task: str, args: tuple[Any, ...]) -> bool:
            queued.append((task, args))
            return True

    app.extensions["jobs"] = Debounced()
    app.config["FIGURES_AHEAD"] = True
    reviewer = add_user("secretariat_reviewer")
    with context():
        brazil = db.session.get(Response, world["BRA"])
        brazil.consent = "profile"  # the State lets its profile be published (web.consent)
        workflow.accept(brazil, db.session.get(User, reviewer.id), publish=True)
        db.session.commit()
    assert queued == [(aggregates.TASK, ("small_checklist",))]  # counted again after the commit, by a worker
    with context():
        assert aggregates.refresh("small_checklist")["counted"]  # what the worker runs
    monkeypatch.setattr(aggregates, "count", lambda *args: pytest.fail("figures counted on read"))
    url = "/analysis/compliance.csv?q=small_checklist&chapter=all"
    reader = by_key(table(client_for(app, "reader"), url), "provision")
    assert reader["5.1"]["partial"] == "1" and reader["5.1"]["partial_states"] == "BRA"
    secretariat = by_key(table(client_for(app, "secretariat_admin"), url), "provision")
    assert secretariat["15.a"]["no"] == "1"


def test_compliance_shows_one_chapter_at_a_time_with_the_states_behind_each_count(app: Flask,
                                                                                 world: dict[str, int]) -> None:
    """The first chapter by default, a chooser of chapters keeping the questionnaire; every chapter
    at once gives the counts only, each provision linking to its row on its chapter's page."""
    import re

    client = client_for(app, "secretariat_reviewer")
    page = client.get("/analysis/compliance?q=small_checklist").get_data(as_text=True)
    chooser = page[page.index('aria-label="Chapters"'):]
    chooser = chooser[:chooser.index("</nav>")]
    assert re.findall(r'href="([^"]+)"', chooser) == [
        "/analysis/compliance?q=small_checklist&amp;chapter=II",
        "/analysis/compliance?q=small_checklist&amp;chapter=III",
        "/analysis/compliance?q=small_checklist&amp;chapter=all"]
    assert re.findall(r'aria-current="page">([^<]+)</a>', chooser) == [re.findall(r'>([^<]+)</a>', chooser)[0]]
    rows = re.findall(r'<tr id="p-([^"]+)">', page)
    assert rows == ["5.1", "5.2"]  # chapter II, the first
    first = page[page.index('<tr id="p-5.2">'):]
    first = first[:first.index("</tr>")]
    # 5.2: yes by Brazil and France, in part by Kenya (names in name order)
    assert "<dt>Yes</dt>" in first and "<dd>Brazil, France</dd>" in first and "<dd>Kenya</dd>" in first
    assert 'id="all-chapters-hint"' not in page

    third = client.get("/analysis/compliance?q=small_checklist&chapter=III").get_data(as_text=True)
    assert re.findall(r'<tr id="p-([^"]+)">', third) == ["15.a"] and "<dd>France</dd>" in third

    every = client.get("/analysis/compliance?q=small_checklist&chapter=all").get_data(as_text=True)
    table_part = every[every.index('id="figures"'):every.index("</table>")]
    assert table_part.count('<th scope="row">') == 3 and "<dd>" not in table_part and "Kenya" not in table_part
    assert re.findall(r'href="([^"]+)">Which States', table_part) == [
        "/analysis/compliance?q=small_checklist&amp;chapter=II#p-5.1",
        "/analysis/compliance?q=small_checklist&amp;chapter=II#p-5.2",
        "/analysis/compliance?q=small_checklist&amp;chapter=III#p-15.a"]
    assert 'id="all-chapters-hint"' in every
    # the counts are those of the chapters' pages: 15.a yes 1, in part 0, no 1, not answered 1
    counts_15a = table_part[table_part.index("Article 15"):]
    assert re.findall(r'<td class="num">(\d+)</td>', counts_15a)[:4] == ["1", "0", "1", "1"]
