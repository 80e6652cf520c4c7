"""The profile's fixed texts (headings, table headers, notes), translated by the caller.

Every string is marked with a call named ``_`` so that ``pybabel extract`` finds it and it joins
the web interface's catalogs (``translations/``); the caller passes the ``gettext`` of the profile's
language (the web app: Flask-Babel's translations for that language; tests: the identity). Strings
with ``%(name)s`` placeholders are formatted here, never by string concatenation, so that
translators can move the placeholders.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup

log = logging.getLogger(__name__)

Gettext = Callable[[str], str]


def _messages(_: Gettext) -> dict[str, str]:
    return {
        # cover and running header
        "profile_full": _("Country profile"),
        "profile_summary": _("Country profile (summary)"),
        "profile_coordination": _("Country coordination pack"),
        "coordination_needs": _("Needs for technical assistance and who covers them"),
        "coordination_note": _(
            "The needs the State expressed in its self-assessment and its report on technical assistance, "
            "matched to the assistance received, planned or delivered that States and providers reported. "
            "Shared with the State's consent."),
        "kind_of_assistance": _("Kind of assistance"),
        "covered_by": _("Covered by"),
        "not_covered": _("Not covered"),
        "several_providers": _("Several providers: coordinate"),
        "kind_not_given": _("Kind not given"),
        "priority_high": _("High"),
        "priority_medium": _("Medium"),
        "priority_low": _("Low"),
        "no_needs": _("No need for technical assistance is shared."),
        "contacts": _("Focal points for technical assistance"),
        "no_contacts": _("No focal point for technical assistance is designated."),
        "state": _("State"),
        "region": _("Region"),
        "questionnaire": _("Questionnaire"),
        "questionnaire_version": _("Questionnaire version"),
        "response_status": _("Status of the response"),
        "as_of": _("Answers as of"),
        "submission": _("Submission %(number)s, revision %(revision)s"),
        "live_answers": _("Current answers, not yet submitted"),
        "progress": _("Progress"),
        "progress_figure": _("%(done)s of %(total)s pages complete"),
        "focal_point": _("National focal point"),
        "fingerprint": _("Fingerprint of the answers"),
        "self_assessment_title": _("A self-assessment, not a review finding"),
        "self_assessment_note": _(
            "This profile presents the answers that the State itself gave to the self-assessment "
            "checklist. It is a self-assessment: it is not a finding of the Implementation Review "
            "Mechanism, of a country review or of the secretariat."),
        "draft_note": _("These answers are a draft: the State has not submitted them yet and may still change them."),
        "not_accepted_note": _("These answers were submitted; the secretariat has not accepted them yet."),
        "mark_draft": _("DRAFT"),
        "mark_not_accepted": _("NOT YET ACCEPTED"),
        "symbol": _("Document symbol"),
        "date": _("Date"),
        "language": _("Language"),
        "contents": _("Contents"),
        "page": _("Page"),
        # response statuses (the same texts as the web interface)
        "status_draft": _("Draft"),
        "status_submitted": _("Submitted"),
        "status_returned": _("Returned with comments"),
        "status_accepted": _("Accepted"),
        # sections
        "general": _("General information"),
        "summary": _("Summary of compliance"),
        "by_chapter": _("Compliance by chapter"),
        "by_level": _("Compliance by level of obligation"),
        "implementation": _("Implementation by article"),
        "practices": _("Successes and good practices"),
        "challenges": _("Challenges in implementation"),
        "ta_needed": _("Technical assistance needed"),
        "ta_by_category": _("Technical assistance needed, by category"),
        "ta_by_article": _("Technical assistance needed, by article"),
        "ta_received": _("Technical assistance already received"),
        "annex_legislation": _("Annex I. Legislation and other measures cited"),
        "annex_unanswered": _("Annex II. Provisions not yet answered"),
        "annex_method": _("Annex III. Methodology"),
        # table headers
        "article_number": _("Article %(number)s"),
        "article_title": _("Article %(number)s. %(title)s"),
        "chapter": _("Chapter"),
        "chapter_title": _("Chapter %(number)s. %(title)s"),
        "article": _("Article"),
        "provision": _("Provision"),
        "level": _("Level of obligation"),
        "status": _("Status"),
        "measures": _("Measures and laws cited"),
        "not_answered": _("Not answered"),
        "partial": _("Yes, in part"),
        "no_gap": _("Not a gap (no obligation)"),
        "total": _("Total"),
        "chart": _("Chart"),
        "category": _("Category"),
        "provisions": _("Provisions"),
        "count": _("Number"),
        "priority": _("Priority"),
        "details": _("Details"),
        "description": _("Description"),
        "provider": _("Donor or provider"),
        "instrument": _("Law, policy or other measure"),
        "reference": _("Article or section"),
        "year": _("Year"),
        "link": _("Link"),
        "step": _("Step to be taken"),
        "authority": _("Responsible authority"),
        "timeframe": _("Timeframe"),
        "high_priority": _("High priority"),
        "other_answers": _("Other answers"),
        # the one-page summary
        "top_needs": _("Main technical assistance needs"),
        "changes": _("What changed since the last submission"),
        "changes_since": _("Compared with submission %(number)s of %(date)s."),
        "no_previous": _("This is the first submission: there is no earlier one to compare with."),
        "no_changes": _("No provision changed since then."),
        "before": _("Before"),
        "now": _("Now"),
        "newly_answered": _("Answered since then"),
        "needs_added": _("Assistance newly requested"),
        "needs_removed": _("Assistance no longer requested"),
        "and_more": _("and %(count)s more"),
        "summary_footer": _("Provisions not answered yet: %(count)s. The full profile shows every answer."),
        "summary_footer_all": _("Every provision has been answered. The full profile shows every answer."),
        # per provision
        "how_measures": _("How the measures give effect to the provision"),
        "examples": _("Examples of implementation"),
        "steps": _("Steps needed for full compliance"),
        "other_specified": _("Other, as specified"),
        "yes": _("Yes"),
        "no": _("No"),
        # notes
        "written_in": _("Written in %(language)s"),
        "language_entry": _("%(language)s (%(code)s): %(count)s"),
        "foreign_answers": _("%(count)s answers were written in another language than this profile's and are shown "
                             "as written: %(languages)s."),
        "no_practices": _("No successes or good practices were reported."),
        "no_challenges": _("No challenges were reported."),
        "no_ta_needed": _("No technical assistance needs were reported."),
        "no_ta_received": _("No technical assistance received was reported."),
        "no_legislation": _("No legislation or other measure was cited."),
        "all_answered": _("Every provision has been answered."),
        "incomplete": _("Answered, but some required details are missing"),
        "unanswered": _("Not answered yet"),
        "no_answers_chapter": _("No provision of this chapter has been answered yet (see annex II)."),
        # methodology
        "method_statuses": _(
            "For each provision the State says whether it complies (“Yes”), complies in part (“Yes, in part”) "
            "or does not comply (“No”). Figures count the provisions of the checklist; the level of obligation "
            "tells whether the Convention requires a measure, asks States to consider it, or leaves it optional."),
        "method_hidden": _(
            "Answers to questions that no longer apply, because of later answers, are not shown. Answers are "
            "shown as the State wrote them, in the language it wrote them in; they are not translated."),
        "method_sources": _(
            "The answers are those of the submission named on the cover, or the current answers when the "
            "response has not been submitted yet. The fingerprint identifies that exact set of answers."),
    }


class Labels(Mapping[str, str]):
    """The translated fixed texts of one profile; ``labels.fmt(key, **values)`` fills placeholders."""

    def __init__(self, gettext: Gettext | None = None):
        self._english = _messages(lambda message: message)
        translate = gettext or (lambda message: message)
        self._texts = _messages(lambda message: str(translate(message)))

    def __getitem__(self, key: str) -> str:
        return self._texts[key]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __getattr__(self, key: str) -> str:
        try:
            return self._texts[key]
        except KeyError:
            raise AttributeError(key) from None

    def fmt(self, key: str, **values: Any) -> str:
        """The text with its placeholders filled; a translation that breaks them falls back to English.
        With a value that is markup (a provision number in a right-to-left profile), the text is
        escaped and the result is markup too."""
        html = any(isinstance(value, Markup) for value in values.values())
        try:
            return (Markup.escape(self._texts[key]) if html else self._texts[key]) % values
        except (KeyError, ValueError, TypeError):
            log.warning("translation of %r does not fit its placeholders; using English", key)
            return (Markup.escape(self._english[key]) if html else self._english[key]) % values

    def digest(self) -> str:
        """Changes when any translation changes (part of the cache key)."""
        return hashlib.sha256(json.dumps(self._texts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
