"""The rule expression language: parse, type-check, evaluate (reference semantics)."""

from labourwatch.core.expr.nodes import Node
from labourwatch.core.expr.parser import parse

__all__ = ["Node", "parse"]
