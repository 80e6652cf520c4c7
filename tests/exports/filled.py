"""A fully answered checklist, made through the engine model: every provision answered in a
pattern (yes, in part, no), laws cited with links, steps, challenges, technical assistance needed
and received, good practices, and the general part. Most answers are in English; the provisions
of article 46 are answered in French and those of chapter V in Arabic, as States do.

Used by the export tests, ``bench/profiles.py`` and the page images in ``docs/images``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from pathlib import Path
from typing import Any

import engine
from engine.model import Group, Question
from tests import shipped

ROOT = Path(__file__).resolve().parents[2]
CHECKLIST = ROOT / "questionnaires" / "uncac_checklist.yaml"
STATUS_CYCLE = ("yes", "yes", "partial", "no", "yes", "partial", "yes")

LAWS = [
    ("Anti-Corruption and Economic Crimes Act", 2003, "https://laws.example.org/acts/anti-corruption-2003"),
    ("Public Officer Ethics Act", 2003, "https://laws.example.org/acts/public-officer-ethics"),
    ("Penal Code (Chapter 63)", 1930, "https://laws.example.org/acts/penal-code"),
    ("Proceeds of Crime and Anti-Money Laundering Act", 2009, "https://laws.example.org/acts/poca-2009"),
    ("Public Procurement and Asset Disposal Act", 2015, "https://laws.example.org/acts/procurement-2015"),
    ("Mutual Legal Assistance Act", 2011, "https://laws.example.org/acts/mla-2011"),
    ("Witness Protection Act", 2006, None),
    ("Access to Information Act", 2016, "https://laws.example.org/acts/access-information-2016"),
    ("National Ethics and Anti-Corruption Policy", 2018, "https://gov.example.org/policy/ethics-2018"),
    ("Leadership and Integrity Act", 2012, "https://laws.example.org/acts/leadership-integrity-2012"),
]
LAWS_FR = [("Code pénal", 2010, "https://lois.example.org/code-penal"),
           ("Loi relative à l'entraide judiciaire en matière pénale", 2014, "https://lois.example.org/entraide-2014")]
LAWS_AR = [("قانون استرداد الأصول المتأتية من الفساد", 2017, "https://laws.example.org/ar/asset-recovery-2017"),
           ("قانون مكافحة غسل الأموال", 2012, None)]

SUMMARY = {
    "en": ("Article {number} is implemented through the {law}, which sets out the obligations of the competent "
           "authorities and the penalties that apply. Implementing regulations adopted in {year} clarify the "
           "procedure and the institutions responsible for it."),
    "fr": ("L'article {number} est mis en œuvre par le texte « {law} », qui fixe les obligations des autorités "
           "compétentes et les sanctions applicables. Une circulaire de {year} précise la procédure à suivre."),
    "ar": ("تُنفَّذ المادة {number} من خلال {law}، الذي يحدد التزامات السلطات المختصة والعقوبات المطبقة. "
           "وقد أوضحت اللوائح التنفيذية الصادرة في عام {year} الإجراءات والمؤسسات المسؤولة عنها."),
}
EXAMPLES = {
    "en": ("In 2023 the courts decided 14 cases under this provision, 9 of them with convictions; the annual "
           "report of the anti-corruption commission gives the statistics by region."),
    "fr": "En 2023, les tribunaux ont rendu 6 décisions fondées sur cette disposition, dont 4 condamnations.",
    "ar": "في عام 2023، نظرت المحاكم في 11 قضية استناداً إلى هذا الحكم، وصدرت إدانات في 7 منها.",
}
STEPS = {
    "en": [("Draft amendments to extend the provision to the private sector", "Ministry of Justice", "2026"),
           ("Train investigators and prosecutors on the new procedure", "Anti-Corruption Commission", "2027")],
    "fr": [("Modifier le code de procédure pénale", "Ministère de la justice", "2026")],
    "ar": [("إعداد مشروع قانون لتعديل الإجراءات", "وزارة العدل", "2026")],
}
DETAIL = {
    "en": "The agencies concerned lack specialised staff and a shared case management system.",
    "fr": "Les services concernés manquent de personnel spécialisé et de moyens informatiques.",
    "ar": "تفتقر الجهات المعنية إلى الموظفين المتخصصين وإلى نظام مشترك لإدارة القضايا.",
}
TA_DETAIL = {
    "en": "A two-year programme of training for 60 investigators, with a mentor placed in the commission.",
    "fr": "Un programme de formation de deux ans pour les magistrats du parquet.",
    "ar": "برنامج تدريبي لمدة عامين لفائدة المحققين وأعضاء النيابة العامة.",
}
PRACTICES = {
    "en": ("The online asset declaration system, launched in 2021, now receives 98 per cent of declarations on "
           "time, and the commission publishes a yearly summary of its verification work."),
    "fr": "La plateforme de coopération entre parquets a réduit de moitié les délais de traitement des demandes.",
    "ar": "أتاحت وحدة التنسيق المشتركة تبادل المعلومات بين الجهات المعنية في غضون أيام بدلاً من أشهر.",
}
PROVIDERS = ("UNODC", "UNDP", "European Union", "GIZ", "World Bank StAR Initiative")
CHALLENGES = (("resources", "capacity"), ("legislation",), ("coordination", "awareness", "other"), ("priorities",))
TA = (("capacity_building", "technology"), ("legislative_drafting",), ("model_legislation", "good_practices", "other"),
      ("institution_building",))
PRIORITY = ("high", "medium", "low")


def questionnaire() -> engine.Questionnaire:
    return shipped.checklist()


def language_of(provision: str, article: str) -> str:
    """Article 46 answered in French, chapter V (articles 51-59) in Arabic, the rest in English."""
    number = int(article)
    if number == 46:
        return "fr"
    if 51 <= number <= 59:
        return "ar"
    return "en"


def general_answers() -> dict[str, Any]:
    return {
        "focal_name": "Wanjiru Kamau", "focal_position": "Senior State Counsel",
        "focal_institution": "Office of the Attorney General", "focal_email": "focal.point@example.org",
        "focal_phone": "+254 20 000 0000",
        "contributors": [{"name": "Daniel Otieno", "institution": "Ethics and Anti-Corruption Commission",
                          "contact": "d.otieno@example.org"},
                         {"name": "Amina Hassan", "institution": "Office of the Director of Public Prosecutions"}],
        "signature_date": "2003-12-09", "instrument": "ratification", "deposit_date": "2003-12-09",
        "legal_system": "common_law",
        "framework_overview": ("The Constitution of 2010 (chapter six on leadership and integrity), the "
                               "Anti-Corruption and Economic Crimes Act and the Ethics and Anti-Corruption "
                               "Commission form the core of the framework.\n\nThe national strategy for 2023-2027 "
                               "coordinates the work of the commission, the prosecution service and the courts."),
        "prevention_authority": "Ethics and Anti-Corruption Commission, Integrity Centre, Nairobi",
        "central_authority": "Office of the Attorney General, Department of Justice (mutual legal assistance unit)",
        "mla_languages": "English, French", "extradition_basis": True, "reservations": False,
        "extradition_treaty": True,
    }


def provision_answers(prefix: str, index: int, provision: str, article: str) -> tuple[dict[str, Any], str]:
    lang = language_of(provision, article)
    status = STATUS_CYCLE[index % len(STATUS_CYCLE)]
    number = provision
    out: dict[str, Any] = {f"{prefix}.compliance": status}
    laws = {"fr": LAWS_FR, "ar": LAWS_AR}.get(lang, LAWS)
    if status in ("yes", "partial"):
        first = laws[index % len(laws)]
        rows = [{"instrument": first[0], "reference": f"s. {10 + index % 40}", "year": first[1],
                 **({"link": first[2]} if first[2] else {})}]
        if index % 3 == 0:
            second = laws[(index + 3) % len(laws)]
            rows.append({"instrument": second[0], "year": second[1], **({"link": second[2]} if second[2] else {})})
        out[f"{prefix}.measures"] = rows
        out[f"{prefix}.measures_summary"] = SUMMARY[lang].format(number=number, law=first[0], year=2016 + index % 8)
        if index % 2 == 0:
            out[f"{prefix}.examples"] = EXAMPLES[lang]
    if status in ("partial", "no"):
        out[f"{prefix}.steps"] = [{"step": s, "authority": a, "timeframe": t}
                                  for s, a, t in STEPS[lang][: 1 + index % 2]]
        challenges = CHALLENGES[index % len(CHALLENGES)]
        out[f"{prefix}.challenges"] = list(challenges)
        if "other" in challenges:
            out[f"{prefix}.challenges_other"] = {"en": "Frequent turnover of trained staff",
                                                 "fr": "Rotation fréquente du personnel formé",
                                                 "ar": "كثرة تنقل الموظفين المدربين"}[lang]
        out[f"{prefix}.challenges_detail"] = DETAIL[lang]
        needed = index % 5 != 4
        out[f"{prefix}.ta_needed"] = needed
        if needed:
            categories = TA[index % len(TA)]
            out[f"{prefix}.ta_categories"] = list(categories)
            if "other" in categories:
                out[f"{prefix}.ta_categories_other"] = "South-South exchange of prosecutors"
            out[f"{prefix}.ta_priority"] = PRIORITY[index % 3]
            out[f"{prefix}.ta_detail"] = TA_DETAIL[lang]
        received = index % 3 == 0
        out[f"{prefix}.ta_received"] = received
        if received:
            out[f"{prefix}.ta_received_list"] = [{
                "description": {"en": "Training of 40 investigators on financial investigations (2022-2023)",
                                "fr": "Formation de 25 magistrats à l'entraide judiciaire (2023)",
                                "ar": "تدريب 30 محققاً على التحقيقات المالية (2023)"}[lang],
                "provider": PROVIDERS[index % len(PROVIDERS)]}]
    return out, lang


def fitted(q: engine.Questionnaire, prefix: str, index: int, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers of the 'shall' pattern, fitted to the questions the provision's kind asks (a
    provision that does not bind asks 'adopted', a list asks which items, a saving clause neither)."""
    out = dict(answers)
    status = out.pop(f"{prefix}.compliance")
    for local in ("compliance", "adopted"):
        if f"{prefix}.{local}" in q.index.items:
            out[f"{prefix}.{local}"] = status
    if status == "no":
        out[f"{prefix}.considered"] = index % 2 == 0
    items = q.index.items.get(f"{prefix}.items_applied")
    if isinstance(items, Question) and items.choices is not None:
        codes = [c.code for c in items.choices.choices if c.code != "none"]
        picked = {"yes": codes, "partial": codes[:1]}.get(status, ["none"] if "none" in items.choices.codes else [])
        if picked:
            out[f"{prefix}.items_applied"] = picked
    summary = f"{prefix}.measures_summary"
    if summary not in out and not any(f"{prefix}.{local}" in q.index.items for local in ("compliance", "adopted")):
        out[summary] = SUMMARY["en"].format(number=prefix, law=LAWS[0][0], year=2020)  # scope and saving clauses
    if f"{prefix}.notified" in q.index.items:
        out[f"{prefix}.notified"] = status != "no"
    return {qid: value for qid, value in out.items() if qid in q.index.items}


