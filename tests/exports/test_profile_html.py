"""The profile's content and HTML, before any PDF: what is shown, what is left out, escaping,
languages, and the cache key. Fast: no WeasyPrint."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from exports.profile import Labels, build, build_html, cache_key
from exports.profile.chart import stacked_bar
from exports.profile.view import safe_link

from .filled import filled, parse

ARTICLES = ("5", "15", "46", "52")


@pytest.fixture(scope="module")
def some(checklist: Any) -> tuple[dict[str, Any], dict[str, str]]:
    return filled(checklist, articles=ARTICLES)


STATUS_ROLES = ("compliance", "adopted", "considered")


def assessed(q: Any) -> list[str]:
    """The provisions asked where the State stands (not the saving clauses, the illustrative lists
    or the scope clause): those the figures count."""
    return [b.provision for b in q.blocks if b.provision and any(b.get(role) for role in STATUS_ROLES)]


def test_counts_follow_the_answers(checklist: Any, complete: Any, data_of: Any) -> None:
    answers, languages = complete
    profile = build(data_of(answers, languages), "en", "full", Labels())
    framework = checklist.framework
    no_gaps = {pid for pid, p in framework.provisions.items() if not framework.level(p.level).gaps}
    status = {b.provision: answers[qid] for b in checklist.blocks if b.provision
              for qid in [b.get("compliance") or b.get("adopted")] if qid in answers}
    assert set(status) == set(assessed(checklist)) and len(status) == 212
    counts = profile.total.counts
    assert counts.total == len(status)
    assert counts.yes == list(status.values()).count("yes")
    # a duty to consider (a block asking 'considered?') is a gap only when not even considered
    considered = {b.provision: answers.get(b.get("considered") or "") for b in checklist.blocks
                  if b.provision and b.get("considered")}

    def can_gap(pid: str) -> bool:
        return pid not in no_gaps and (pid not in considered or considered[pid] is False)

    assert counts.partial == [v for p, v in status.items() if can_gap(p)].count("partial")
    assert counts.no == [v for p, v in status.items() if can_gap(p)].count("no")
    assert counts.no_gap == len([v for p, v in status.items() if not can_gap(p) and v != "yes"]) > 0
    assert counts.not_answered == 0
    by_level = {row.label.text: row.counts.total for row in profile.level_rows}
    assert by_level == {"Mandatory": 126, "Shall consider": 35, "Shall endeavour": 17, "Optional": 34}
    assert [row.label.text for row in profile.chapter_rows][0] == "Chapter II. Preventive measures"
    assert not profile.unanswered and not profile.incomplete


def test_unanswered_and_incomplete_provisions_are_listed(checklist: Any, some: Any, data_of: Any) -> None:
    answers, languages = some
    answers = dict(answers)
    del answers["p5_2.measures_summary"]  # required when the answer is yes or in part
    profile = build(data_of(answers, languages), "en", "full", Labels())
    unanswered = {article.id: [v.id for v in views] for article, views in profile.unanswered}
    assert "5" not in unanswered and "6" in unanswered and "46" not in unanswered
    assert unanswered["6"] == ["6.1", "6.2", "6.3"]
    assert [v.id for v in profile.incomplete] == ["5.2"]
    framework = checklist.framework
    answered = [p for p in assessed(checklist) if framework.provisions[p].article in ARTICLES]
    hidden = [v.id for chapter in profile.chapters for article in chapter.articles for v in article.provisions
              if v.bucket is None and v.id in assessed(checklist)]  # other answers hide them
    assert profile.total.counts.not_answered == len(assessed(checklist)) - len(answered) - len(hidden)


def test_hidden_answers_are_left_out(checklist: Any, data_of: Any) -> None:
    answers = parse(checklist, {
        "p5_1.compliance": "yes",
        "p5_1.measures": [{"instrument": "Visible Act", "year": 2001}],
        "p5_1.measures_summary": "VISIBLE-SUMMARY",
        # kept from an earlier "no": hidden now that the answer is yes
        "p5_1.steps": [{"step": "HIDDEN-STEP"}], "p5_1.challenges_detail": "HIDDEN-DETAIL",
        # kept from an earlier "assistance needed": hidden now that none is
        "p5_1.ta_needed": False, "p5_1.ta_categories": ["legislative_drafting"], "p5_1.ta_detail": "HIDDEN-TA",
    })
    html = build_html(data_of(answers), "en", "full")
    assert "VISIBLE-SUMMARY" in html and "Visible Act" in html
    for hidden in ("HIDDEN-STEP", "HIDDEN-DETAIL", "HIDDEN-TA"):
        assert hidden not in html
    profile = build(data_of(answers), "en", "full", Labels())
    assert not profile.ta_categories and not profile.challenges


def test_answers_are_text_never_markup(checklist: Any, data_of: Any) -> None:
    payload = ('<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/hostname"> '
               "<style>@import url(http://127.0.0.1:9/);</style> <script>alert(1)</script>")
    answers = parse(checklist, {
        "framework_overview": payload, "p5_1.compliance": "partial",
        "p5_1.measures": [{"instrument": payload[:200], "link": "javascript:alert(1)"},
                          {"instrument": "Data Act", "link": "data:text/html,<b>x</b>"}],
        "p5_1.measures_summary": payload, "p5_1.steps": [{"step": payload}], "p5_1.challenges": ["other"],
        "p5_1.challenges_other": payload, "p5_1.ta_needed": False, "p5_1.ta_received": False,
        "art5_practices.good_practices": payload,
    })
    html = build_html(data_of(answers), "en", "full")
    tags = Tags()
    tags.feed(html)
    assert not {"img", "script", "style", "object", "iframe", "embed"} & set(tags.names)
    assert tags.links == [{"rel": "stylesheet", "href": "asset:profile.css"}]
    assert not [attrs for attrs in tags.attributes if "src" in attrs or attrs.get("rel") == "attachment"
                and "href" in attrs and not attrs["href"].startswith("asset:")]
    hrefs = [attrs["href"] for attrs in tags.attributes if "href" in attrs]
    assert all(h.startswith(("asset:", "#", "https://laws", "http://")) for h in hrefs), hrefs
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html  # shown as written, as text
    assert html.count("&lt;img") >= 5  # in every place it was written
    assert "javascript:alert(1)" in html and 'href="javascript' not in html  # a bad link is text, not a link


class Tags(HTMLParser):
    """The elements and attributes of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.attributes: list[dict[str, str]] = []
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.names.append(tag)
        self.attributes.append(found)
        if tag == "link":
            self.links.append(found)


