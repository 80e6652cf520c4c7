"""Page images of the Arabic and Chinese country profiles, for reviewers (right-to-left layout,
joined Arabic letters, mirrored tables, Chinese glyphs), and of the one-page summary in English,
Arabic and Chinese (``summary-LANG.png``: a second submission, not yet accepted, compared with the
first, with a configured cover).

Renders the full profile of a fully answered checklist (tests/exports/filled.py: English answers,
article 46 in French, chapter V in Arabic) in Arabic and Chinese through the product's path, then
turns a few pages into small PNG files with pdftoppm (poppler-utils):

    .venv/bin/python docs/images/make_profile_images.py [--out docs/images] [--dpi 80]

The profile's fixed texts come from the interface catalogs in translations/ when they are compiled
(they show in English until then); questionnaire texts are in the profile's language already.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

#: Which pages to show: the first page (after the contents) on which each text appears.
PAGES = {
    "cover": None,
    "summary": "Compliance by chapter",
    "articles": "Implementation by article",
    "chapter-v": "52",
    "assistance": "Technical assistance needed, by article",
}


def gettext_for(lang: str):  # type: ignore[no-untyped-def]
    from babel.support import Translations

    return Translations.load(str(ROOT / "translations"), [lang]).gettext


_IGNORED = re.compile(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069\u064b-\u065f\u0670.,:\u060c]+")


def page_of(pdf: Path, text: str, pages: int) -> int:
    """The first page after the contents showing ``text`` (compared without spaces, marks and
    punctuation, which pdftotext moves around in right-to-left lines)."""
    wanted = _IGNORED.sub("", text)
    for number in range(3, pages + 1):
        command = ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"]
        found = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
        if wanted in _IGNORED.sub("", found):
            return number
    return 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()

    from exports import pdf
    from exports.profile import Cover, FocalPoint, Previous, ProfileData, build_html
    from tests.exports.filled import as_of, filled, questionnaire

    q = questionnaire()
    answers, languages = filled(q)
    names = {"ar": "كينيا", "zh": "肯尼亚", "en": "Kenya"}
    out = Path(args.out)
    with tempfile.TemporaryDirectory() as folder:
        for lang in ("ar", "zh"):
            data = ProfileData(state_code="KEN", state_names=names, region="002", questionnaire=q, answers=answers,
                               answer_languages=languages, status="accepted", as_of=as_of(), snapshot_number=1,
                               revision=1, answers_hash="5e" * 32, source_key="images",
                               focal_point=FocalPoint("Wanjiru Kamau", "Senior State Counsel",
                                                      "Office of the Attorney General"))
            target = Path(folder) / f"{lang}.pdf"
            gettext = gettext_for(lang)
            rendered = pdf.render_pdf(build_html(data, lang, "full", gettext), target)
            article = q.text(q.framework.articles["52"].title, lang).text  # type: ignore[union-attr]
            for name, text in PAGES.items():
                wanted = article if name == "chapter-v" else gettext(text or "")
                number = 1 if text is None else page_of(target, wanted, rendered.pages)
                prefix = out / f"profile-{lang}-{name}"
                command = ["pdftoppm", "-png", "-r", str(args.dpi), "-f", str(number), "-l", str(number),
                           "-singlefile", str(target), str(prefix)]
                subprocess.run(command, check=True)  # noqa: S603
                print(f"{prefix}.png (page {number} of {rendered.pages})")
        earlier = dict(answers)
        for qid in [qid for qid in earlier if qid.startswith(("p5_", "p6_", "p15_", "p16_")) and qid.endswith(
                ".compliance")]:
            earlier[qid] = "partial"
        for qid in [qid for qid in earlier if qid.startswith(("p52_", "p53_"))]:
            del earlier[qid]
        previous = Previous(1, as_of().replace(year=2025, month=11, day=3), q, earlier)
        cover = Cover.of("United Nations Office on Drugs and Crime", "CAC/COSP/SA/{state}/{year}/{number}")
        for lang in ("en", "ar", "zh"):
            data = ProfileData(state_code="KEN", state_names=names, region="002", questionnaire=q, answers=answers,
                               answer_languages=languages, status="submitted", as_of=as_of(), snapshot_number=2,
                               revision=1, answers_hash="5e" * 32, source_key="images", previous=previous,
                               cover=cover, focal_point=FocalPoint("Wanjiru Kamau", "Senior State Counsel",
                                                                  "Office of the Attorney General"))
            target = Path(folder) / f"summary-{lang}.pdf"
            rendered = pdf.render_pdf(build_html(data, lang, "summary", gettext_for(lang)), target)
            prefix = out / f"summary-{lang}"
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi + 20), "-f", "1", "-l", "1", "-singlefile",  # noqa: S603, S607
                            str(target), str(prefix)], check=True)
            print(f"{prefix}.png ({rendered.pages} page)")


if __name__ == "__main__":
    main()