def filled(q: engine.Questionnaire | None = None, articles: Collection[str] | None = None,
           extra: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Answers (engine values) and their languages: every provision (or those of ``articles``)."""
    q = q or questionnaire()
    raw, languages = raw_filled(q, articles, extra)
    return parse(q, raw), languages


def raw_filled(q: engine.Questionnaire, articles: Collection[str] | None = None,
               extra: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The same answers as stored JSON (what the web app saves), with their languages."""
    framework = q.framework
    assert framework is not None
    raw: dict[str, Any] = dict(general_answers())
    languages = {qid: "en" for qid in raw}
    index = 0
    for item in q.index.items.values():
        if not isinstance(item, Group):
            continue
        if item.template == "provision" and len(item.provisions) == 1:
            provision = framework.provisions[item.provisions[0]]
            if articles is not None and provision.article not in articles:
                continue
            answers, lang = provision_answers(item.id, index, provision.id, provision.article)
            answers = fitted(q, item.id, index, answers)
            raw.update(answers)
            languages.update({qid: lang for qid in answers})
            index += 1
        elif item.template == "practices":
            mapped = q.provisions_of(f"{item.id}.good_practices")
            article = framework.article_of(mapped[0]) if mapped else None
            if article is None or (articles is not None and article.id not in articles) or int(article.id) % 3:
                continue
            lang = language_of(article.id, article.id)
            raw[f"{item.id}.good_practices"] = PRACTICES[lang]
            languages[f"{item.id}.good_practices"] = lang
    raw.update(extra or {})
    return raw, languages


def parse(q: engine.Questionnaire, raw: dict[str, Any]) -> dict[str, Any]:
    """JSON-like answers as engine values, through each question type (as the web app stores them)."""
    values = {}
    for qid, value in raw.items():
        question = q.question(qid)
        assert isinstance(question, Question)
        parsed = engine.TYPES[question.type].from_json(question, value)
        if parsed is not None:
            values[qid] = parsed
    return values


def as_of() -> dt.datetime:
    return dt.datetime(2026, 3, 12, 9, 30, tzinfo=dt.UTC)