def test_only_plain_web_links_are_linked() -> None:
    assert safe_link("https://laws.example.org/a?b=1") == "https://laws.example.org/a?b=1"
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "ftp://x.org/a", "//x.org",
                "https://", "https://x.org/a b", "https://x.org/\x00", "asset:profile.css"):
        assert safe_link(bad) is None, bad


def test_answers_in_another_language_are_marked(checklist: Any, some: Any, data_of: Any) -> None:
    answers, languages = some
    html = build_html(data_of(answers, languages), "en", "full")
    profile = build(data_of(answers, languages), "en", "full", Labels())
    assert set(profile.foreign) == {"ar", "fr"} and all(profile.foreign.values())
    assert 'lang="fr" dir="ltr"' in html and 'lang="ar" dir="rtl"' in html
    assert ">FR</span>" in html and ">AR</span>" in html
    assert "answers were written in another language than this profile" in html
    assert "French (FR)" in profile.foreign_note and "Arabic (AR)" in profile.foreign_note
    # the same answers in a French profile: French answers are not foreign, English ones are
    french = build(data_of(answers, languages), "fr", "full", Labels())
    assert set(french.foreign) == {"ar", "en"}
    assert "français" not in french.foreign_note and "anglais (EN)" in french.foreign_note


def test_full_and_summary(checklist: Any, some: Any, data_of: Any) -> None:
    answers, languages = some
    data = data_of(answers, languages)
    full, summary = build_html(data, "en", "full"), build_html(data, "en", "summary")
    text = answers["p5_1.measures_summary"]
    assert text in full and text not in summary
    for heading in ("Summary of compliance", "Challenges in implementation", "Technical assistance needed",
                    "Technical assistance already received", "Annex II. Provisions not yet answered",
                    "Implementation by article", "Annex I. Legislation and other measures cited",
                    "Annex III. Methodology", "Contents"):
        assert heading in full and heading not in summary
    for heading in ("Compliance by chapter", "Main technical assistance needs",
                    "What changed since the last submission"):
        assert heading in summary
    # assistance received: every description in the full profile, none in the summary
    description = "Training of 40 investigators on financial investigations (2022-2023)"
    assert description in full and description not in summary
    assert "A self-assessment, not a review finding" in full and "A self-assessment, not a review finding" in summary
    assert "focal.point@example.org" not in full  # e-mail addresses are not printed


def test_fixed_texts_go_through_the_callers_gettext(checklist: Any, some: Any, data_of: Any) -> None:
    answers, languages = some
    catalog = {"Contents": "Table des matières", "Article %(number)s. %(title)s": "Art. %(number)s : %(title)s",
               "Chapter %(number)s. %(title)s": "Chapitre %(number)s – %(oops)s"}  # a broken translation
    html = build_html(data_of(answers, languages), "fr", "full", lambda m: catalog.get(m, m))
    assert "Table des matières" in html and ">Contents<" not in html
    assert "Art. 5 : Politiques et pratiques de prévention de la corruption" in html
    assert "Chapter II. Mesures préventives" in html  # the broken one falls back to English
    labels = Labels(lambda m: catalog.get(m, m))
    assert labels.digest() != Labels().digest()


