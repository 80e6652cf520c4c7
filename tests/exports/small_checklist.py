"""A small checklist in the shape of the real one (a framework, the per-provision template, a
general part with personal data), for tests of data exports, figures across States and the
repository: three provisions in two chapters, quick to answer completely and to submit."""

from __future__ import annotations

from typing import Any

SMALL_CHECKLIST = """\
id: small_checklist
version: "1"
title: {en: Small checklist, fr: Petite liste}
languages: [en, fr]
default_language: en
framework:
  id: uncac
  title: {en: Convention, fr: Convention}
  levels:
    - {code: mandatory, label: {en: Mandatory, fr: Obligatoire}}
    - {code: optional, label: {en: Optional, fr: Facultatif}}
  chapters:
    - id: "II"
      title: {en: Preventive measures, fr: Mesures préventives}
      articles:
        - id: "5"
          title: {en: Preventive policies, fr: Politiques de prévention}
          provisions:
            - {id: "5.1", level: mandatory, summary: {en: Have policies, fr: Avoir des politiques}}
            - {id: "5.2", level: optional, summary: {en: Have practices, fr: Avoir des pratiques}}
    - id: "III"
      title: {en: Criminalization, fr: Incrimination}
      articles:
        - id: "15"
          title: {en: Bribery, fr: Corruption}
          provisions:
            - {id: "15.a", level: mandatory, summary: {en: Criminalize bribery, fr: Incriminer la corruption}}
choice_lists:
  compliance:
    - {code: "yes", label: {en: "Yes", fr: Oui}}
    - {code: partial, label: {en: "Yes, in part", fr: "Oui, en partie"}}
    - {code: "no", label: {en: "No", fr: Non}}
  ta_categories:
    - {code: legal_advice, label: {en: Legal advice, fr: Conseils juridiques}}
    - {code: capacity_building, label: {en: Capacity-building, fr: Renforcement des capacités}}
    - {code: other, label: {en: Other assistance, fr: Autre assistance}, other: true}
  priority:
    - {code: high, label: {en: High, fr: Élevée}}
    - {code: low, label: {en: Low, fr: Faible}}
templates:
  provision:
    parameters: [provision]
    provisions: ["{provision}"]
    items:
      - {id: compliance, role: compliance, type: single_choice, choices: compliance, required: true,
         label: {en: Is your country in compliance?, fr: Votre pays est-il en conformité ?}}
      - id: measures
        type: table
        role: measures
        show_if: ${compliance} in ['yes', 'partial']
        required: true
        label: {en: Measures cited, fr: Mesures citées}
        columns:
          - {id: instrument, type: text, required: true, label: {en: Title, fr: Intitulé}}
          - {id: reference, type: text, label: {en: Article or section, fr: Article ou section}}
          - {id: year, type: number, integer: true, label: {en: Year, fr: Année}}
          - {id: link, type: url, label: {en: Link, fr: Lien}}
      - {id: measures_summary, role: summary, type: long_text, show_if: "${compliance} in ['yes', 'partial']",
         label: {en: Summary, fr: Résumé}}
      - {id: ta_needed, role: assistance_needed, type: yes_no, show_if: "${compliance} in ['partial', 'no']",
         required: true,
         label: {en: Would assistance help?, fr: Une assistance aiderait-elle ?}}
      - {id: ta_categories, role: assistance_kinds, type: multiple_choice, choices: ta_categories,
         show_if: "${ta_needed} = true",
         required: true, label: {en: Which assistance?, fr: Quelle assistance ?}}
      - {id: ta_priority, role: assistance_priority, type: single_choice, choices: priority,
         show_if: "${ta_needed} = true",
         label: {en: Priority, fr: Priorité}}
sections:
  - id: general
    title: {en: General information, fr: Informations générales}
    items:
      - {id: focal_name, role: focal_point_name, type: text, label: {en: Name, fr: Nom}}
      - {id: focal_email, type: email, label: {en: E-mail, fr: Courriel}}
  - id: chii
    title: {en: Chapter II, fr: Chapitre II}
    items:
      - id: art5
        provisions: ["5"]
        items:
          - {use: provision, id: p5_1, with: {provision: "5.1"}}
          - {use: provision, id: p5_2, with: {provision: "5.2"}}
  - id: chiii
    title: {en: Chapter III, fr: Chapitre III}
    items:
      - id: art15
        provisions: ["15"]
        items:
          - {use: provision, id: p15_a, with: {provision: "15.a"}}
"""


def law(instrument: str, reference: str = "", year: int | None = None, link: str = "") -> dict[str, Any]:
    row: dict[str, Any] = {"instrument": instrument}
    if reference:
        row["reference"] = reference
    if year is not None:
        row["year"] = year
    if link:
        row["link"] = link
    return row


def complete(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A complete set of answers (every provision answered 'yes' with one law), changed by ``extra``."""
    answers: dict[str, Any] = {"focal_name": "Ann Official", "focal_email": "ann@example.org"}
    for group, title in (("p5_1", "Ethics Act"), ("p5_2", "Ethics Act"), ("p15_a", "Penal Code")):
        answers[f"{group}.compliance"] = "yes"
        answers[f"{group}.measures"] = [law(title)]
    answers.update(extra or {})
    return answers
