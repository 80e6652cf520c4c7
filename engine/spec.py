"""The keys of the questionnaire language, declared once.

The parser checks documents against these tables (unknown keys, missing keys, value kinds) and
:mod:`engine.schema` turns the same tables into the JSON Schema that editors use for completion,
so the two cannot drift apart.

Value kinds: ``id``, ``string``, ``text`` (a plain string or a ``{language: text}`` map), ``bool``,
``int``, ``number``, ``bound`` (a number or a date), ``condition``, ``required`` (true, false or a
condition), ``strings`` (a list of strings),
``role`` (a name from :data:`engine.roles.ROLES`), ``provisions``, ``choices``, ``scalars`` (a mapping of
parameter values), ``list:<node>`` (a list of nodes), ``map:<node>`` (a mapping of name to node),
``node:<node>`` (one nested node), ``choice_lists`` (names to lists of choices),
``items`` (sections, groups, questions or template uses).
"""

from __future__ import annotations

from dataclasses import dataclass

from .roles import ROLES
from .types import COMMON_KEYS, FILE_KINDS, TYPES


@dataclass(frozen=True, slots=True)
class Key:
    name: str
    kind: str
    doc: str
    required: bool = False


def _keys(*keys: Key) -> dict[str, Key]:
    return {key.name: key for key in keys}


_ID = "A stable identifier: starts with a letter; a-z, 0-9 and '_'. Answers are stored under it."

