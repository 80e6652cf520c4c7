"""The repository of national measures and legislation: entries kept in step with the answers,
search by words, article and State (the same on SQLite and PostgreSQL), scoping by role, links,
and escaping."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import add_user, context, login
from tests.exports.small_checklist import complete, law
from tests.web.data_helpers import HOSTILE, change, counts, respond


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """KEN accepted and published, FRA a draft (hostile text, a javascript: link), BRA submitted."""
    return {
        "KEN": respond("KEN", complete({
            "p5_1.measures": [law("Public Officer Ethics Act", "Part III", 2003, "https://laws.example.org/ethics")],
            "p5_2.measures": [law("Public Officer Ethics Act", "s. 5", 2003),
                              law("Procurement Regulations", "reg. 12", 2020)],
            "p15_a.measures": [law("قانون مكافحة الفساد", "المادة 3", 2010)],
        }), status="accepted", publish=True),
        "FRA": respond("FRA", complete({
            "p5_1.measures": [law("Loi relative à la transparence de la vie publique", "art. 4", 2013,
                                  "javascript:alert(1)"), law(HOSTILE, HOSTILE, 2001, "https://ok.example/" + HOSTILE)],
            "p15_a.measures": [law("反腐败法", "第三条", 2015)],
        }), language="fr"),
        "BRA": respond("BRA", complete({"p5_1.measures": [law("Lei Anticorrupção", "art. 5", 2013)]}),
                       status="submitted"),
    }


def client_for(app: Flask, role: str, state: str | None = None) -> FlaskClient:
    client = app.test_client()
    login(client, add_user(role, state))
    return client


def main(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


def titles(client: FlaskClient, **params: str) -> list[str]:
    response = client.get("/repository/", query_string=params)
    assert response.status_code == 200
    found = re.findall(r'<h2 class="measure-title"[^>]*>(.*?)</h2>', response.get_data(as_text=True))
    return [title.strip() for title in found]


def test_search_by_words_ignores_case_accents_and_diacritics(app: Flask, world: dict[str, int]) -> None:
    client = client_for(app, "secretariat_admin")
    assert titles(client, q="OFFICER ethics") == ["Public Officer Ethics Act"]
    assert len(titles(client, q="ETHICS act")) == 3  # also "Ethics Act" of France and Brazil
    assert titles(client, q="relative a la TRANSPARENCE") == ["Loi relative à la transparence de la vie publique"]
    assert titles(client, q="anticorrupcao") == ["Lei Anticorrupção"]
    assert titles(client, q="腐败") == ["反腐败法"]  # a word inside Chinese text
    assert titles(client, q="مكافحه الفَساد") == ["قانون مكافحة الفساد"]  # letter variants, a diacritic
    assert titles(client, q="ethics procurement") == []  # every word must match the same measure
    assert titles(client, q="100%") == []  # no wildcard reaches the database
    assert titles(client, q="2020") == ["Procurement Regulations"]
    assert titles(client, q="Kenya procurement") == ["Procurement Regulations"]  # the State's name is searched


def test_search_by_article_and_state(app: Flask, world: dict[str, int]) -> None:
    client = client_for(app, "secretariat_reviewer")
    assert titles(client, article="15") == ["Penal Code", "反腐败法", "قانون مكافحة الفساد"]  # Brazil, France, Kenya
    assert titles(client, article="15", state="FRA") == ["反腐败法"]
    assert titles(client, state="KEN") == ["Procurement Regulations", "Public Officer Ethics Act",
                                           "قانون مكافحة الفساد"]
    assert titles(client, article="5", q="ethics", state="KEN") == ["Public Officer Ethics Act"]
    assert titles(client, article="99") == [] and titles(client, article="'; drop table x") == []
    page = client.get("/repository/?state=FRA&article=15").get_data(as_text=True)
    assert '<h2 class="measure-title" dir="auto" lang="fr">反腐败法</h2>' in page  # written in a French answer


def test_one_measure_lists_the_provisions_it_implements(app: Flask, world: dict[str, int]) -> None:
    page = client_for(app, "reader").get("/repository/?q=ethics").get_data(as_text=True)
    measure = page[page.index('<h2 class="measure-title" dir="auto">Public Officer Ethics Act'):]
    measure = measure[:measure.index("</li>\n      \n    </ol>") if "</ol>" in measure else None]
    assert "Article 5\u00a0(1)</a> · Part III" in measure and "Article 5\u00a0(2)</a> · s. 5" in measure
    assert '<a href="https://laws.example.org/ethics" rel="noopener noreferrer nofollow"' in measure
    assert "1 measure found." in page


def test_readers_see_published_responses_only(app: Flask, world: dict[str, int]) -> None:
    client = client_for(app, "reader")
    before = counts()
    assert sorted(titles(client)) == ["Procurement Regulations", "Public Officer Ethics Act", "قانون مكافحة الفساد"]
    assert titles(client, state="FRA") == [] and titles(client, state="BRA") == []
    page = main(client.get("/repository/").get_data(as_text=True))
    assert "France" not in page and "Brazil" not in page
    fra = world["FRA"]
    assert client.get(f"/repository/{fra}/p15_a.measures/0").status_code == 404
    assert client.get(f"/repository/{world['BRA']}/p5_1.measures/0").status_code == 404
    assert counts() == before


def test_a_states_users_see_their_own_and_the_published_ones(app: Flask, world: dict[str, int]) -> None:
    client = client_for(app, "focal_point", "FRA")
    assert sorted(titles(client, article="15")) == ["قانون مكافحة الفساد", "反腐败法"]
    assert titles(client, state="BRA") == [] and titles(client, q="anticorrupcao") == []
    assert client.get(f"/repository/{world['BRA']}/p5_1.measures/0").status_code == 404
    page = client.get(f"/repository/{world['KEN']}/p5_1.measures/0").get_data(as_text=True)
    assert "Public Officer Ethics Act" in page and "/responses/" not in main(page)  # not theirs to open
    own = client.get(f"/repository/{world['FRA']}/p15_a.measures/0").get_data(as_text=True)
    assert f"/responses/{world['FRA']}/pages/p15_a#q-p15_a.measures" in own


def test_entry_leads_back_to_the_answer(app: Flask, world: dict[str, int]) -> None:
    ken = world["KEN"]
    reader = client_for(app, "reader").get(f"/repository/{ken}/p5_2.measures/0").get_data(as_text=True)
    assert "Public Officer Ethics Act" in reader and "Have practices" in reader  # the provision's summary
    assert "Is your country in compliance?" in reader and "/responses/" not in main(reader)
    assert "Article 5\u00a0(1)" in main(reader)  # the same measure cited for another provision
    admin = client_for(app, "secretariat_admin").get(f"/repository/{ken}/p5_2.measures/0").get_data(as_text=True)
    assert f"/responses/{ken}/pages/p5_2#q-p5_2.measures" in admin
    assert client_for(app, "reader").get(f"/repository/{ken}/p5_2.measures/7").status_code == 404


def test_only_http_links_become_links_and_hostile_text_is_escaped(app: Flask, world: dict[str, int]) -> None:
    client = client_for(app, "secretariat_admin")
    fra = world["FRA"]
    for url in ("/repository/?state=FRA", f"/repository/{fra}/p5_1.measures/0", f"/repository/{fra}/p5_1.measures/1",
                "/repository/?q=" + HOSTILE, "/repository/?state=FRA&lang=ar"):
        page = client.get(url).get_data(as_text=True)
        assert HOSTILE not in page and 'href="javascript:' not in page, url
        assert "<svg onload" not in page
    page = client.get("/repository/?state=FRA").get_data(as_text=True)
    assert "javascript:alert(1)" in page  # shown, as text
    assert "&#34;&gt;&lt;svg onload=alert(1)&gt;" in page


def test_entries_follow_the_answers(app: Flask, world: dict[str, int]) -> None:
    from web.extensions import db
    from web.models.repository import RepositoryEntry

    client = client_for(app, "secretariat_admin")
    assert titles(client, q="transparence") != []
    change(world["FRA"], {"p5_1.measures": [law("Loi Sapin II", "art. 1", 2016)]}, state="FRA")
    assert titles(client, q="transparence") == [] and titles(client, q="sapin") == ["Loi Sapin II"]
    change(world["FRA"], {"p5_1.compliance": "no", "p5_1.ta_needed": False}, state="FRA")  # measures not applicable
    assert titles(client, q="sapin") == []
    with context():
        total = db.session.scalar(select(func.count()).select_from(RepositoryEntry).where(
            RepositoryEntry.response_id == world["FRA"]))
    assert total == 2  # 5.2 Ethics Act and 15.a; nothing left of 5.1


def test_a_published_response_shows_what_was_submitted(app: Flask, world: dict[str, int]) -> None:
    """Entries of a submitted response come from its snapshot, not from later live changes."""
    from web.extensions import db
    from web.models import Answer

    with context():  # a change behind the snapshot's back (e.g. an amendment under way)
        row = db.session.scalars(select(Answer).where(Answer.response_id == world["KEN"],
                                                      Answer.question_id == "p5_2.measures")).one()
        row.value = [law("Something else")]
        db.session.commit()
    assert "Something else" not in titles(client_for(app, "reader"))


@pytest.mark.parametrize("text, expected", [
    ("Código PENAL", "codigo penal"), ("Straße", "strasse"), ("  a--b__c  ", "a b c"),
    ("الفَسَاد", "الفساد"), ("مكافحة", "مكافحه"), ("ＡＢＣ", "abc"),
])
def test_normalise(text: str, expected: str) -> None:
    from web.repository.index import normalise

    assert normalise(text) == expected


def test_search_words_are_bounded() -> None:
    from web.repository.index import MAX_WORDS, like, words

    assert len(words(" ".join(["w"] * 50))) == MAX_WORDS
    assert like("50%_a\\b") == "%50\\%\\_a\\\\b%"


def test_concurrent_first_visits_index_once(app: Flask, world: dict[str, int]) -> None:
    """Several requests finding the same stale response rebuild it without errors or duplicates."""
    import threading

    from web.extensions import db
    from web.models.repository import RepositoryEntry

    clients = [client_for(app, "secretariat_admin") for _ in range(4)]
    results: list[int] = []

    def visit(client: FlaskClient) -> None:
        results.append(client.get("/repository/?q=ethics").status_code)

    threads = [threading.Thread(target=visit, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 4
    with context():
        rows = db.session.execute(select(RepositoryEntry.response_id, RepositoryEntry.question_id,
                                         RepositoryEntry.row)).all()
    assert len(rows) == len(set(rows)) == 11  # KEN 4, FRA 4, BRA 3
