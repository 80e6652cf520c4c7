"""Reading in every language (issue 12, point 8): language names in the reader's language, dates in
words, answers shown as text to those who may not change them."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import add_user, context, csrf_token, login, start_response

PAGE = "p15_a"
ANSWERS = [
    {"q": "p15_a.compliance", "value": "partial", "base": 0},
    {"q": "p15_a.measures", "value": [{"instrument": "Anti-Corruption and Economic Crimes Act", "reference": "s. 46",
                                       "year": 2003, "link": "https://kenyalaw.org/aceca"}], "base": 0},
    {"q": "p15_a.measures_summary", "value": "Bribery of public officials is an offence <b>since</b> 2003.",
     "base": 0},
]


def answered(app: Flask, lang: str = "en") -> int:
    """A Kenyan draft with answers to article 15 (a), written by a focal point working in ``lang``."""
    response = start_response("KEN")
    focal = app.test_client()
    login(focal, add_user("focal_point", "KEN"))
    token = csrf_token(focal, f"/responses/{response.id}/pages/{PAGE}")
    reply = focal.post(f"/responses/{response.id}/autosave?lang={lang}", json={"page": PAGE, "changes": ANSWERS},
                       headers={"X-CSRFToken": token})
    assert reply.status_code == 200 and len(reply.get_json()["saved"]) == 3, reply.get_data(as_text=True)
    return response.id


def test_the_secretariat_reads_answers_as_text_not_disabled_controls(app: Flask, client: FlaskClient) -> None:
    rid = answered(app)
    login(client, add_user("secretariat_reviewer"))
    page = client.get(f"/responses/{rid}/pages/{PAGE}").get_data(as_text=True)
    main = page[page.index("<main"):page.index("</main>")]
    answers = re.sub(r'<nav class="side-nav".*?</nav>', "", main, flags=re.S)  # its filters are a search form
    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", answers)
    assert controls and all('type="hidden"' in c for c in controls), controls  # no greyed-out controls
    assert not re.search(r"<[^>]+\bdisabled\b", main)
    assert '<p class="answer-text pre" dir="auto">Yes, in part</p>' in main
    assert "Bribery of public officials is an offence &lt;b&gt;since&lt;/b&gt; 2003." in main  # autoescaped
    table = main[main.index('<table class="table answer-read">'):]
    assert "<th scope=\"col\">Year of adoption</th>" in table and ">2003</td>" in table and ">s. 46</td>" in table
    assert main.count('class="answer-text answer-empty"') >= 3  # questions not answered say so
    assert "You can read these answers but not change them." in main and ">Save</button>" not in main
    arabic = client.get(f"/responses/{rid}/pages/{PAGE}?lang=ar").get_data(as_text=True)
    assert '<p class="answer-text pre" dir="auto">نعم، جزئياً</p>' in arabic


def test_written_in_names_the_language_in_the_readers_language(app: Flask, client: FlaskClient) -> None:
    rid = answered(app, lang="en")
    login(client, add_user("secretariat_reviewer"))
    for lang, name, wrong in (("ar", "الإنجليزية", "English"), ("zh", "英语", "English"), ("fr", "anglais", "English"),
                              ("ru", "английский", "English"), ("es", "inglés", "English")):
        page = client.get(f"/responses/{rid}/pages/{PAGE}?lang={lang}").get_data(as_text=True)
        note = re.findall(r'<p class="hint written-in">([^<]+)</p>', page)
        assert note and all(name in n and wrong not in n for n in note), (lang, note)
        # the answer written in English is marked as English text, for the browser and screen readers
        assert '<p class="answer-text pre" lang="en" dir="auto">Bribery' in page


def test_dates_are_written_in_words_in_each_language(app: Flask, client: FlaskClient) -> None:
    from datetime import UTC, datetime

    from web.extensions import db
    from web.models import AnswerRevision
    from web.templating import when

    rid = answered(app)
    moment = datetime(2026, 12, 5, 17, 30, tzinfo=UTC)
    with context():
        for revision in db.session.query(AnswerRevision).filter_by(response_id=rid):
            revision.created_at = moment
        db.session.commit()
    login(client, add_user("secretariat_reviewer"))
    expected = {"en": "December 5, 2026", "fr": "5 décembre 2026", "es": "5 de diciembre de 2026",
                "ru": "5 декабря 2026", "zh": "2026年12月5日", "ar": "ديسمبر"}
    for lang, words in expected.items():
        page = client.get(f"/responses/{rid}/activity?lang={lang}").get_data(as_text=True)
        assert words in page, lang
        assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", page), lang  # never "12/5/26"
    with app.test_request_context("/?lang=en"):
        assert when(moment) == "December 5, 2026, 5:30\u202fPM"
        assert when(moment.date()) == when(moment, time=False) == "December 5, 2026"
        assert when(None) == "–"


def test_web_pages_show_dates_with_one_helper() -> None:
    """No template formats a date itself (the short, all-digits forms crept in that way)."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "web" / "templates"
    found = [str(path.relative_to(templates)) for path in templates.rglob("*.html")
             if path.parts[-2] != "mail" and re.search(r"format_date(time)?\(", path.read_text())]
    assert found == []
