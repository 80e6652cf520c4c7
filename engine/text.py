"""Localized text: a piece of content in several languages, and the fallback rule."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

#: The six official languages of the United Nations, the default offer of a questionnaire.
UN_LANGUAGES: tuple[str, ...] = ("ar", "en", "es", "fr", "ru", "zh")

#: Right-to-left languages among those a questionnaire may declare.
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})


class Text(Mapping[str, str]):
    """An immutable ``{language: text}`` map (a plain string in YAML is the default language)."""

    __slots__ = ("_texts",)

    def __init__(self, texts: Mapping[str, str] | None = None):
        self._texts: dict[str, str] = dict(texts or {})

    def __getitem__(self, lang: str) -> str:
        return self._texts[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._texts.items())))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Text):
            return self._texts == other._texts
        return NotImplemented

    def __repr__(self) -> str:
        return f"Text({self._texts!r})"

    def resolve(self, lang: str, fallback: Iterable[str] = ()) -> Localized:
        """The text in ``lang``, else in the first fallback language that has it."""
        if lang in self._texts:
            return Localized(self._texts[lang], lang, False)
        for other in fallback:
            if other in self._texts:
                return Localized(self._texts[other], other, True)
        for other, value in self._texts.items():
            return Localized(value, other, True)
        return Localized("", lang, True)

    def replace(self, old: str, new: str) -> Text:
        return Text({lang: value.replace(old, new) for lang, value in self._texts.items()})


EMPTY = Text()


@dataclass(frozen=True, slots=True)
class Localized:
    """Text chosen for a reader: ``lang`` is the language it is in, ``is_fallback`` whether that
    differs from the language asked for (renderers show that discreetly): a text of the
    questionnaire through its fallback rule, or an answer written in another language."""

    text: str
    lang: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        """Whether there is something to show (a blank text is nothing)."""
        return bool(self.text.strip())
