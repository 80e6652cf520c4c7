"""From the positioned YAML tree to drafts: keys, value kinds, ids, choices, texts, templates.

Parsing never stops at the first mistake: every problem is reported to the collector and parsing
goes on with what can be understood. Conditions are kept as raw text here; :mod:`engine.check`
resolves them once every id is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import N_, Collector, suggest
from .model import Article, Chapter, Choice, ChoiceList, Framework, Level, Provision, Where
from .roles import ROLES
from .source import MAP, SCALAR, SEQ, Node
from .spec import NODES, Key
from .text import EMPTY, Text
from .types import FILE_KINDS, TYPES

ID_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")
LANG_RE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")
_TRUE, _FALSE = {"true", "True", "TRUE"}, {"false", "False", "FALSE"}
_KIND_NAMES = {MAP: N_("a mapping"), SEQ: N_("a list"), SCALAR: N_("a single value")}
_KIND_WHERE = {"section": N_("a section"), "group": N_("a group")}
_SINGLE = _KIND_NAMES[SCALAR]
MAX_TEMPLATE_DEPTH = 8


@dataclass(slots=True)
class RawCondition:
    """A condition as written, with what is needed to place errors and resolve names."""

    text: str
    node: Node
    path: str
    key: str
    scope: dict[str, str]


@dataclass(slots=True)
class TextSlot:
    text: Text
    where: Where


@dataclass(slots=True)
class Draft:
    """A section, group or question before its conditions are resolved."""

    kind: str  # section | group | question
    id: str
    where: Where
    fields: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, RawCondition] = field(default_factory=dict)
    constraints: list[tuple[RawCondition, Text]] = field(default_factory=list)
    columns: list[Draft] = field(default_factory=list)
    children: list[Draft] = field(default_factory=list)
    scope: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Document:
    """Everything parsing produced, for the checker to finish."""

    meta: dict[str, Any] = field(default_factory=dict)
    framework: Framework | None = None
    framework_where: Where = field(default_factory=Where)
    choice_lists: dict[str, ChoiceList] = field(default_factory=dict)
    sections: list[Draft] = field(default_factory=list)
    order: list[Draft] = field(default_factory=list)  # every section, group, question in document order
    ids: dict[str, Draft] = field(default_factory=dict)
    texts: list[TextSlot] = field(default_factory=list)
    provision_refs: list[tuple[str, Where]] = field(default_factory=list)


class Parser:
    def __init__(self, collector: Collector):
        self.c = collector
        self.doc = Document()
        self.languages: tuple[str, ...] = ()
        self.default_language = "en"
        self.templates: dict[str, Node] = {}
        self._texts: dict[tuple[int, int, tuple[tuple[str, str], ...]], Text] = {}

    # -- entry point ----------------------------------------------------------------------
    def run(self, root: Node) -> Document:
        if root.kind != MAP:
            self.c.add("S202", root.line, root.column, key=N_("the file"), expected=N_("a mapping of keys"),
                       found=_KIND_NAMES[root.kind], example=N_("start with 'id: my_questionnaire'"))
            return self.doc
        values = self.keys(root, "questionnaire", N_("the questionnaire"), "")
        self.language_settings(root, values)
        meta = self.doc.meta
        meta["id"] = self.id_value(values.get("id"), "id")
        meta["version"] = self.string(values.get("version"), "version")
        meta["title"] = self.text(values.get("title"), "title")
        meta["description"] = self.text(values.get("description"), "description")
        if "framework" in values:
            self.doc.framework = self.framework(values["framework"])
        if "choice_lists" in values:
            self.choice_lists(values["choice_lists"])
        if "templates" in values:
            self.collect_templates(values["templates"])
        for index, node in enumerate(self.seq(values.get("sections"), "sections")):
            path = f"sections[{index}]"
            draft = self.container(node, "section", path, "", {}, 0)
            if draft is not None:
                self.doc.sections.append(draft)
        return self.doc

    # -- generic helpers --------------------------------------------------------------------
    def keys(self, node: Node, kind: str, where: str, path: str,
             allowed: dict[str, Key] | None = None) -> dict[str, Node]:
        """Check a mapping's keys against the spec; returns the known ones."""
        spec = allowed if allowed is not None else NODES[kind]
        known: dict[str, Node] = {}
        assert node.keys is not None
        for name, value in node.value.items():
            if name in spec:
                known[name] = value
            else:
                key_node = node.keys[name]
                self.c.add("S200", key_node.line, key_node.column, _join(path, name), key=name,
                           where=where, suggestion=suggest(name, spec))
        for name, key in spec.items():
            if key.required and name not in node.value:
                self.c.add("S201", node.line, node.column, path, key=name, where=where)
        return known

    def mapping(self, node: Node | None, key: str) -> Node | None:
        if node is None or node.is_null:
            return None
        if node.kind != MAP:
            self.c.add("S202", node.line, node.column, key=key, expected=N_("a mapping"),
                       found=_KIND_NAMES[node.kind],
                       example=N_("write '{key}:' followed by indented 'name: value' lines"))
            return None
        return node

    def seq(self, node: Node | None, key: str) -> list[Node]:
        if node is None or node.is_null:
            return []
        if node.kind != SEQ:
            self.c.add("S202", node.line, node.column, key=key, expected=N_("a list"),
                       found=_KIND_NAMES[node.kind],
                       example=N_("write each entry of '{key}' on a line starting with '- '"))
            return []
        items: list[Node] = node.value
        return items

    def scalar(self, node: Node | None, key: str, expected: str = _SINGLE) -> str | None:
        if node is None or node.is_null:
            return None
        if node.kind != SCALAR:
            self.c.add("S202", node.line, node.column, key=key, expected=expected,
                       found=_KIND_NAMES[node.kind], example=N_("write '{key}: value' on one line"))
            return None
        value: str = node.value
        return value

    def string(self, node: Node | None, key: str) -> str:
        return self.scalar(node, key, N_("text")) or ""

    def id_value(self, node: Node | None, key: str) -> str:
        value = self.scalar(node, key, N_("an id"))
        if value is None:
            return ""
        if not ID_RE.fullmatch(value):
            self.c.add("S204", node.line, node.column, key, value=value)  # type: ignore[union-attr]
        return value

    def boolean(self, node: Node | None, key: str) -> bool | None:
        value = self.scalar(node, key, N_("true or false"))
        if value is None:
            return None
        if node.plain and value in _TRUE:  # type: ignore[union-attr]
            return True
        if node.plain and value in _FALSE:  # type: ignore[union-attr]
            return False
        self.c.add("S202", node.line, node.column, key=key, expected=N_("true or false"),  # type: ignore[union-attr]
                   found=repr(value), example=N_("write '{key}: true' or '{key}: false'"))
        return None

    def integer(self, node: Node | None, key: str) -> int | None:
        value = self.scalar(node, key, N_("a whole number"))
        if value is None:
            return None
        if not re.fullmatch(r"\d{1,9}", value):
            self.c.add("S202", node.line, node.column, key=key, expected=N_("a whole number"),  # type: ignore[union-attr]
                       found=repr(value), example=N_("{key}: 10"))
            return None
        return int(value)

    def bound(self, node: Node | None, key: str, qtype: str) -> Decimal | str | None:
        value = self.scalar(node, key, N_("a number or a date"))
        if value is None:
            return None
        if qtype == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                self.c.add("S202", node.line, node.column, key=key, expected=N_("a date"),  # type: ignore[union-attr]
                           found=repr(value), example=N_("{key}: '2003-10-31'"))
                return None
            return value
        try:
            return Decimal(value)
        except InvalidOperation:
            self.c.add("S202", node.line, node.column, key=key, expected=N_("a number"),  # type: ignore[union-attr]
                       found=repr(value), example=N_("{key}: 10"))
            return None

    def strings(self, node: Node | None, key: str) -> list[tuple[str, Node]]:
        out = []
        for item in self.seq(node, key):
            value = self.scalar(item, key, N_("text"))
            if value is not None:
                out.append((value, item))
        return out

    def text(self, node: Node | None, path: str, required: bool = False) -> Text:
        """A plain string (the default language) or a ``{language: text}`` mapping."""
        if node is None or node.is_null:
            return EMPTY
        if node.kind == SCALAR:
            text = Text({self.default_language: node.value})
            if not node.value.strip():
                self.c.add("T501", node.line, node.column, path, lang=self.default_language)
        elif node.kind == MAP:
            texts = {}
            for lang, value in node.value.items():
                key_node = node.keys[lang]  # type: ignore[index]
                if lang not in self.languages:
                    self.c.add("S216", key_node.line, key_node.column, _join(path, lang), lang=lang,
                               allowed=", ".join(self.languages))
                    continue
                string = self.scalar(value, lang, N_("text"))
                if string is None or not string.strip():
                    self.c.add("T501", value.line, value.column, _join(path, lang), lang=lang)
                    continue
                texts[lang] = string
            text = Text(texts)
        else:
            self.c.add("S202", node.line, node.column, path, key=path.rsplit(".", 1)[-1],
                       expected=N_("text or a {{language: text}} mapping"), found=N_("a list"),
                       example=N_("label: {{en: Name, fr: Nom}}"))
            return EMPTY
        key = (node.line, node.column, tuple(text.items()))
        shared = self._texts.get(key)
        if shared is not None:  # a template text: one object for all instances, counted once
            return shared
        self._texts[key] = text
        self.doc.texts.append(TextSlot(text, Where(node.line, node.column, path)))
        return text

    # -- questionnaire settings -----------------------------------------------------------------
    def language_settings(self, root: Node, values: dict[str, Node]) -> None:
        langs = []
        for lang, node in self.strings(values.get("languages"), "languages"):
            if not LANG_RE.fullmatch(lang):
                self.c.add("S203", node.line, node.column, "languages", value=lang, key="languages",
                           allowed="language codes such as ar, en, es, fr, ru, zh")
            elif lang not in langs:
                langs.append(lang)
        self.languages = tuple(langs)
        default = self.scalar(values.get("default_language"), "default_language")
        if default is not None:
            if langs and default not in langs:
                node = values["default_language"]
                self.c.add("S216", node.line, node.column, "default_language", lang=default,
                           allowed=", ".join(langs))
            self.default_language = default
        fallback = []
        for lang, node in self.strings(values.get("fallback"), "fallback"):
            if lang not in langs:
                self.c.add("S216", node.line, node.column, "fallback", lang=lang, allowed=", ".join(langs))
            else:
                fallback.append(lang)
        meta = self.doc.meta
        meta["languages"] = self.languages
        meta["default_language"] = self.default_language
        meta["fallback"] = tuple(fallback) or (self.default_language,)

    # -- framework ----------------------------------------------------------------------------
    def framework(self, node: Node) -> Framework | None:
        if self.mapping(node, "framework") is None:
            return None
        self.doc.framework_where = Where(node.line, node.column, "framework")
        values = self.keys(node, "framework", N_("the framework"), "framework")
        levels: list[Level] = []
        seen_levels: dict[str, Node] = {}
        for index, level_node in enumerate(self.seq(values.get("levels"), "levels")):
            path = f"framework.levels[{index}]"
            if self.mapping(level_node, "levels") is None:
                continue
            lv = self.keys(level_node, "level", N_("a level"), path)
            code = self.string(lv.get("code"), "code")
            if code in seen_levels:
                self.c.add("S212", level_node.line, level_node.column, path, code=code,
                           first_line=seen_levels[code].line)
                continue
            seen_levels[code] = level_node
            gaps = self.boolean(lv.get("gaps"), "gaps")
            levels.append(Level(code, self.text(lv.get("label"), f"{path}.label"), gaps is not False))
        chapters: list[Chapter] = []
        articles: dict[str, Article] = {}
        provisions: dict[str, Provision] = {}
        for ci, chapter_node in enumerate(self.seq(values.get("chapters"), "chapters")):
            cpath = f"framework.chapters[{ci}]"
            if self.mapping(chapter_node, "chapters") is None:
                continue
            ch = self.keys(chapter_node, "chapter", N_("a chapter"), cpath)
            chapter_id = self.string(ch.get("id"), "id")
            article_ids = []
            for ai, article_node in enumerate(self.seq(ch.get("articles"), "articles")):
                article = self.article(article_node, f"{cpath}.articles[{ai}]", chapter_id, seen_levels,
                                       articles, provisions)
                if article is not None:
                    article_ids.append(article.id)
            chapters.append(Chapter(chapter_id, self.text(ch.get("title"), f"{cpath}.title"),
                                    tuple(article_ids)))
        for article in articles.values():
            for other in article.see_also:
                if other not in articles:
                    self.c.add("R300", article.where.line, article.where.column, article.where.path,
                               id=other, suggestion=suggest(other, articles))
        return Framework(self.string(values.get("id"), "id"), self.text(values.get("title"), "framework.title"),
                         tuple(levels), tuple(chapters), articles, provisions)

    def article(self, node: Node, path: str, chapter_id: str, levels: dict[str, Node],
                articles: dict[str, Article], provisions: dict[str, Provision]) -> Article | None:
        if self.mapping(node, "articles") is None:
            return None
        ar = self.keys(node, "article", N_("an article"), path)
        article_id = self.string(ar.get("id"), "id")
        if article_id in articles or article_id in provisions:
            self.c.add("S205", node.line, node.column, path, id=article_id,
                       first_line=(articles.get(article_id) or provisions[article_id]).where.line)
            return None
        own: list[str] = []
        for pi, prov_node in enumerate(self.seq(ar.get("provisions"), "provisions")):
            ppath = f"{path}.provisions[{pi}]"
            if self.mapping(prov_node, "provisions") is None:
                continue
            pv = self.keys(prov_node, "provision", N_("a provision"), ppath)
            prov_id = self.string(pv.get("id"), "id")
            if prov_id in provisions or (prov_id in articles and prov_id != article_id):
                first = (provisions.get(prov_id) or articles[prov_id]).where.line
                self.c.add("S205", prov_node.line, prov_node.column, ppath, id=prov_id, first_line=first)
                continue
            level = self.string(pv.get("level"), "level")
            if level and level not in levels:
                lnode = pv["level"]
                self.c.add("R303", lnode.line, lnode.column, f"{ppath}.level", level=level,
                           allowed=", ".join(levels))
            provisions[prov_id] = Provision(
                prov_id, article_id, chapter_id, level, self.text(pv.get("summary"), f"{ppath}.summary"),
                self.text(pv.get("title"), f"{ppath}.title"), Where(prov_node.line, prov_node.column, ppath))
            own.append(prov_id)
        see_also = tuple(value for value, _ in self.strings(ar.get("see_also"), "see_also"))
        article = Article(article_id, chapter_id, self.text(ar.get("title"), f"{path}.title"), tuple(own),
                          see_also, Where(node.line, node.column, path),
                          self.text(ar.get("guidance"), f"{path}.guidance"))
        articles[article_id] = article
        return article

    # -- choice lists ---------------------------------------------------------------------------
    def choice_lists(self, node: Node) -> None:
        if self.mapping(node, "choice_lists") is None:
            return
        for name, list_node in node.value.items():
            key_node = node.keys[name]  # type: ignore[index]
            if not ID_RE.fullmatch(name):
                self.c.add("S204", key_node.line, key_node.column, f"choice_lists.{name}", value=name)
            self.doc.choice_lists[name] = self.choice_list(list_node, name, f"choice_lists.{name}")

    def choice_list(self, node: Node, name: str, path: str) -> ChoiceList:
        choices: list[Choice] = []
        seen: dict[str, Node] = {}
        entries = self.seq(node, path.rsplit(".", 1)[-1])
        if node.kind == SEQ and not entries:
            self.c.add("S215", node.line, node.column, path, key=path)
        for index, entry in enumerate(entries):
            cpath = f"{path}[{index}]"
            if self.mapping(entry, "choices") is None:
                continue
            values = self.keys(entry, "choice", N_("a choice"), cpath)
            code = self.string(values.get("code"), "code")
            if code in seen:
                self.c.add("S212", entry.line, entry.column, cpath, code=code, first_line=seen[code].line)
                continue
            seen[code] = entry
            other = self.boolean(values.get("other"), "other") or False
            choices.append(Choice(code, self.text(values.get("label"), f"{cpath}.label"), other))
        return ChoiceList(name, tuple(choices))

    def framework_choices(self, node: Node, path: str) -> ChoiceList | None:
        values = node.value
        what = self.scalar(values.get("framework"), "framework")
        if set(values) != {"framework"} or what not in ("articles", "provisions"):
            self.c.add("S203", node.line, node.column, path, value=str(what or sorted(values)),
                       key="choices: {framework: ...}", allowed="articles, provisions")
            return None
        framework = self.doc.framework
        if framework is None:
            self.c.add("R301", node.line, node.column, path)
            return None
        choices = []
        if what == "articles":
            for article in framework.articles.values():
                choices.append(Choice(article.id, _prefixed(article.id, article.title)))
        else:
            for provision in framework.provisions.values():
                choices.append(Choice(provision.id, _prefixed(provision.id, provision.summary)))
        return ChoiceList(f"framework.{what}", tuple(choices))

    # -- templates ------------------------------------------------------------------------------
    def collect_templates(self, node: Node) -> None:
        if self.mapping(node, "templates") is None:
            return
        for name, template in node.value.items():
            key_node = node.keys[name]  # type: ignore[index]
            if not ID_RE.fullmatch(name):
                self.c.add("S204", key_node.line, key_node.column, f"templates.{name}", value=name)
            if self.mapping(template, name) is not None:
                self.keys(template, "template", N_("a template"), f"templates.{name}")
                self.check_defaults(template, name)
                self.templates[name] = template

    def check_defaults(self, template: Node, name: str) -> None:
        """Defaults must be single values of declared parameters."""
        defaults = template.value.get("defaults")
        if defaults is None or self.mapping(defaults, "defaults") is None:
            return
        declared = [value for value, _ in self.strings(template.value.get("parameters"), "parameters")]
        for key, value in defaults.value.items():
            self.scalar(value, key, N_("text"))
            if key not in declared:
                key_node = defaults.keys[key]  # type: ignore[index]
                self.c.add("S211", key_node.line, key_node.column, f"templates.{name}.defaults.{key}", name=name,
                           problem=N_("unknown parameter '{param}'"), param=key, declared=", ".join(declared) or "-")

    def instance(self, node: Node, path: str, prefix: str, scope: dict[str, str], depth: int,
                 chain: tuple[str, ...]) -> Draft | None:
        values = self.keys(node, "use", N_("a template use"), path)
        name = self.string(values.get("use"), "use")
        template = self.templates.get(name)
        if template is None:
            where = values.get("use", node)
            self.c.add("S209", where.line, where.column, f"{path}.use", name=name,
                       suggestion=suggest(name, self.templates))
            return None
        if name in chain or depth > MAX_TEMPLATE_DEPTH:
            self.c.add("S210", node.line, node.column, path, name=name, chain=" -> ".join(chain + (name,)))
            return None
        args = self.template_args(values.get("with"), template, name, path, {})
        if args is None:
            return None
        body = _substitute(template, args, node) if args else template
        merged: dict[str, Node] = {k: v for k, v in body.value.items() if k in NODES["group"]}
        for key in ("title", "description", "show_if", "provisions"):
            if key in values:
                merged[key] = values[key]
        merged["id"] = values.get("id", node)
        group_node = Node(MAP, merged, node.line, node.column, keys={k: node for k in merged})
        extra = values.get("items")
        return self.container(group_node, "group", path, prefix, scope, depth + 1,
                              template=name, chain=chain + (name,), extra=extra, checked=True, args=args)

    def template_args(self, node: Node | None, template: Node, name: str, path: str,
                      inherited: dict[str, str]) -> dict[str, str] | None:
        """The values of a template's parameters: given in ``with:``, else ``inherited`` (an include
        sees those of the instance it is written into), else the template's ``defaults``."""
        declared = [value for value, _ in self.strings(template.value.get("parameters"), "parameters")]
        given: dict[str, str] = {**_quiet_args(template.value.get("defaults")), **inherited}
        if node is not None and self.mapping(node, "with") is not None:
            for key, value in node.value.items():
                text = self.scalar(value, key, N_("text"))
                if key not in declared:
                    key_node = node.keys[key]  # type: ignore[index]
                    self.c.add("S211", key_node.line, key_node.column, f"{path}.with.{key}", name=name,
                               problem=N_("unknown parameter '{param}'"), param=key,
                               declared=", ".join(declared) or "-")
                    return None
                given[key] = text or ""
        missing = [param for param in declared if param not in given]
        if missing:
            where = node or template
            self.c.add("S211", where.line, where.column, f"{path}.with", name=name,
                       problem=N_("missing value for '{param}'"), param=missing[0],
                       declared=", ".join(declared))
            return None
        return given

    # -- sections, groups, questions --------------------------------------------------------------
    def item(self, node: Node, path: str, prefix: str, scope: dict[str, str], depth: int,
             chain: tuple[str, ...], args: dict[str, str]) -> Draft | None:
        if self.mapping(node, "items") is None:
            return None
        if "use" in node.value:
            return self.instance(node, path, prefix, scope, depth, chain)
        if "type" in node.value:
            return self.question(node, path, prefix, scope, template=chain[-1] if chain else None)
        if "items" in node.value:
            return self.container(node, "group", path, prefix, scope, depth, chain=chain, args=args)
        self.c.add("S213", node.line, node.column, path)
        return None

    def container(self, node: Node, kind: str, path: str, prefix: str, scope: dict[str, str], depth: int,
                  template: str | None = None, chain: tuple[str, ...] = (), extra: Node | None = None,
                  checked: bool = False, args: dict[str, str] | None = None) -> Draft | None:
        """A section or group; ``args``: the parameters of the template instance it is in, if any."""
        args = args or {}
        if self.mapping(node, kind + "s") is None:
            return None
        values = node.value if checked else self.keys(node, kind, _KIND_WHERE[kind], path)
        local = self.id_value(values.get("id"), "id")
        draft = Draft(kind, prefix + local, Where(node.line, node.column, path))
        if template is not None:  # a template instance opens a scope for its local ids
            prefix = draft.id + "."
            scope = dict(scope)
        draft.scope = scope
        self.register(draft, values.get("id", node))
        fields = draft.fields
        fields["title"] = self.text(values.get("title"), f"{path}.title")
        fields["description"] = self.text(values.get("description"), f"{path}.description")
        fields["provisions"] = self.provisions(values.get("provisions"), f"{path}.provisions")
        fields["template"] = template
        self.condition(draft, values, "show_if", path)
        items = list(self.seq(values.get("items"), "items"))
        extras = self.seq(extra, "items") if extra is not None else []
        entries = self.spliced([(child, f"{path}.items[{index}]") for index, child in enumerate(items + extras)],
                               args)
        if template is not None:
            self.declare([child for child, _ in entries], prefix, scope, args)
        for child, cpath in entries:
            sub = self.item(child, cpath, prefix, scope, depth, chain, args)
            if sub is not None:
                draft.children.append(sub)
        if not draft.children and (items or extras or "items" in values):
            self.c.add("S217", node.line, node.column, path, where=_KIND_WHERE[kind], id=draft.id)
        return draft

    # -- include: a template's items written in place ------------------------------------------------
    def spliced(self, entries: list[tuple[Node, str]], args: dict[str, str], chain: tuple[str, ...] = (),
                report: bool = True) -> list[tuple[Node, str]]:
        """``entries`` (item, path) with every ``include:`` replaced by the items it names, recursively."""
        out: list[tuple[Node, str]] = []
        for node, path in entries:
            if node.kind != MAP or "include" not in node.value:
                out.append((node, path))
                continue
            found = self.included(node, path, args, chain, report)
            if found is not None:
                name, items, inner_args = found
                inner = [(item, f"templates.{name}.items[{index}]") for index, item in enumerate(items)]
                out.extend(self.spliced(inner, inner_args, chain + (name,), report))
        return out

    def included(self, node: Node, path: str, args: dict[str, str], chain: tuple[str, ...],
                 report: bool) -> tuple[str, list[Node], dict[str, str]] | None:
        """The name, the (substituted) items and the parameters of the template an ``include:`` names."""
        add = self.c.add if report else (lambda *args, **kwargs: None)
        if report:
            values = self.keys(node, "include", N_("an inclusion"), path)
            name = self.scalar(values.get("include"), "include") or ""
        else:
            values = node.value
            name = values["include"].value if values["include"].kind == SCALAR else ""
        template = self.templates.get(name)
        where = values.get("include", node)
        if template is None:
            add("S209", where.line, where.column, f"{path}.include", name=name,
                suggestion=suggest(name, self.templates))
            return None
        if name in chain or len(chain) > MAX_TEMPLATE_DEPTH:
            add("S210", where.line, where.column, path, name=name, chain=" -> ".join(chain + (name,)))
            return None
        if report:
            for key in template.value:
                if key not in ("parameters", "defaults", "items"):
                    key_node = template.keys[key]  # type: ignore[index]
                    add("S222", key_node.line, key_node.column, f"templates.{name}.{key}", name=name, key=key)
            own = self.template_args(values.get("with"), template, name, path, args)
        else:
            own = {**_quiet_args(template.value.get("defaults")), **args, **_quiet_args(values.get("with"))}
        if own is None:
            return None
        body = _substitute(template, own, node) if own else template
        items = body.value.get("items")
        return name, list(items.value) if items is not None and items.kind == SEQ else [], own

    def declare(self, items: list[Node], prefix: str, scope: dict[str, str], args: dict[str, str]) -> None:
        """Map every id written in a template instance (and the groups in it) to its id there."""
        for node in items:
            if node.kind != MAP:
                continue
            id_node = node.value.get("id")
            if id_node is not None and id_node.kind == SCALAR:
                scope[id_node.value] = prefix + id_node.value
                if "type" not in node.value:  # a nested group or template use: its ids stay under it
                    sub = node.value.get("items")
                    if sub is not None and sub.kind == SEQ and "use" not in node.value:
                        inner = self.spliced([(item, "") for item in sub.value], args, report=False)
                        self.declare([item for item, _ in inner], prefix, scope, args)

    def register(self, draft: Draft, id_node: Node) -> None:
        first = self.doc.ids.get(draft.id)
        if first is not None:
            self.c.add("S205", id_node.line, id_node.column, draft.where.path, id=draft.id,
                       first_line=first.where.line)
            return
        if draft.id:
            self.doc.ids[draft.id] = draft
        self.doc.order.append(draft)

    def provisions(self, node: Node | None, path: str) -> tuple[str, ...]:
        out = []
        for value, item in self.strings(node, "provisions"):
            out.append(value)
            self.doc.provision_refs.append((value, Where(item.line, item.column, path)))
        return tuple(out)

    def condition(self, draft: Draft, values: dict[str, Node], key: str, path: str) -> None:
        node = values.get(key)
        text = self.scalar(node, key, N_("a condition"))
        if text is not None:
            draft.conditions[key] = RawCondition(text, node, f"{path}.{key}", key, draft.scope)  # type: ignore[arg-type]

    def question(self, node: Node, path: str, prefix: str, scope: dict[str, str],
                 column_of: str | None = None, template: str | None = None) -> Draft | None:
        type_node = node.value.get("type")
        qtype = self.scalar(type_node, "type") or ""
        kind = TYPES.get(qtype)
        spec_name = "column" if column_of else "question"
        if kind is None or (column_of and not kind.in_tables):
            allowed = sorted(t for t, k in TYPES.items() if k.in_tables or not column_of)
            where = type_node or node
            self.c.add("S206", where.line, where.column, f"{path}.type", type=qtype,
                       suggestion=suggest(qtype, allowed), allowed=", ".join(allowed))
            allowed_keys = NODES[spec_name]
        else:
            from .types import COMMON_KEYS

            allowed_keys = {name: key for name, key in NODES[spec_name].items()
                            if name in COMMON_KEYS or name in kind.keys}
        values = self.keys(node, "question", N_("a question"), path, allowed_keys)
        local = self.id_value(values.get("id"), "id")
        draft = Draft("question", prefix + local if not column_of else local, Where(node.line, node.column, path))
        draft.scope = scope
        if not column_of:
            self.register(draft, values.get("id", node))
        f = draft.fields
        f["type"] = qtype
        f["local_id"] = local
        if template is not None:
            f["template"] = template
        for key in ("label", "hint", "guidance", "required_message", "other_label", "pattern_message", "placeholder"):
            f[key] = self.text(values.get(key), f"{path}.{key}")
        f["provisions"] = self.provisions(values.get("provisions"), f"{path}.provisions")
        if "role" in values:
            f["role"] = self.role(values["role"], qtype, path)
        self.required(draft, values, path)
        self.condition(draft, values, "show_if", path)
        for index, cnode in enumerate(self.seq(values.get("constraints"), "constraints")):
            cpath = f"{path}.constraints[{index}]"
            if self.mapping(cnode, "constraints") is None:
                continue
            cv = self.keys(cnode, "constraint", N_("a constraint"), cpath)
            rule = self.scalar(cv.get("rule"), "rule", N_("a condition"))
            if rule is not None:
                raw = RawCondition(rule, cv["rule"], f"{cpath}.rule", "constraint", scope)
                draft.constraints.append((raw, self.text(cv.get("message"), f"{cpath}.message")))
        self.type_options(draft, values, path, qtype)
        return draft

    def role(self, node: Node, qtype: str, path: str) -> str | None:
        """A role from the fixed vocabulary (:mod:`engine.roles`), on a question of a type it fits."""
        name = self.scalar(node, "role")
        if name is None:
            return None
        role = ROLES.get(name)
        if role is None:
            near = suggest(name, ROLES)
            self.c.add("S218", node.line, node.column, f"{path}.role", role=name,
                       allowed=", ".join(([near] if near else []) + sorted(set(ROLES) - {near})))
            return None
        if qtype in TYPES and qtype not in role.types:
            self.c.add("S219", node.line, node.column, f"{path}.role", role=name, type=qtype,
                       allowed=", ".join(sorted(role.types)))
            return None
        return name

    def required(self, draft: Draft, values: dict[str, Node], path: str) -> None:
        node = values.get("required")
        draft.fields["required"] = False
        if node is None or node.is_null:
            return
        if node.kind == SCALAR and (node.value in _TRUE or node.value in _FALSE):  # quoted too: a template's
            draft.fields["required"] = node.value in _TRUE  # "{needed}" given "true" or "false" is no condition
            return
        if node.kind == SCALAR and node.plain and node.value in ("yes", "no", "Yes", "No", "on", "off"):
            self.c.add("S202", node.line, node.column, f"{path}.required", key="required",
                       expected=N_("true, false or a condition"), found=repr(node.value),
                       example=N_("required: true"))
            return
        self.condition(draft, values, "required", path)

    def type_options(self, draft: Draft, values: dict[str, Node], path: str, qtype: str) -> None:
        f = draft.fields
        for key in ("integer",):
            if key in values:
                f[key] = bool(self.boolean(values[key], key))
        for key in ("min_length", "max_length", "rows", "min_rows", "max_rows", "max_files"):
            if key in values:
                f[key] = self.integer(values[key], key)
        for low, high in (("min", "max"),):
            for key in (low, high):
                if key in values:
                    f[key] = self.bound(values[key], key, qtype)
            if f.get(low) is not None and f.get(high) is not None and f[low] > f[high]:
                node = values[low]
                self.c.add("S208", node.line, node.column, f"{path}.{low}", low_key=low, high_key=high,
                           low=f[low], high=f[high])
        for low, high in (("min_length", "max_length"), ("min_rows", "max_rows")):
            if f.get(low) is not None and f.get(high) is not None and f[low] > f[high]:
                node = values[low]
                self.c.add("S208", node.line, node.column, f"{path}.{low}", low_key=low, high_key=high,
                           low=f[low], high=f[high])
        if "pattern" in values:
            pattern = self.string(values["pattern"], "pattern")
            try:
                re.compile(pattern)
                f["pattern"] = pattern
            except re.error as exc:
                node = values["pattern"]
                self.c.add("S214", node.line, node.column, f"{path}.pattern", problem=str(exc))
        if "appearance" in values:
            appearance = self.string(values["appearance"], "appearance")
            allowed = ("radio", "dropdown", "checkboxes")
            if appearance not in allowed:
                node = values["appearance"]
                self.c.add("S203", node.line, node.column, f"{path}.appearance", value=appearance,
                           key="appearance", allowed=", ".join(allowed))
            f["appearance"] = appearance
        if qtype in ("single_choice", "multiple_choice"):
            f["choices"] = self.question_choices(values, draft, path)
        if qtype == "file":
            self.file_options(f, values, path)
        if qtype == "table":
            self.table_columns(draft, values, path)

    def file_options(self, f: dict[str, Any], values: dict[str, Node], path: str) -> None:
        """``accept`` (known file kinds) and ``max_size`` ('20 MB', '500 KB' or bytes)."""
        kinds = []
        for kind, where in self.strings(values.get("accept"), "accept"):
            kind = kind.lower().lstrip(".")
            if kind not in FILE_KINDS:
                self.c.add("S203", where.line, where.column, f"{path}.accept", value=kind, key="accept",
                           allowed=", ".join(FILE_KINDS))
            elif kind not in kinds:
                kinds.append(kind)
        f["accept"] = tuple(kinds)
        node = values.get("max_size")
        if node is None:
            return
        size = self.scalar(node, "max_size", N_("a size"))
        match = re.fullmatch(r"\s*(\d{1,9})\s*(B|KB|MB)?\s*", size or "", re.IGNORECASE)
        if match is None or int(match[1]) == 0:
            self.c.add("S202", node.line, node.column, f"{path}.max_size", key="max_size", expected=N_("a size"),
                       found=repr(size), example=N_("{key}: 20 MB"))
            return
        factor = {"": 1, "B": 1, "KB": 1024, "MB": 1024 * 1024}[(match[2] or "").upper()]
        f["max_size"] = int(match[1]) * factor

    def question_choices(self, values: dict[str, Node], draft: Draft, path: str) -> ChoiceList | None:
        node = values.get("choices")
        if node is None:
            self.c.add("S201", draft.where.line, draft.where.column, path, key="choices", where=N_("a choice question"))
            return None
        if node.kind == SCALAR:
            found = self.doc.choice_lists.get(node.value)
            if found is None:
                self.c.add("S207", node.line, node.column, f"{path}.choices", name=node.value,
                           allowed=", ".join(sorted(self.doc.choice_lists)) or "none declared")
            return found
        if node.kind == MAP:
            return self.framework_choices(node, f"{path}.choices")
        return self.choice_list(node, draft.id, f"{path}.choices")

    def table_columns(self, draft: Draft, values: dict[str, Node], path: str) -> None:
        columns = self.seq(values.get("columns"), "columns")
        if not columns:
            self.c.add("S201", draft.where.line, draft.where.column, path, key="columns", where=N_("a table question"))
        seen: dict[str, Draft] = {}
        for index, cnode in enumerate(columns):
            cpath = f"{path}.columns[{index}]"
            if self.mapping(cnode, "columns") is None:
                continue
            column = self.question(cnode, cpath, "", {}, column_of=draft.id)
            if column is None:
                continue
            if column.id in seen:
                self.c.add("S205", cnode.line, cnode.column, cpath, id=column.id,
                           first_line=seen[column.id].where.line)
                continue
            if "required" in column.conditions:
                raw = column.conditions.pop("required")
                self.c.add("S202", raw.node.line, raw.node.column, raw.path, key="required",
                           expected=N_("true or false in a table column"), found=N_("a condition"),
                           example=N_("required: true"))
            seen[column.id] = column
            draft.columns.append(column)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _prefixed(ref: str, text: Text) -> Text:
    return Text({lang: f"{ref}. {value}" for lang, value in text.items()})


def _quiet_args(node: Node | None) -> dict[str, str]:
    """Parameter values as written (their mistakes are reported where the items are read)."""
    if node is None or node.kind != MAP:
        return {}
    return {key: str(value.value) for key, value in node.value.items() if value.kind == SCALAR}


def _substitute(node: Node, args: dict[str, str], at: Node) -> Node:
    """A copy of a template body with ``{param}`` replaced in every text.

    A text that changed is placed at the instance (``at``): a wrong value comes from there."""
    if node.kind == SCALAR:
        value = node.value
        if "{" in value:
            for name, arg in args.items():
                value = value.replace("{" + name + "}", arg)
            if value != node.value:
                return Node(SCALAR, value, at.line, at.column, node.plain)
        return node
    if node.kind == SEQ:
        return Node(SEQ, [_substitute(item, args, at) for item in node.value], node.line, node.column)
    return Node(MAP, {key: _substitute(value, args, at) for key, value in node.value.items()},
                node.line, node.column, keys=node.keys)
