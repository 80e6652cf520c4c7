"""The condition language: a small grammar of our own, parsed once and compiled to closures.

Stages, one module each: :mod:`.lexer` (text to tokens), :mod:`.parser` (tokens to the tree of
:mod:`.nodes`), :mod:`.typecheck` (static checks against the questionnaire), :mod:`.compiler` (tree to a
pure function over answers). Nothing here calls ``eval``; anything not in the grammar or the
function table is refused.
"""

from __future__ import annotations

from .compiler import compile_condition
from .lexer import ExprError
from .nodes import Node
from .parser import LIMITS, parse
from .typecheck import RefInfo, TypeChecker

__all__ = ["LIMITS", "ExprError", "Node", "RefInfo", "TypeChecker", "compile_condition", "parse"]
