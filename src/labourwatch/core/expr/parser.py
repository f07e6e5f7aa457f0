"""Parse expression text into a tree with Lark. Errors point at line and column of the text."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, TypedDict

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedInput

from labourwatch.core.errors import ExpressionError, Location
from labourwatch.core.expr import nodes as n


@cache
def _parser() -> Lark:
    grammar = files("labourwatch.core.expr").joinpath("grammar.lark").read_text(encoding="utf-8")
    # The parse tables are kept in the user's cache folder (building them costs more than parsing a pack),
    # not in the temporary folder, which labourwatch leaves as it found it.
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False, cache=_cache_file(grammar))


def _cache_file(grammar: str) -> str | bool:
    """$XDG_CACHE_HOME/labourwatch/grammar-<hash>.lark (else ~/.cache/...); no cache if it cannot be made."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "labourwatch"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    digest = hashlib.sha256(grammar.encode()).hexdigest()[:16]
    return str(folder / f"grammar-{digest}.lark")


class _Pos(TypedDict, total=False):
    line: int
    column: int


def _pos(where: Any) -> _Pos:
    """Line and column of a token or of a rule's metadata (empty when Lark has none)."""
    if getattr(where, "empty", False) or getattr(where, "line", None) is None:
        return {}
    return {"line": where.line, "column": where.column}


@v_args(meta=True)
class _ToNodes(Transformer[Token, n.Node]):
    def number(self, meta: Any, c: list[Token]) -> n.Node:
        return n.Literal(float(c[0]), **_pos(c[0]))

    def string(self, meta: Any, c: list[Token]) -> n.Node:
        return n.Literal(str(c[0])[1:-1], **_pos(c[0]))

    def date(self, meta: Any, c: list[Token]) -> n.Node:
        text = str(c[0])[1:]
        try:
            return n.Literal(date.fromisoformat(text), **_pos(c[0]))
        except ValueError as exc:
            raise ExpressionError(f"not a valid date: {text}", Location(line=c[0].line)) from exc

    def true(self, meta: Any, c: list[Any]) -> n.Node:
        return n.Literal(True, **_pos(meta))

    def false(self, meta: Any, c: list[Any]) -> n.Node:
        return n.Literal(False, **_pos(meta))

    def unknown(self, meta: Any, c: list[Any]) -> n.Node:
        return n.Literal(None, **_pos(meta))

    def dotted(self, meta: Any, c: list[Token]) -> str:
        return ".".join(str(t) for t in c)

    def name(self, meta: Any, c: list[str]) -> n.Node:
        return n.Name(c[0], **_pos(meta))

    def call(self, meta: Any, c: list[Any]) -> n.Node:
        return n.Call(str(c[0]), tuple(c[1:]), **_pos(meta))

    def list_(self, meta: Any, c: list[n.Node]) -> n.Node:
        return n.ListLit(tuple(c), **_pos(meta))

    def neg(self, meta: Any, c: list[n.Node]) -> n.Node:
        return n.Unary("-", c[0], **_pos(meta))

    def not_(self, meta: Any, c: list[n.Node]) -> n.Node:
        return n.Unary("not", c[0], **_pos(meta))

    def compare(self, meta: Any, c: list[Any]) -> n.Node:
        return n.Compare(str(c[1]), c[0], c[2], **_pos(meta))

    def in_(self, meta: Any, c: list[n.Node]) -> n.Node:
        return n.In(c[0], c[1], **_pos(meta))

    def not_in(self, meta: Any, c: list[n.Node]) -> n.Node:
        return n.In(c[0], c[1], negated=True, **_pos(meta))

    def _chain(self, meta: Any, c: list[Any], op: str | None = None) -> n.Node:
        node: n.Node = c[0]
        rest = c[1:]
        if op is not None:  # and/or: operators are anonymous tokens
            for right in rest:
                node = n.Binary(op, node, right, **_pos(meta))
            return node
        for i in range(0, len(rest), 2):
            node = n.Binary(str(rest[i]), node, rest[i + 1], **_pos(meta))
        return node

    def or_expr(self, meta: Any, c: list[Any]) -> n.Node:
        return self._chain(meta, c, "or")

    def and_expr(self, meta: Any, c: list[Any]) -> n.Node:
        return self._chain(meta, c, "and")

    def sum(self, meta: Any, c: list[Any]) -> n.Node:
        return self._chain(meta, c)

    def product(self, meta: Any, c: list[Any]) -> n.Node:
        return self._chain(meta, c)


def parse(text: str, *, file: str | None = None, first_line: int = 1) -> n.Node:
    """Parse `text`. `first_line` is the line of the text in its file, so errors point into the file."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        line = first_line + exc.line - 1 if exc.line and exc.line > 0 else first_line
        context = exc.get_context(text).rstrip()
        raise ExpressionError(
            f"cannot parse expression (line {exc.line}, column {exc.column}):\n{context}",
            Location(file, line, exc.column if exc.column and exc.column > 0 else None),
        ) from None
    node = _ToNodes().transform(tree)
    return _shift(node, first_line - 1)


def _shift(node: n.Node, offset: int) -> n.Node:
    """Move line numbers from the expression text into the containing file."""
    if offset == 0:
        return node
    changes: dict[str, Any] = {"line": node.line + offset}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, n.Node):
            changes[f.name] = _shift(value, offset)
        elif isinstance(value, tuple) and value and isinstance(value[0], n.Node):
            changes[f.name] = tuple(_shift(v, offset) for v in value)
    return dataclasses.replace(node, **changes)
