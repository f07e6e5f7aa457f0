"""Expression tree. Nodes are immutable; the type checker returns a resolved copy with types set."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from labourwatch.core.types import ValueType

LiteralValue = bool | float | str | date | None


@dataclass(frozen=True)
class Node:
    line: int = field(default=1, kw_only=True, compare=False)
    column: int = field(default=1, kw_only=True, compare=False)
    type: ValueType | None = field(default=None, kw_only=True, compare=False)

    def children(self) -> tuple[Node, ...]:
        return ()

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass(frozen=True)
class Literal(Node):
    value: LiteralValue


@dataclass(frozen=True)
class Name(Node):
    """An unresolved name: a variable, a rule of a pack, or `p.<parameter>`."""

    name: str


@dataclass(frozen=True)
class VarRef(Node):
    name: str


@dataclass(frozen=True)
class ParamRef(Node):
    pack: str
    name: str


@dataclass(frozen=True)
class RuleRef(Node):
    name: str


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "not" | "-"
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Binary(Node):
    op: str  # "and" | "or" | "+" | "-" | "*" | "/"
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Compare(Node):
    op: str  # "==" | "!=" | "<" | "<=" | ">" | ">="
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class In(Node):
    needle: Node
    haystack: Node
    negated: bool = False

    def children(self) -> tuple[Node, ...]:
        return (self.needle, self.haystack)


@dataclass(frozen=True)
class ListLit(Node):
    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.args