NODES: dict[str, dict[str, Key]] = {
    "questionnaire": _keys(
        Key("id", "id", "Identifier of the questionnaire, kept across versions.", True),
        Key("version", "string", "Version of this definition, e.g. '2026.1'. Quote it.", True),
        Key("title", "text", "Title shown to respondents.", True),
        Key("description", "text", "Introduction shown on the first page."),
        Key("languages", "strings", "Languages offered, e.g. [ar, en, es, fr, ru, zh].", True),
        Key("default_language", "string", "The language of plain (non-map) texts.", True),
        Key("fallback", "strings",
            "Languages to show, in order, when a text lacks the reader's language "
            "(default: the default language)."),
        Key("framework", "node:framework", "The reference framework questions map to (e.g. treaty provisions)."),
        Key("choice_lists", "choice_lists", "Named, reusable lists of choices."),
        Key("templates", "map:template", "Reusable blocks of questions, instantiated with 'use:'."),
        Key("sections", "list:section", "The sections (chapters) of the questionnaire.", True),
    ),
    "framework": _keys(
        Key("id", "id", "Identifier of the framework, e.g. 'uncac'.", True),
        Key("title", "text", "Name of the framework.", True),
        Key("levels", "list:level", "Obligation levels provisions can have.", True),
        Key("chapters", "list:chapter", "Chapters, each with its articles and provisions.", True),
    ),
    "level": _keys(
        Key("code", "string", "Stable code of the level, e.g. 'mandatory'.", True),
        Key("label", "text", "Name of the level.", True),
        Key("gaps", "bool",
            "Whether a negative answer on a provision of this level is a gap in implementation (default: "
            "true). Set false for optional provisions and saving clauses: figures never count a gap there."),
    ),
    "chapter": _keys(
        Key("id", "string", "Chapter number or code, e.g. 'II'.", True),
        Key("title", "text", "Chapter title.", True),
        Key("articles", "list:article", "The articles of the chapter.", True),
    ),
    "article": _keys(
        Key("id", "string", "Article number, e.g. '15'.", True),
        Key("title", "text", "Article title.", True),
        Key("see_also", "strings", "Related articles (cross-references)."),
        Key("guidance", "text",
            "Guidance on answering for the whole article: what a good answer cites, typical evidence."),
        Key("provisions", "list:provision", "Paragraphs and subparagraphs of the article."),
    ),
    "provision": _keys(
        Key("id", "string", "Provision id, e.g. '15.a' or '46.9.b'.", True),
        Key("level", "string", "Obligation level (a code from 'levels').", True),
        Key("summary", "text", "Short summary of what the provision asks, in our own words.", True),
        Key("title", "text", "Optional short title."),
    ),
    "choice": _keys(
        Key("code", "string", "Stable code stored with the answer; never reuse a code for another meaning.", True),
        Key("label", "text", "Label shown to respondents (can be renamed freely).", True),
        Key("other", "bool", "Choosing this asks the respondent to specify (\"other, please specify\")."),
    ),
    "constraint": _keys(
        Key("rule", "condition", "A condition the answer must meet; '.' is the answer itself.", True),
        Key("message", "text", "Message shown when the rule is not met."),
    ),
    "template": _keys(
        Key("parameters", "strings", "Names of the parameters, used as {name} in the template's texts."),
        Key("defaults", "scalars", "Values of parameters an instance may leave out."),
        Key("title", "text", "Default title of each instance."),
        Key("description", "text", "Default description of each instance."),
        Key("show_if", "condition", "Default condition for showing each instance."),
        Key("provisions", "provisions", "Provisions each instance covers, e.g. ['{provision}']."),
        Key("items", "items", "The questions and groups of the block.", True),
    ),
    "include": _keys(
        Key("include", "string",
            "Name of a template whose items are written here, as if typed in place: same ids prefix, "
            "same scope. Only the template's items are used.", True),
        Key("with", "scalars", "Values of the included template's parameters."),
    ),
    "section": _keys(
        Key("id", "id", _ID, True),
        Key("title", "text", "Section title.", True),
        Key("description", "text", "Text shown under the title."),
        Key("show_if", "condition", "Show the section only when this condition holds."),
        Key("provisions", "provisions", "Provisions covered by the whole section."),
        Key("items", "items", "Groups and questions of the section.", True),
    ),
    "group": _keys(
        Key("id", "id", _ID, True),
        Key("title", "text", "Group title (optional when the group maps to provisions)."),
        Key("description", "text", "Text shown under the title."),
        Key("show_if", "condition", "Show the group only when this condition holds."),
        Key("provisions", "provisions", "Provisions covered by the group."),
        Key("items", "items", "Groups and questions of the group.", True),
    ),
    "use": _keys(
        Key("use", "string", "Name of the template to instantiate.", True),
        Key("id", "id", "Id of this instance; its questions get ids '<id>.<question id>'.", True),
        Key("with", "scalars", "Values of the template's parameters."),
        Key("title", "text", "Title of this instance (overrides the template's)."),
        Key("description", "text", "Description of this instance."),
        Key("show_if", "condition", "Show this instance only when this condition holds."),
        Key("provisions", "provisions", "Provisions (overrides the template's)."),
        Key("items", "items", "Extra questions appended after the template's."),
    ),
    "question": _keys(
        Key("id", "id", _ID, True),
        Key("type", "string", "Question type: " + ", ".join(sorted(TYPES)) + ".", True),
        Key("label", "text", "The question as shown to respondents.", True),
        Key("hint", "text", "Help text shown under the label."),
        Key("guidance", "text", "Longer guidance for the respondent (shown folded, and in print)."),
        Key("required", "required", "true, false, or a condition: when an answer is needed to submit."),
        Key("required_message", "text", "Message shown when a required answer is missing."),
        Key("show_if", "condition", "Show the question only when this condition holds."),
        Key("constraints", "list:constraint", "Rules the answer must meet, each with its message."),
        Key("provisions", "provisions", "Provisions the question covers."),
        Key("role", "role",
            "What the question is in a pattern (e.g. 'compliance', 'measures'): profiles, exports and "
            "figures find questions by role, not by id. One of: " + ", ".join(ROLES) + "."),
        Key("choices", "choices",
            "Choice questions: the name of a choice list, a list of choices, or {framework: articles}."),
        Key("other_label", "text", "Label of the 'please specify' box of an 'other' choice."),
        Key("appearance", "string", "Choice questions: 'radio' (default), 'dropdown' or 'checkboxes'."),
        Key("min", "bound", "Smallest number or earliest date ('YYYY-MM-DD'); fewest choices."),
        Key("max", "bound", "Largest number or latest date ('YYYY-MM-DD'); most choices."),
        Key("integer", "bool", "Numbers: only whole numbers."),
        Key("min_length", "int", "Text: fewest characters."),
        Key("max_length", "int", "Text: most characters."),
        Key("pattern", "string", "Text: a regular expression the whole answer must match."),
        Key("pattern_message", "text", "Message shown when the pattern does not match."),
        Key("rows", "int", "Long text: height of the box in lines."),
        Key("placeholder", "text", "Example shown in an empty box."),
        Key("columns", "list:column", "Tables: the columns (sub-questions) of each row."),
        Key("min_rows", "int", "Tables: fewest rows."),
        Key("max_rows", "int", "Tables: most rows."),
        Key("accept", "strings",
            "Files: the kinds accepted, e.g. [pdf, docx, odt]; each upload's content is checked, not "
            "only its name. One or more of: " + ", ".join(FILE_KINDS) + " (default: all of them)."),
        Key("max_size", "string", "Files: the largest file, e.g. '20 MB' (default 20 MB, at most 50 MB)."),
        Key("max_files", "int", "Files: most files (default and at most 20)."),
    ),
}

#: Table columns are questions without branching or nesting.
NODES["column"] = {
    name: key for name, key in NODES["question"].items()
    if name not in ("show_if", "provisions", "guidance", "columns", "min_rows", "max_rows", "role")
}

assert set(NODES["question"]) == COMMON_KEYS | {
    key for kind in TYPES.values() for key in kind.keys}, "spec and type registry disagree"
