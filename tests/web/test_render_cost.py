"""What a page of answers is made with, made cheaper without changing it (issue #16): the side
navigation's list written by ``web.fill.sidenav``, the form controls by ``web.fill.widgets``, the
translations and numbers of templates by ``web.templating``.

The navigation keeps nothing between requests: each page shows its response's statuses as they are
now, in the reader's language. The controls are what WTForms writes, attribute for attribute.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from babel.numbers import format_decimal as babel_decimal
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from flask_babel import force_locale
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import widgets as wtforms_widgets
from wtforms.fields import SelectFieldBase

from tests.conftest import add_user, login, start_response
from tests.web.test_fill import FILLED, QUESTIONNAIRE, autosave, page_path

NAV_ITEM = re.compile(r'<li class="side-nav-page status-line-(?P<status>[a-z_]+)">\s*<a href="(?P<href>[^"]+)"'
                      r'(?P<here> aria-current="page")?>\s*<span class="side-nav-page-title">(?P<title>[^<]*)</span>'
                      r'\s*<span class="status status-(?P=status)">(?P<label>[^<]*)</span>')


def nav_items(page: str) -> dict[str, dict[str, Any]]:
    """The side navigation's pages by id: status, link, label, whether marked as the current one."""
    nav = page[page.index('<nav class="side-nav"'):]
    nav = nav[:nav.index("</nav>")]
    return {m["href"].split("?")[0].rsplit("/", 1)[1]: {**m.groupdict(), "here": bool(m["here"])}
            for m in NAV_ITEM.finditer(nav)}


@pytest.fixture
def focal(client: FlaskClient) -> Any:
    user = add_user("focal_point", "KEN")
    login(client, user)
    return user


# -- the side navigation ----------------------------------------------------------------------------
def test_the_navigation_shows_a_changed_status_at_once(client: FlaskClient, focal: Any) -> None:
    response = start_response("KEN")
    before = nav_items(client.get(page_path(response.id, "p5_1")).get_data(as_text=True))
    assert before["p5_1"]["status"] == "not_started" and before["p5_1"]["label"] == "Not started"
    assert before["p5_1"]["here"] and not any(item["here"] for pid, item in before.items() if pid != "p5_1")
    assert before["p5_1"]["href"] == f"/responses/{response.id}/pages/p5_1"
    assert len(before) > 200  # every page of the checklist
    reply = autosave(client, response.id, [{"q": "p5_1.compliance", "value": "partial", "base": 0, "key": "a"}],
                     page="p5_1")
    assert reply.status_code == 200
    for shown_on in ("p5_1", "p15_a"):  # the page itself and any other
        after = nav_items(client.get(page_path(response.id, shown_on)).get_data(as_text=True))
        assert after["p5_1"]["status"] == "in_progress" and after["p5_1"]["label"] == "In progress"
        assert after[shown_on]["here"] and sum(item["here"] for item in after.values()) == 1
        assert {pid: item["status"] for pid, item in after.items() if pid != "p5_1"} == \
            {pid: item["status"] for pid, item in before.items() if pid != "p5_1"}