def test_arabic_profile_is_right_to_left(checklist: Any, some: Any, data_of: Any) -> None:
    answers, languages = some
    html = build_html(data_of(answers, languages), "ar", "full")
    assert '<html lang="ar" dir="rtl">' in html
    assert 'href="asset:profile-rtl.css"' in html
    assert 'lang="en" dir="ltr"' in html  # English answers keep their direction
    english = build_html(data_of(answers, languages), "en", "full")
    assert "profile-rtl.css" not in english and '<html lang="en" dir="ltr">' in english


def test_provision_numbers_are_left_to_right_isolates_in_arabic(checklist: Any, complete: Any, data_of: Any) -> None:
    """'5 (1)' must not read '(1) 5' in a right-to-left profile: each number is its own left-to-right
    element, in the provisions tables, the headings (a translated label around it, still escaped) and
    the lists of numbers; left-to-right profiles have plain numbers."""
    answers, languages = complete
    catalog = {"Article %(number)s": "<المادة> %(number)s"}
    arabic = build_html(data_of(answers, languages), "ar", "full", lambda m: catalog.get(m, m))
    number = '<bdi class="pn" dir="ltr">5\u00a0(1)</bdi>'
    assert f'<th scope="row" class="pcol">{number}<br>' in arabic  # the provisions table
    assert f"<h4>&lt;المادة&gt; {number} <span" in arabic  # the heading, its label escaped
    assert re.search(r'\u200f<bdi class="pn" dir="ltr">[^<]+</bdi>، <bdi class="pn" dir="ltr">', arabic)  # a list
    assert "\u2066" not in arabic and "\u2069" not in arabic  # no invisible isolate characters left
    summary = build_html(data_of(answers, languages), "ar", "summary")
    assert '<bdi class="pn" dir="ltr">' in summary
    english = build_html(data_of(answers, languages), "en", "full")
    assert "<bdi" not in english and '<th scope="row" class="pcol">5\u00a0(1)<br>' in english


def test_chart_bars_are_proportional_and_mirrored() -> None:
    def segments(svg: str) -> list[tuple[float, float, str]]:
        found = re.findall(r'<rect x="([\d.]+)" y="0" width="([\d.]+)" height="12" fill="(#[0-9a-f]+)"', svg)
        return [(float(x), float(w), colour) for x, w, colour in found if colour != "#eef0f3"]

    svg = str(stacked_bar((2, 1, 1, 0)))
    assert segments(svg) == [(0.0, 100.0, "#2e7d32"), (100.0, 50.0, "#f2a900"), (150.0, 50.0, "#c62828")]
    rtl = str(stacked_bar((2, 1, 1, 0), rtl=True))  # yes starts on the right
    assert segments(rtl) == [(100.0, 100.0, "#2e7d32"), (50.0, 50.0, "#f2a900"), (0.0, 50.0, "#c62828")]
    assert segments(str(stacked_bar((0, 0, 0, 0)))) == []
    assert "<script" not in svg and "<text" not in svg


def test_cache_key_changes_with_what_the_file_shows(checklist: Any, some: Any, data_of: Any) -> None:
    answers, languages = some
    base = data_of(answers, languages, source_key="s1-abc")
    key = cache_key(base, "en", "full")
    assert key == cache_key(data_of(answers, languages, source_key="s1-abc"), "en", "full")
    others = [cache_key(base, "ar", "full"), cache_key(base, "en", "summary"),
              cache_key(data_of(answers, languages, source_key="s2-def"), "en", "full"),
              cache_key(data_of(answers, languages, source_key="s1-abc", status="submitted"), "en", "full"),
              cache_key(base, "en", "full", lambda m: "X" if m == "Contents" else m)]
    assert len({key, *others}) == 6
    # without a key from the caller, the answers themselves count
    changed = dict(answers, **{"p5_1.measures_summary": "Another text"})
    assert cache_key(data_of(answers, languages), "en", "full") != cache_key(data_of(changed, languages), "en", "full")
    with pytest.raises(ValueError):
        cache_key(base, "de", "full")
    with pytest.raises(ValueError):
        cache_key(base, "en", "short")


def test_the_cover_shows_the_progress_figure_it_is_given(checklist: Any, some: Any, data_of: Any) -> None:
    answers, languages = some
    shown = build_html(data_of(answers, languages, progress=(37, 218), status="draft"), "en", "summary")
    assert "Progress" in shown and "37 of 218 pages complete" in shown
    assert "pages complete" not in build_html(data_of(answers, languages), "en", "summary")
    with_figure = cache_key(data_of(answers, languages, progress=(37, 218)), "en", "summary")
    assert with_figure != cache_key(data_of(answers, languages, progress=(38, 218)), "en", "summary")
