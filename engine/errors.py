"""Diagnostics: the catalogue of coded messages, and the error that carries them.

Every problem found in a questionnaire file is a :class:`Diagnostic` with a stable code, a place
(``file:line:column`` and the path inside the document), what is wrong and how to fix it. Tests
assert on codes, never on wording. Message templates are marked with :func:`N_` so the web app
can extract and translate them (``pybabel extract -k N_``) without the engine importing Babel.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


#: Every phrase marked with :func:`N_`: message templates, and the phrases the engine puts into
#: them (a phrase may itself hold ``{placeholders}`` filled from the same arguments). Renderers
#: translate exactly these strings, never arbitrary values from the file.
PHRASES: set[str] = set()


def N_(message: str) -> str:
    """Mark a message or phrase for translation without translating it (gettext_noop)."""
    PHRASES.add(message)
    return message


@dataclass(frozen=True, slots=True)
class Code:
    """One entry of the catalogue: severity, a short slug and the message and hint templates."""

    code: str
    severity: str
    slug: str
    message: str
    hint: str = ""


_CATALOGUE: tuple[Code, ...] = (
    # Y: reading the file
    Code("Y100", ERROR, "yaml-syntax", N_("YAML syntax error: {problem}"),
         N_("check indentation and quoting near this place; YAML uses spaces, not tabs")),
    Code("Y101", ERROR, "encoding", N_("the file is not valid UTF-8 ({reason})"),
         N_("save the file as UTF-8")),
    Code("Y102", ERROR, "file-too-large",
         N_("the file is {size} bytes; the limit is {limit} bytes"),
         N_("split the questionnaire or remove unused content")),
    Code("Y103", ERROR, "yaml-alias", N_("YAML anchors and aliases (&{name}, *{name}) are not allowed"),
         N_("use a template ('templates:' and 'use:') to reuse a block")),
    Code("Y104", ERROR, "yaml-tag", N_("unsupported YAML tag '{tag}'"),
         N_("remove the tag; quote the value if you mean text")),
    Code("Y105", ERROR, "duplicate-key",
         N_("the key '{key}' appears twice in this mapping (first at line {first_line})"),
         N_("remove or rename one of them")),
    Code("Y106", ERROR, "too-deep", N_("the document is nested more than {limit} levels deep"),
         N_("flatten the structure")),
    Code("Y107", ERROR, "not-one-document", N_("the file must hold exactly one YAML document"),
         N_("remove the extra '---' separators")),
    Code("Y108", ERROR, "complex-key", N_("mapping keys must be plain text"),
         N_("write the key as a simple word such as 'label'")),
    # S: structure of the document
    Code("S200", ERROR, "unknown-key", N_("unknown key '{key}' in {where}"),
         N_("did you mean '{suggestion}'?")),
    Code("S201", ERROR, "missing-key", N_("{where} needs '{key}'"), N_("add '{key}: ...'")),
    Code("S202", ERROR, "wrong-type", N_("'{key}' must be {expected}, not {found}"),
         N_("{example}")),
    Code("S203", ERROR, "invalid-value", N_("'{value}' is not a valid value for '{key}'"),
         N_("use one of: {allowed}")),
    Code("S204", ERROR, "invalid-id", N_("'{value}' is not a valid id"),
         N_("ids start with a letter and use only a-z, 0-9 and '_' (at most 64 characters)")),
    Code("S205", ERROR, "duplicate-id", N_("the id '{id}' is already used at line {first_line}"),
         N_("every section, group and question needs its own id; answers are stored under it")),
    Code("S206", ERROR, "unknown-type", N_("unknown question type '{type}'"),
         N_("did you mean '{suggestion}'? Types: {allowed}")),
    Code("S207", ERROR, "unknown-choice-list", N_("unknown choice list '{name}'"),
         N_("declare it under 'choice_lists:' or use one of: {allowed}")),
    Code("S208", ERROR, "bad-range", N_("'{low_key}' ({low}) is greater than '{high_key}' ({high})"),
         N_("swap the two values")),
    Code("S209", ERROR, "unknown-template", N_("unknown template '{name}'"),
         N_("declare it under 'templates:'; did you mean '{suggestion}'?")),
    Code("S210", ERROR, "template-cycle", N_("template '{name}' uses itself ({chain})"),
         N_("a template may use other templates, but never itself")),
    Code("S211", ERROR, "template-parameter", N_("template '{name}': {problem}"),
         N_("the template declares: {declared}")),
    Code("S212", ERROR, "duplicate-code", N_("the choice code '{code}' is already used at line {first_line}"),
         N_("codes are stored with the answers and must be unique within a list")),
    Code("S213", ERROR, "invalid-item",
         N_("an item needs 'type' (a question), 'items' (a group) or 'use' (a template)"),
         N_("add one of these keys")),
    Code("S214", ERROR, "invalid-pattern", N_("the pattern is not a valid regular expression: {problem}"),
         N_("check the brackets and escapes")),
    Code("S215", ERROR, "empty-list", N_("'{key}' must not be empty"), N_("add at least one entry")),
    Code("S216", ERROR, "unknown-language", N_("unknown language '{lang}'"),
         N_("use one of the languages declared in 'languages': {allowed}")),
    Code("S217", WARNING, "empty-container", N_("{where} '{id}' contains no questions"),
         N_("add questions or remove it")),
    Code("S218", ERROR, "unknown-role", N_("unknown role '{role}'"),
         N_("use one of: {allowed}")),
    Code("S219", ERROR, "role-type", N_("the role '{role}' does not fit a question of type '{type}'"),
         N_("give it to a question of type: {allowed}")),
    Code("S220", ERROR, "duplicate-role", N_("the role '{role}' is already given to '{first}' in this block"),
         N_("each role is used once per group with provisions; remove one of them")),
    Code("S221", ERROR, "role-codes", N_("the role '{role}' needs the choice codes {allowed}; '{code}' is not one"),
         N_("use these codes in the choice list (labels can say anything)")),
    Code("S222", ERROR, "include-keys", N_("template '{name}' is included here: its '{key}' would have no effect"),
         N_("an included template gives only its items; remove '{key}' or instantiate it with 'use:'")),
    # R: references to the framework
    Code("R300", ERROR, "unknown-provision", N_("unknown provision '{id}'"),
         N_("declare it in the framework; did you mean '{suggestion}'?")),
    Code("R301", ERROR, "no-framework", N_("'provisions' is used but the file declares no framework"),
         N_("add a 'framework:' section with the provisions")),
    Code("R302", WARNING, "provision-not-covered",
         N_("{count} provisions of the framework are covered by no question: {ids}"),
         N_("map a group or question to them with 'provisions: [...]'")),
    Code("R303", ERROR, "unknown-level", N_("unknown obligation level '{level}'"),
         N_("declare it under 'framework: levels:' or use one of: {allowed}")),
    # C: conditions
    Code("C400", ERROR, "condition-syntax", N_("condition syntax error: {problem}"),
         N_("conditions look like: ${{q1}} = 'yes' and not answered(${{q2}})")),
    Code("C401", ERROR, "unknown-reference", N_("unknown question ${{{ref}}}"),
         N_("did you mean ${{{suggestion}}}?")),
    Code("C402", ERROR, "forward-reference",
         N_("${{{ref}}} is asked later in the questionnaire (line {line}); {key} can only use earlier answers"),
         N_("move the question earlier, or the condition later")),
    Code("C403", ERROR, "unknown-choice-code", N_("'{code}' is not a choice of ${{{ref}}}"),
         N_("its codes are: {allowed}")),
    Code("C404", ERROR, "type-mismatch", N_("type mismatch: {problem}"), N_("{fix}")),
    Code("C405", ERROR, "cycle", N_("dependency cycle: {chain}"),
         N_("an item cannot depend on itself or on what it contains")),
    Code("C406", ERROR, "unknown-function", N_("unknown function '{name}'"),
         N_("functions: {allowed}")),
    Code("C407", ERROR, "condition-limit", N_("the condition is too large: {problem}"),
         N_("split it, or simplify it")),
    Code("C408", ERROR, "wrong-arguments", N_("{name}() takes {expected}, got {found}"),
         N_("for example: {example}")),
    Code("C409", ERROR, "self-misuse", N_("'.' (this answer) can only be used in constraints"),
         N_("refer to a question by ${{id}}")),
    # T: translations
    Code("T500", WARNING, "missing-translation",
         N_("{count} texts have no {lang} translation (first: {first})"),
         N_("add '{lang}:' to each text, or run 'checklist validate -v' to list them all")),
    Code("T501", ERROR, "empty-text", N_("the {lang} text is empty"), N_("write the text or remove the key")),
)

CATALOGUE: dict[str, Code] = {entry.code: entry for entry in _CATALOGUE}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a questionnaire, with its place and a fix hint."""

    code: str
    args: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    source: str = "<string>"
    line: int = 0
    column: int = 0
    path: str = ""
    details: tuple[Diagnostic, ...] = ()

    @property
    def severity(self) -> str:
        return CATALOGUE[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def message(self) -> str:
        return self.message_in()

    @property
    def hint(self) -> str:
        return self.hint_in()

    def message_in(self, translate: Callable[[str], str] | None = None) -> str:
        """The message; with ``translate`` (a gettext), the template and the engine's phrases in its
        language (they are marked with :func:`N_`, so the web app's catalogs hold them)."""
        return _fill(CATALOGUE[self.code].message, self.args, translate)

    def hint_in(self, translate: Callable[[str], str] | None = None) -> str:
        template = CATALOGUE[self.code].hint
        if "{suggestion}" in template and not self.args.get("suggestion"):
            return ""
        return _fill(template, self.args, translate)

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """``message (hint)``, in the language of ``translate`` if given."""
        message, hint = self.message_in(translate), self.hint_in(translate)
        return f"{message} ({hint})" if hint else message

    def format(self) -> str:
        """``FILE:LINE:COL: CODE message (hint)`` as printed by ``checklist validate``."""
        return f"{self.source}:{self.line}:{self.column}: {self.code} {self.text()}"

    def excerpt(self, lines: Sequence[str]) -> str:
        """The offending line of the source (``lines``: its text, split) with a caret under the
        column, as compilers print it; empty when the line is not in ``lines``::

               12 |         label: {en: A, ar: B}
                  |                        ^
        """
        if not 0 < self.line <= len(lines):
            return ""
        text = lines[self.line - 1].rstrip("\r\n")
        before = text[: max(self.column - 1, 0)]
        pad = "".join(c if c == "\t" else "  " if unicodedata.east_asian_width(c) in "WF" else " " for c in before)
        number = str(self.line)
        gutter = " " * len(number)
        return f" {number} | {text}\n {gutter} | {pad}^"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "severity": self.severity, "message": self.message,
            "hint": self.hint, "source": self.source, "line": self.line,
            "column": self.column, "path": self.path,
        }


