"""Pages that list answers name each by its place, as check your answers does (``web.content.place_heading``):
a submission's rows carry the provision, so that its many "Is your country in compliance…" rows differ; in
Arabic the provision number is isolated so that "15 (a)" reads as one number."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import add_user, context, login, start_response

ANSWERS = {"p5_1.compliance": "yes", "p15_a.compliance": "no", "p51.compliance": "yes"}


def submitted(rid: int) -> None:
    from web.extensions import db
    from web.models import Response, Snapshot
    from web.models.base import utcnow

    with context():
        response = db.session.get(Response, rid)
        response.status = "submitted"
        db.session.add(Snapshot(response_id=rid, number=1, revision=1, version_id=response.version_id,
                                content_hash=response.version.content_hash, summary={}, answers_hash="0" * 64,
                                answers={k: {"value": v, "version": 1, "language": None} for k, v in ANSWERS.items()},
                                created_at=utcnow()))
        db.session.commit()


def rows(page: str) -> list[str]:
    return [re.sub(r"[ \n]+", " ", row) for row in re.findall(r'<th scope="row">(.*?)</th>', page, re.S)]


@pytest.mark.parametrize(("lang", "article", "question"), [
    ("en", "Article", "Is your country in compliance with this provision?"),
    ("ar", "المادة", "هل يمتثل بلدكم لهذا الحكم؟"),
])
def test_a_submission_names_each_answer_by_its_provision(app: Flask, client: FlaskClient, lang: str, article: str,
                                                         question: str) -> None:
    rid = start_response("KEN").id
    submitted(rid)
    login(client, add_user("secretariat_reviewer"))
    page = client.get(f"/responses/{rid}/snapshots/1?lang={lang}").get_data(as_text=True)
    assert rows(page) == [f'{article} <bdi dir="ltr">{number}</bdi> · {question}'
                          for number in ("5\u00a0(1)", "15\u00a0(a)", "51")]


@pytest.mark.parametrize(("lang", "article"), [("en", "Article"), ("ar", "المادة")])
def test_check_your_answers_names_pages_the_same_way(app: Flask, client: FlaskClient, lang: str,
                                                     article: str) -> None:
    rid = start_response("KEN").id
    login(client, add_user("focal_point", "KEN"))
    page = client.get(f"/responses/{rid}/check?lang={lang}").get_data(as_text=True)
    assert f'>{article} <bdi dir="ltr">15\u00a0(a)</bdi></a>' in page


@pytest.mark.parametrize(("lang", "separator"), [("en", ": "), ("zh", "：")])
def test_the_link_back_to_a_response_joins_owner_and_title_as_the_language_does(client: FlaskClient, lang: str,
                                                                                separator: str) -> None:
    response = start_response("KEN")
    login(client, add_user("focal_point", "KEN"))
    with context():
        from web.extensions import db
        from web.models import Response

        found = db.session.get(Response, response.id)
        assert found is not None
        expected = found.owner_name(lang) + separator + found.version.title_in(lang)
    for path in (f"/responses/{response.id}/check", f"/responses/{response.id}/activity",
                 f"/responses/{response.id}/transfer"):
        reply = client.get(f"{path}?lang={lang}")
        assert reply.status_code == 200, path
        assert f'/responses/{response.id}">{expected}</a>' in reply.get_data(as_text=True), path
