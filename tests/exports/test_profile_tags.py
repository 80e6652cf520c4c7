"""Tagged PDF (PDF/UA-1) read back with pypdf: the structure tree, the document's title and language,
the language of every element written in another language (French and Arabic answers in an English
profile, English answers in an Arabic one), table headers with their scope, a text alternative for
every chart, bookmarks from the headings; the repeated mark of a draft stays out of the tree."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import engine
from exports.pdf import check_weasyprint, render_many
from exports.profile import build_html

from .conftest import make_data
from .filled import filled

pytestmark = pytest.mark.pdf


@dataclass
class Tree:
    """What the structure tree holds: element types, languages, alternative texts, header scopes."""

    types: Counter[str] = field(default_factory=Counter)
    languages: Counter[tuple[str, str]] = field(default_factory=Counter)
    figures: list[str | None] = field(default_factory=list)
    scopes: Counter[str | None] = field(default_factory=Counter)

    def walk(self, node: Any) -> None:
        node = node.get_object()
        kind = str(node.get("/S", ""))
        self.types[kind] += 1
        if "/Lang" in node:
            self.languages[(kind, str(node["/Lang"]))] += 1
        if kind == "/Figure":
            self.figures.append(str(node["/Alt"]) if "/Alt" in node else None)
        if kind == "/TH":
            attributes = node.get("/A")
            self.scopes[str(attributes.get_object().get("/Scope")) if attributes else None] += 1
        kids = node.get("/K")
        if kids is None:
            return
        kids = kids.get_object()
        for kid in kids if isinstance(kids, list) else [kids]:
            if not isinstance(kid, int):  # an integer is marked content, not an element
                self.walk(kid)


def tree_of(reader: PdfReader) -> Tree:
    tree = Tree()
    tree.walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return tree


@pytest.fixture(scope="module")
def tagged(checklist: engine.Questionnaire, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The full English profile and the Arabic summary of a draft: articles 5 and 15 in English,
    46 in French, 52 in Arabic."""
    folder = tmp_path_factory.mktemp("tagged")
    answers, languages = filled(checklist, articles=("5", "15", "46", "52"))
    data = make_data(checklist, answers, languages, status="draft", snapshot_number=None)
    accepted = make_data(checklist, answers, languages, status="accepted")
    kinds = (("en-full", "en", "full"), ("ar-full", "ar", "full"), ("en-summary", "en", "summary"))
    jobs = [(name, lambda lang=lang, kind=kind: build_html(data, lang, kind), folder / f"{name}.pdf")
            for name, lang, kind in kinds]
    jobs.append(("en-accepted", lambda: build_html(accepted, "en", "summary"), folder / "en-accepted.pdf"))
    results = render_many(jobs, workers=2)
    assert not [str(result) for result in results.values() if isinstance(result, Exception)]
    return {name: folder / f"{name}.pdf" for name in results}


def test_the_weasyprint_we_know() -> None:
    assert check_weasyprint() == []  # including the structure-tree builder we add languages to


@pytest.mark.parametrize(("name", "lang", "title"), [("en-full", "en", "Kenya: Country profile"),
                                                     ("ar-full", "ar", "كينيا: Country profile"),
                                                     ("en-summary", "en", "Kenya: Country profile (summary)")])
def test_tagged_with_title_language_and_pdf_ua_identification(name: str, lang: str, title: str,
                                                               tagged: dict[str, Path]) -> None:
    reader = PdfReader(str(tagged[name]))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == lang
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata is not None and reader.metadata.title == title
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part(=\"|>)1[\"<]", metadata), metadata[:500]  # PDF/UA-1
    tree = tree_of(reader)
    assert tree.types["/Document"] == 1 and tree.types["/H1"] >= 1 and tree.types["/Table"] >= 1


def test_every_element_in_another_language_says_so(tagged: dict[str, Path]) -> None:
    english = tree_of(PdfReader(str(tagged["en-full"])))
    languages = {lang for _kind, lang in english.languages}
    assert {"fr", "ar"} <= languages  # the French answers of article 46, the Arabic ones of article 52
    assert english.languages[("/P", "fr")] >= 5 and english.languages[("/P", "ar")] >= 2
    arabic = tree_of(PdfReader(str(tagged["ar-full"])))
    assert sum(count for (_kind, lang), count in arabic.languages.items() if lang == "en") >= 20  # English answers


def test_table_headers_have_a_scope_and_charts_a_text_alternative(tagged: dict[str, Path]) -> None:
    for name in ("en-full", "en-summary"):
        tree = tree_of(PdfReader(str(tagged[name])))
        assert tree.scopes["/Row"] > 0 and tree.scopes["/Column"] > 0
        assert None not in tree.scopes  # every header says whether it heads a row or a column
        assert tree.figures and all(tree.figures), tree.figures  # every chart and legend swatch
        assert any(alt.startswith("Chapter II. Preventive measures: Yes ") for alt in tree.figures if alt)
        assert any(alt.startswith("Total: Yes ") for alt in tree.figures if alt)


def test_bookmarks_follow_the_headings(tagged: dict[str, Path]) -> None:
    outline = [item.title for item in PdfReader(str(tagged["en-full"])).outline if not isinstance(item, list)]
    assert outline[:3] == ["Kenya", "General information", "Summary of compliance"]
    assert "Annex III. Methodology" in outline


def test_the_repeated_mark_stays_out_of_the_tree(tagged: dict[str, Path]) -> None:
    draft = PdfReader(str(tagged["en-full"]))
    assert len(draft.pages) > 5 and all("DRAFT" in page.extract_text() for page in draft.pages)
    # the same summary with and without the mark: one more paragraph (the mark on the cover), no more divisions
    marked, plain = (tree_of(PdfReader(str(tagged[name]))) for name in ("en-summary", "en-accepted"))
    assert "DRAFT" in PdfReader(str(tagged["en-summary"])).pages[0].extract_text()
    assert marked.types["/Div"] == plain.types["/Div"]
    assert marked.types["/P"] == plain.types["/P"] + 1
