"""Conditions in words, for the printed blank questionnaire ("Answer if you answered ... to ...")."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

import engine
from engine.expr import nodes as n
from engine.model import Question

from ..content import choice_label, text


def condition_text(q: engine.Questionnaire, question: Question) -> str:
    condition = question.show_if
    if condition is None or condition.tree is None:
        return ""
    tree = condition.tree
    scope = condition.scope

    def target(ref: n.Node) -> Question | None:
        if not isinstance(ref, n.Ref):
            return None
        item = q.index.items.get(scope.get(ref.name, ref.name))
        return item if isinstance(item, Question) else None

    def quoted(other: Question, codes: Sequence[object]) -> str:
        words = []
        for code in codes:
            if other.type == "yes_no":
                words.append(_("Yes") if code is True else _("No"))
            else:
                words.append(choice_label(q, other, str(code)))
        return _(" or ").join(_("“%(value)s”", value=word) for word in words)  # quotation marks of the language

    def label(other: Question) -> str:
        return text(q, other.label).text

    if isinstance(tree, n.In) and not tree.negate and (other := target(tree.left)):
        return _("Answer if you answered %(values)s to “%(question)s”.",
                 values=quoted(other, [item.value for item in tree.items.items]), question=label(other))
    if isinstance(tree, n.Compare) and tree.op == "=" and isinstance(tree.right, n.Literal) \
            and (other := target(tree.left)):
        return _("Answer if you answered %(values)s to “%(question)s”.",
                 values=quoted(other, [tree.right.value]), question=label(other))
    if isinstance(tree, n.Call) and tree.name in ("selected", "any_selected") and (other := target(tree.args[0])):
        codes = [arg.value for arg in tree.args[1:] if isinstance(arg, n.Literal)]
        return _("Answer if you selected %(values)s in “%(question)s”.", values=quoted(other, codes),
                 question=label(other))
    if isinstance(tree, n.Call) and tree.name == "answered" and (other := target(tree.args[0])):
        return _("Answer if you answered “%(question)s”.", question=label(other))
    return _("Answer only in some cases (the online form shows this question when it applies).")
