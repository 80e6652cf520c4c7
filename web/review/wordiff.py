"""What changed in a long text, word by word (difflib over words), for the history of an answer.

:func:`word_diff` gives the old text and the new one as runs of ``(kind, text)``: ``same``, ``del``
(only in the old text) and ``ins`` (only in the new one). The template writes them as ``<del>`` and
``<ins>``, autoescaped: the texts are what people typed, never markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

#: A word with the spaces after it; spaces at the start stand alone (so that every character is kept).
TOKENS = re.compile(r"\S+\s*|\s+")
#: Texts from this length up (in either version) are shown as a diff; shorter ones read whole.
LONG_FROM = 80
#: Beyond this many words on either side, a diff is not computed (it is shown whole).
MAX_WORDS = 20_000

Run = tuple[str, str]


@dataclass(frozen=True)
class WordDiff:
    old: list[Run]
    new: list[Run]

    @property
    def changed(self) -> int:
        """How many runs were deleted or inserted."""
        return sum(1 for kind, _text in self.old + self.new if kind != "same")


def _merge(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for kind, text in runs:
        if merged and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + text)
        elif text:
            merged.append((kind, text))
    return merged


def word_diff(old: str, new: str) -> WordDiff:
    """The old and new text as runs of unchanged, deleted and inserted words."""
    before, after = TOKENS.findall(old), TOKENS.findall(new)
    matcher = SequenceMatcher(None, [t.strip() for t in before], [t.strip() for t in after], autojunk=False)
    old_runs: list[Run] = []
    new_runs: list[Run] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            old_runs.append(("same", "".join(before[i1:i2])))
            new_runs.append(("same", "".join(after[j1:j2])))
            continue
        if i2 > i1:
            old_runs += _changed("del", "".join(before[i1:i2]))
        if j2 > j1:
            new_runs += _changed("ins", "".join(after[j1:j2]))
    return WordDiff(_merge(old_runs), _merge(new_runs))


def _changed(kind: str, text: str) -> list[Run]:
    """Changed words, and the spaces after them unmarked (a marked space reads as a changed word)."""
    words = text.rstrip()
    return [(kind, words), ("same", text[len(words):])]


def worth_a_diff(old: str, new: str) -> bool:
    """Both texts exist, one is long, and neither is too long to compare."""
    if not old or not new or max(len(old), len(new)) < LONG_FROM:
        return False
    return len(TOKENS.findall(old)) <= MAX_WORDS and len(TOKENS.findall(new)) <= MAX_WORDS