def test_the_navigation_speaks_the_language_of_each_request(client: FlaskClient, focal: Any) -> None:
    response = start_response("KEN")
    autosave(client, response.id, [{"q": "p5_1.compliance", "value": "partial", "base": 0, "key": "a"}], page="p5_1")
    for lang, not_started, in_progress, of, attach in (("fr", "Non commencée", "En cours", "sur", "Joindre un fichier"),
                                                       ("ar", "لم يبدأ", "قيد الإنجاز", "من", "إرفاق ملف"),
                                                       ("en", "Not started", "In progress", "of", "Attach a file")):
        page = client.get(page_path(response.id, "p5_1") + f"?lang={lang}").get_data(as_text=True)
        assert f'-input">{attach}<span' in page, lang  # a macro imported without context: in each language
        items = nav_items(page)
        assert items["p5_1"]["label"] == in_progress and items["p15_a"]["label"] == not_started, lang
        counts = re.findall(r'<span class="side-nav-count">([^<]*)</span>', page)
        assert counts and all(f" {of} " in count for count in counts), (lang, counts[:3])
    arabic = client.get(page_path(response.id, "p5_1") + "?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic


def test_one_response_never_shows_anothers_statuses_or_links(app: Flask, client: FlaskClient, focal: Any) -> None:
    mine = start_response("KEN")
    theirs = start_response("UGA")
    other = app.test_client()
    login(other, add_user("focal_point", "UGA"))
    autosave(client, mine.id, [{"q": "p5_1.compliance", "value": "partial", "base": 0, "key": "a"}], page="p5_1")
    seen_by_them = other.get(page_path(theirs.id, "p5_1")).get_data(as_text=True)
    items = nav_items(seen_by_them)
    assert items["p5_1"]["status"] == "not_started"
    assert all(item["href"].startswith(f"/responses/{theirs.id}/pages/") for item in items.values())
    assert f"/responses/{mine.id}/" not in seen_by_them
    assert nav_items(client.get(page_path(mine.id, "p5_1")).get_data(as_text=True))["p5_1"]["status"] == "in_progress"


def test_the_navigation_keeps_filters_in_its_links_and_escapes_them(client: FlaskClient, focal: Any) -> None:
    response = start_response("KEN")
    page = client.get(page_path(response.id, "p5_1") + "?find=bribery&status=not_started").get_data(as_text=True)
    items = nav_items(page)
    assert items and all(item["status"] == "not_started" for item in items.values())
    assert all(item["href"].endswith("?status=not_started&amp;find=bribery") for item in items.values())
    assert "<details open>" in page  # a search unfolds every heading it shows
    nothing = client.get(page_path(response.id, "p5_1") + '?find=x"<x>').get_data(as_text=True)
    assert nav_items(nothing) == {} and "No page matches these filters." in nothing and "<x>" not in nothing


def test_texts_in_the_navigation_are_escaped(app: Flask, client: FlaskClient, focal: Any) -> None:
    from web import catalog
    from web.extensions import db

    with app.app_context():
        catalog.publish_text("""
id: marked
version: "1"
title: {en: Marked}
languages: [en]
default_language: en
sections:
  - id: main
    title: {en: "Laws <b>&</b> rules"}
    items:
      - {id: name, type: text, label: {en: Name}}
""", "marked.yaml")
        db.session.commit()
    response = start_response("KEN", "marked")
    page = client.get(page_path(response.id, "main")).get_data(as_text=True)
    nav = page[page.index('<nav class="side-nav"'):]
    assert "Laws &lt;b&gt;&amp;&lt;/b&gt; rules" in nav and "<b>" not in nav
    assert nav_items(page)["main"]["title"] == "Laws &lt;b&gt;&amp;&lt;/b&gt; rules"


def test_open_comments_are_counted_in_the_navigation(app: Flask, client: FlaskClient, focal: Any) -> None:
    from web.extensions import db
    from web.models import Comment

    response = start_response("KEN")
    with app.app_context():
        db.session.add_all([Comment(response_id=response.id, question_id="p5_1.compliance", body="Why?"),
                            Comment(response_id=response.id, question_id="p5_1.measures_summary", body="And?")])
        db.session.commit()
    page = client.get(page_path(response.id, "p15_a")).get_data(as_text=True)
    link = page.index(f'href="/responses/{response.id}/pages/p5_1"')
    assert re.match(r'[^<]*>\s*<span class="side-nav-page-title">[^<]*</span>\s*<span class="status[^>]*>[^<]*</span>'
                    r'\s*<span class="status status-comments">2 open comments</span>', page[link:])


def test_kept_texts_are_per_version_and_language_and_a_scope_only_leaves_pages_out(
        app: Flask, client: FlaskClient, focal: Any) -> None:
    """The navigation's texts are kept per questionnaire version and language (web.fill.navtexts),
    for every page; a contributor's scope is applied per request, never kept."""
    from web import catalog
    from web.extensions import db
    from web.fill.navtexts import NavTexts
    from web.fill.pages import pages
    from web.models import Response

    response = start_response("KEN")
    everything = nav_items(client.get(page_path(response.id, "p15_a")).get_data(as_text=True))
    client.get(page_path(response.id, "p15_a") + "?lang=fr")
    other = app.test_client()
    login(other, add_user("contributor", "KEN", assign="chapter:III"))
    scoped = other.get(page_path(response.id, "p15_a")).get_data(as_text=True)
    assert "Assigned to you" in scoped
    assert "p15_a" in nav_items(scoped) and 0 < len(nav_items(scoped)) < len(everything)
    assert len(re.findall(r'<span class="side-nav-section">', scoped)) == 1  # only chapter III
    again = nav_items(client.get(page_path(response.id, "p15_a")).get_data(as_text=True))
    assert again == everything  # the focal point's list is whole again
    with app.app_context():
        q = catalog.questionnaire(db.session.get(Response, response.id).version)
        kept = {key: value for key, value in q.index.cache.items() if key.startswith("navigation:")}
    assert {"navigation:en", "navigation:fr"} <= set(kept)
    assert all(isinstance(value, NavTexts) and len(value.entries) == len(pages(q).list)
               for value in kept.values())


# -- the form controls ------------------------------------------------------------------------------
def test_attributes_are_written_as_wtforms_writes_them() -> None:
    from web.fill.widgets import html_params

    cases: list[dict[str, Any]] = [
        {"name": "p1.a", "id": "p1.a", "value": 'say "hi" <b> & \'you\'', "disabled": False, "checked": True},
        {"class_": "number", "data_files": "", "aria_describedby": "x-error-1", "maxlength": 30, "dir": "auto"},
        {"aria-label": "Title, row 1", "for": "f", "value": Markup('a"b<i>c</i>')},
        {"value": None}, {"value": 0}, {"rows": 5, "required": False}, {},
    ]
    for case in cases:
        assert html_params(**case) == wtforms_widgets.html_params(**case), case


def test_every_control_is_what_wtforms_writes(app: Flask) -> None:
    """Each question type's field, with the widget of ``web.fill.widgets`` and with WTForms' own."""
    from web import catalog
    from web.extensions import db
    from web.fill import widgets
    from web.fill.forms import build
    from web.fill.pages import pages

    with app.test_request_context("/"):
        published = catalog.publish_text(QUESTIONNAIRE, "every_type.yaml")
        db.session.commit()
        q = catalog.questionnaire(published.version)
        page = pages(q).list[0]
        posted = MultiDict([(k, v) for k, values in FILLED.items()
                            for v in (values if isinstance(values, list) else [values])])
        posted.add("story", 'a "quoted" <line>\nand & more')
        for formdata in (None, posted):
            form, _entries = build(q, page, {}, {}, lambda qid: True, formdata=formdata)
            seen = set()
            for field in form:
                if field.name == "csrf_token":
                    continue
                if type(field.widget).__module__ == widgets.__name__:  # a list of options is written by the page
                    own = type(field.widget).__mro__[1]  # the WTForms widget ours derives from
                    assert own.__module__.startswith("wtforms"), (field.name, own)
                    theirs = own(multiple=True) if getattr(field.widget, "multiple", False) else own()
                    for kwargs in ({}, {"disabled": True}, {"aria-invalid": "true", "aria-describedby": "x-error-1"}):
                        assert field(**kwargs) == theirs(field, **{**(field.render_kw or {}), **kwargs}), field.name
                    seen.add(type(field.widget))
                if hasattr(field, "option_widget") and not isinstance(field.widget, widgets.Select):
                    ours = list(field)
                    theirs = list(SelectFieldBase.__iter__(field))  # WTForms' own subfield per option
                    assert ours and len(ours) == len(theirs) and all(isinstance(o, widgets.Option) for o in ours)
                    if formdata is not None and field.name in posted:  # what was posted shows checked
                        assert any(option.checked for option in ours), field.name
                    for option, their in zip(ours, theirs, strict=True):
                        for kwargs in ({}, {"disabled": False}, {"disabled": True}, {"class_": "x", "data_y": "z"}):
                            assert option(**kwargs) == their(**kwargs), (field.name, kwargs)
                            parent = type(their.widget).__mro__[1]()  # and WTForms' widget itself
                            assert option(**kwargs) == parent(their, **{**(field.render_kw or {}), **kwargs})
                        assert (option.id, option.label()) == (their.id, their.label())
                        seen.add(type(their.widget))
            assert {widgets.TextInput, widgets.TextArea, widgets.URLInput, widgets.EmailInput, widgets.Select,
                    widgets.RadioInput, widgets.CheckboxInput} <= seen


def test_a_page_form_class_is_made_once_per_language_and_table_rows(app: Flask) -> None:
    """Made once and kept (``web.fill.forms``); another language or another number of table rows
    makes another, and each form still holds its own data."""
    from web import catalog
    from web.extensions import db
    from web.fill.forms import build
    from web.fill.pages import pages

    with app.test_request_context("/?lang=en"):
        published = catalog.publish_text(QUESTIONNAIRE, "every_type.yaml")
        db.session.commit()
        q = catalog.questionnaire(published.version)
        page = pages(q).list[0]
        first, entries = build(q, page, {"story": "one"}, {}, lambda qid: True)
        again, _entries = build(q, page, {"story": "two"}, {}, lambda qid: True)
        assert type(first) is type(again) and first is not again
        assert (first["story"].data, again["story"].data) == ("one", "two")
        table = next(entry for entry in entries if entry.rows)
        more, _entries = build(q, page, {}, {}, lambda qid: True, row_counts={table.question.id: 3})
        assert type(more) is not type(first)
        assert f"{table.question.id}-2-{table.question.columns[0].id}" in more._fields
        assert f"{table.question.id}-2-{table.question.columns[0].id}" not in first._fields
        yes_no = next(entry for entry in entries if entry.question.type == "yes_no").question.id
        assert [label for _value, label, *_rest in first[yes_no].iter_choices()] == ["Yes", "No"]
    with app.test_request_context("/?lang=fr"):
        french, _entries = build(q, page, {}, {}, lambda qid: True)
        assert type(french) is not type(first)
        assert [label for _value, label, *_rest in french[yes_no].iter_choices()] == ["Oui", "Non"]


# -- translations and numbers in templates --------------------------------------------------------
def test_template_translations_behave_as_jinjas(app: Flask) -> None:
    source = ('{{ _("There is a problem") }}|{{ _("%(done)s of %(total)s", done="<b>", total=2) }}|'
              '{{ ngettext("%(num)d page matches.", "%(num)d pages match.", n) }}|'
              '{% autoescape false %}{{ _("%(done)s of %(total)s", done="<b>", total=2) }}{% endautoescape %}')
    with app.test_request_context("/?lang=fr"):
        assert render_template_string(source, n=3) == \
            "Un problème a été détecté|&lt;b&gt; sur 2|3 pages correspondent.|<b> sur 2"
        with force_locale("en"):  # a rendering in another language (e-mails) gets that language
            assert render_template_string(source, n=1) == \
                "There is a problem|&lt;b&gt; of 2|1 page matches.|<b> of 2"
        assert render_template_string("{{ _('There is a problem') }}") == "Un problème a été détecté"


def test_numbers_are_formatted_as_babel_formats_them(app: Flask) -> None:
    from web.templating import format_decimal

    for lang in ("en", "fr", "ar", "ru", "zh", "es"):
        with app.test_request_context(f"/?lang={lang}"):
            for number in (0, 7, 1234, 1234567, -42):
                assert format_decimal(number) == babel_decimal(number, locale=lang), (lang, number)
            assert format_decimal(1234.5) == babel_decimal(1234.5, locale=lang)