#: How a tuple argument (alternatives, e.g. the kinds of answer a function accepts) is joined.
ALTERNATIVES = N_("{first} or {second}")


def expand(args: dict[str, Any], translate: Callable[[str], str] | None = None) -> dict[str, Any]:
    """Arguments ready for a template: phrases translated (if asked) and their placeholders filled,
    with the other arguments translated too (a phrase may hold a phrase, e.g. a kind of answer).
    A tuple of phrases is a list of alternatives, joined with :data:`ALTERNATIVES`."""
    tr = translate or _same

    def phrase(value: Any) -> Any:
        return tr(value) if isinstance(value, str) and value in PHRASES else value

    translated = {}
    for key, value in args.items():
        if isinstance(value, tuple) and value:
            joined = str(phrase(value[0]))
            for item in value[1:]:
                joined = tr(ALTERNATIVES).format(first=joined, second=phrase(item))
            translated[key] = joined
        else:
            translated[key] = phrase(value)
    out = dict(translated)
    for key, value in args.items():
        if isinstance(value, str) and value in PHRASES:
            try:
                out[key] = translated[key].format(**translated)
            except (KeyError, IndexError, ValueError):
                pass
    return out


def _same(text: str) -> str:
    return text


def _fill(template: str, args: dict[str, Any], translate: Callable[[str], str] | None = None) -> str:
    """Fill a catalogue template (translated if asked); the English template if the translation
    cannot be filled (a translator's typo must not hide the diagnostic)."""
    if translate is not None:
        try:
            return translate(template).format(**expand(args, translate))
        except (KeyError, IndexError, ValueError):
            pass
    try:
        return template.format(**expand(args))
    except (KeyError, IndexError, ValueError):
        return template


class QuestionnaireError(Exception):
    """Raised by :func:`engine.load` with every diagnostic found (errors and warnings)."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        self.errors = tuple(d for d in self.diagnostics if d.is_error)
        first = self.errors[0].format() if self.errors else "no errors"
        super().__init__(f"{len(self.errors)} error(s) in questionnaire; first: {first}")


def suggest(word: str, candidates: Iterable[str]) -> str:
    """The closest candidate to a misspelt word, or an empty string."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else ""


class Collector:
    """Gathers diagnostics in one pass; identical reports from template instances are merged."""

    def __init__(self, source: str):
        self.source = source
        self.items: list[Diagnostic] = []
        self._seen: set[tuple[str, int, int, str]] = set()

    def add(self, code: str, line: int, column: int, path: str = "", /, **args: Any) -> None:
        assert code in CATALOGUE, code
        key = (code, line, column, repr(sorted(args.items())))
        if key in self._seen:
            return
        self._seen.add(key)
        self.items.append(Diagnostic(code, args, self.source, line, column, path))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.line, d.column, d.code))
