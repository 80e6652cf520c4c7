"""Tables that share what did not change: how :meth:`engine.Evaluation.update` costs in proportion
to what depends on the changed answers, not to the size of the questionnaire.

A full evaluation fills plain dicts and sets. An update must leave the old evaluation as it was,
so it cannot change those in place, and copying them costs time in proportion to the questionnaire
(hundreds of microseconds at 8,000 questions). Instead, the new evaluation's tables are
:class:`Layered`: the full evaluation's table as it is (never changed again) under the changes
made since, kept in a persistent map (a hash array mapped trie, from the ``immutables`` library),
where adding a change costs O(log n) and leaves the previous map as it was. An update of an update
adds to the same layer; there is never more than one.

While an update runs, :class:`Staged` and :class:`StagedSet` collect its changes over the old
tables (conditions read through them); :meth:`Staged.freeze` then makes the new layer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping, MutableSet
from collections.abc import Set as AbstractSet
from typing import Any, Generic, TypeVar

import immutables

V = TypeVar("V")

_ABSENT: Any = object()  # not in the changes: read the table below
_GONE: Any = object()  # removed by a change


class ReadByGet(Generic[V]):
    """``table[key]`` and ``key in table`` for a read-only table whose ``get`` does the reading."""

    __slots__ = ()

    def get(self, key: str, default: Any = None) -> Any:
        raise NotImplementedError

    def __getitem__(self, key: str) -> V:
        value = self.get(key, _ABSENT)
        if value is _ABSENT:
            raise KeyError(key)
        return value  # type: ignore[no-any-return]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key, _ABSENT) is not _ABSENT


class _Overlay(ReadByGet[V]):
    """Reading a table through its changes (a value, or :data:`_GONE` for a removal) to the base below."""

    __slots__ = ()
    _base: Mapping[str, V]
    _changes: Mapping[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        value = self._changes.get(key, _ABSENT)
        if value is _ABSENT:
            return self._base.get(key, default)
        return default if value is _GONE else value


class Layered(_Overlay[V], Mapping[str, V]):
    """A read-only mapping: a base table (never changed) with changes on top."""

    __slots__ = ("_base", "_changes", "_size")

    def __init__(self, base: Mapping[str, V], changes: immutables.Map[str, Any] | None = None):
        self._base = base
        self._changes: immutables.Map[str, Any] = changes if changes is not None else immutables.Map()
        self._size: int | None = None  # counted when first asked: the base may load lazily


    def __iter__(self) -> Iterator[str]:
        changes = self._changes
        for key in self._base:
            if key not in changes:
                yield key
        for key, value in changes.items():
            if value is not _GONE:
                yield key

    def __len__(self) -> int:
        if self._size is None:  # counted when first asked: O(changes) over the base's own size
            base = self._base
            self._size = len(base) + sum((value is not _GONE) - (key in base) for key, value in self._changes.items())
        return self._size

    def __repr__(self) -> str:
        return f"Layered({dict(self)!r})"

    @property
    def base(self) -> Mapping[str, V]:
        """The table under the changes."""
        return self._base

    def changed_keys(self) -> list[str]:
        """The keys changed (or removed) over the base table."""
        return list(self._changes.keys())

    def changed(self, changes: Mapping[str, Any]) -> Layered[V]:
        """A new mapping with ``changes`` (key -> value, or :data:`_GONE` to remove) on top."""
        return Layered(self._base, self._changes.update(changes))


class KeySet(AbstractSet[str]):
    """A read-only set: the keys of a mapping to ``True`` (a layered or a derived one)."""

    __slots__ = ("_members",)

    def __init__(self, members: Mapping[str, bool]):
        self._members = members

    def __contains__(self, key: object) -> bool:
        return key in self._members

    def __iter__(self) -> Iterator[str]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)


class LayeredSet(KeySet):
    """A read-only set: a base set (never changed) with additions and removals on top."""

    __slots__ = ()
    _members: Layered[bool]

    def __init__(self, members: Layered[bool]):
        super().__init__(members)

    def __repr__(self) -> str:
        return f"LayeredSet({set(self)!r})"


class Staged(_Overlay[V], MutableMapping[str, V]):
    """The changes one update makes to a table, read through to the table below."""

    __slots__ = ("_base", "_changes")

    def __init__(self, below: Mapping[str, V]):
        self._base = below
        self._changes: dict[str, Any] = {}

    def __setitem__(self, key: str, value: V) -> None:
        self._changes[key] = value

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._changes[key] = _GONE

    def pop(self, key: str, default: Any = _ABSENT) -> Any:
        value = self.get(key, _ABSENT)
        if value is _ABSENT:
            if default is _ABSENT:
                raise KeyError(key)
            return default
        self._changes[key] = _GONE
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self.freeze())

    def __len__(self) -> int:
        return len(self.freeze())

    def freeze(self) -> Mapping[str, V]:
        """The table with the changes: the table below itself when nothing changed."""
        if not self._changes:
            return self._base
        below = self._base if isinstance(self._base, Layered) else Layered(self._base)
        return below.changed(self._changes)


class StagedSet(MutableSet[str]):
    """The additions and removals one update makes to a set, read through to the set below."""

    __slots__ = ("below", "changes")

    def __init__(self, below: AbstractSet[str]):
        self.below = below
        self.changes: dict[str, Any] = {}

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        change = self.changes.get(key, _ABSENT)
        return key in self.below if change is _ABSENT else change is not _GONE

    def add(self, key: str) -> None:
        self.changes[key] = True

    def discard(self, key: str) -> None:
        if key in self.changes or key in self.below:
            self.changes[key] = _GONE

    def __iter__(self) -> Iterator[str]:
        return iter(self.freeze())

    def __len__(self) -> int:
        return len(self.freeze())

    def freeze(self) -> AbstractSet[str]:
        if not self.changes:
            return self.below
        if isinstance(self.below, LayeredSet):
            return LayeredSet(self.below._members.changed(self.changes))
        return LayeredSet(Layered(_Members(self.below)).changed(self.changes))


class _Members(Mapping[str, bool]):
    """A set seen as a mapping of its members to True (not copied)."""

    __slots__ = ("_set",)

    def __init__(self, members: AbstractSet[str]):
        self._set = members

    def get(self, key: str, default: Any = None) -> Any:
        return True if key in self._set else default

    def __getitem__(self, key: str) -> bool:
        if key not in self._set:
            raise KeyError(key)
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self._set)

    def __len__(self) -> int:
        return len(self._set)
