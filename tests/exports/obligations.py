"""A small questionnaire in the shape of checklist 2027.1: one template per kind of obligation,
with the roles of ``engine.roles`` (compliance; considered, adopted and measures; adopted and
measures; items applied; a saving clause with no status), and levels of which two have no gaps."""

from __future__ import annotations

OBLIGATIONS = """\
id: obligations
version: "1"
title: {en: Obligations, fr: Obligations}
languages: [en, fr]
default_language: en
framework:
  id: fw
  title: {en: Convention, fr: Convention}
  levels:
    - {code: mandatory, label: {en: Mandatory, fr: Obligatoire}}
    - {code: consider, label: {en: Shall consider, fr: Doit envisager}}
    - {code: optional, label: {en: Optional, fr: Facultatif}, gaps: false}
    - {code: saving, label: {en: Saving clause, fr: Clause de sauvegarde}, gaps: false}
  chapters:
    - id: "II"
      title: {en: Prevention, fr: Prévention}
      articles:
        - id: "5"
          title: {en: Policies, fr: Politiques}
          provisions:
            - {id: "5.1", level: mandatory, summary: {en: Shall have policies, fr: Doit avoir}}
            - {id: "5.2", level: consider, summary: {en: Shall consider practices, fr: Envisage}}
            - {id: "5.3", level: optional, summary: {en: May review, fr: Peut examiner}}
            - {id: "5.4", level: mandatory, summary: {en: Measures such as, fr: Mesures telles que}}
            - {id: "5.5", level: saving, summary: {en: Nothing affects, fr: Rien n'affecte}}
choice_lists:
  status:
    - {code: "yes", label: {en: "In force", fr: En vigueur}}
    - {code: partial, label: {en: "In part", fr: En partie}}
    - {code: "no", label: {en: "Not in force", fr: Pas en vigueur}}
  kinds:
    - {code: advice, label: {en: Advice, fr: Conseils}}
    - {code: other, label: {en: Other help, fr: Autre aide}, other: true}
  items:
    - {code: a, label: {en: Item a, fr: Point a}}
    - {code: b, label: {en: Item b, fr: Point b}}
templates:
  shall:
    parameters: [provision]
    provisions: ["{provision}"]
    items:
      - {id: s, role: compliance, type: single_choice, choices: status, label: {en: In force?, fr: En vigueur ?}}
      - {id: n, role: assistance_needed, type: yes_no, label: {en: Help?, fr: Aide ?}}
      - {id: k, role: assistance_kinds, type: multiple_choice, choices: kinds, show_if: "${n} = true",
         label: {en: Which help?, fr: Quelle aide ?}}
  consider:
    parameters: [provision]
    provisions: ["{provision}"]
    items:
      - {id: c, role: considered, type: yes_no, label: {en: Considered?, fr: Envisagé ?}}
      - {id: a, role: adopted, type: single_choice, choices: status, show_if: "${c} = true",
         label: {en: Adopted?, fr: Adopté ?}}
      - id: m
        role: measures
        type: table
        show_if: "${a} in ['yes', 'partial']"
        label: {en: Laws, fr: Lois}
        columns:
          - {id: instrument, type: text, label: {en: Title, fr: Titre}}
          - {id: year, type: number, integer: true, label: {en: Year, fr: Année}}
  may:
    parameters: [provision]
    provisions: ["{provision}"]
    items:
      - {id: a, role: adopted, type: yes_no, label: {en: Adopted?, fr: Adopté ?}}
      - {id: d, role: summary, type: long_text, show_if: "${a} = true", label: {en: How?, fr: Comment ?}}
  list:
    parameters: [provision]
    provisions: ["{provision}"]
    items:
      - {id: i, role: items_applied, type: multiple_choice, choices: items, label: {en: Applied, fr: Appliqués}}
  saving:
    parameters: [provision]
    provisions: ["{provision}"]
    items:
      - {id: x, role: summary, type: long_text, label: {en: Remarks, fr: Remarques}}
sections:
  - id: ch2
    title: {en: Chapter II, fr: Chapitre II}
    items:
      - id: art5
        provisions: ["5"]
        items:
          - {use: shall, id: p1, with: {provision: "5.1"}}
          - {use: consider, id: p2, with: {provision: "5.2"}}
          - {use: may, id: p3, with: {provision: "5.3"}}
          - {use: list, id: p4, with: {provision: "5.4"}}
          - {use: saving, id: p5, with: {provision: "5.5"}}
"""
