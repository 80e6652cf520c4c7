"""History and activity name the provision and the role of a question ("Article 15 (a) · compliance"),
and show what changed in a long text word by word (issue 12, point 6)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import add_user, csrf_token, login, start_response
from web.review.wordiff import word_diff, worth_a_diff

OLD = ("The Anti-Corruption Act 2003 sets up the Commission, which investigates offences and "
       "reports to Parliament every year.")
NEW = ("The Anti-Corruption Act 2003, as amended in 2019, sets up the Commission, which investigates "
       "offences & reports to the National Assembly every year.")


def test_word_diff_marks_words_taken_out_and_added() -> None:
    diff = word_diff(OLD, NEW)
    assert "".join(text for _kind, text in diff.old) == OLD  # nothing lost on either side
    assert "".join(text for _kind, text in diff.new) == NEW
    assert [text for kind, text in diff.new if kind == "ins"] == [
        "2003, as amended in 2019,", "&", "the National Assembly"]
    assert [text for kind, text in diff.old if kind == "del"] == ["2003", "and", "Parliament"]
    assert worth_a_diff(OLD, NEW) and not worth_a_diff("short", "shorter") and not worth_a_diff("", NEW)


def autosave(client: FlaskClient, response_id: int, changes: list[dict]) -> dict:
    token = csrf_token(client, f"/responses/{response_id}")
    reply = client.post(f"/responses/{response_id}/autosave", json={"page": "p15_a", "changes": changes},
                        headers={"X-CSRFToken": token})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.get_json()


def test_history_and_activity_name_the_provision_and_diff_long_texts(app: Flask, client: FlaskClient) -> None:
    response = start_response("KEN")
    login(client, add_user("focal_point", "KEN"))
    first = autosave(client, response.id, [{"q": "p15_a.compliance", "value": "partial", "base": 0},
                                           {"q": "p15_a.measures_summary", "value": OLD, "base": 0}])
    autosave(client, response.id, [{"q": "p15_a.measures_summary", "value": NEW,
                                    "base": first["saved"]["p15_a.measures_summary"]}])
    activity = client.get(f"/responses/{response.id}/activity").get_data(as_text=True)
    assert "Article 15\u00a0(a) · compliance</a>" in activity
    assert "Article 15\u00a0(a) · summary of the measures</a>" in activity
    history = client.get(f"/responses/{response.id}/history/p15_a.measures_summary").get_data(as_text=True)
    assert "<strong>Article 15\u00a0(a) · summary of the measures</strong>" in history
    assert "<ins>the National Assembly</ins> every" in history and "<del>Parliament</del> every" in history
    assert "<ins>&amp;</ins> reports" in history  # autoescaped: what people type is never markup
    # the first version (nothing before) reads whole
    assert re.search(r'<td dir="auto" class="pre">—</td>\s*<td dir="auto" class="pre">The Anti-Corruption', history)
    arabic = client.get(f"/responses/{response.id}/activity?lang=ar").get_data(as_text=True)
    assert "المادة 15\u00a0(a) · ملخص التدابير</a>" in arabic
    in_arabic = client.get(f"/responses/{response.id}/history/p15_a.measures_summary?lang=ar").get_data(as_text=True)
    assert '<td lang="en" dir="auto" class="pre word-diff" data-diff="new">' in in_arabic  # texts keep their language
