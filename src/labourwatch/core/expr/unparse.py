"""Resolved expressions back to text, so an explanation can quote the clause that decided a result."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from labourwatch.core.expr import nodes as n


def to_text(node: n.Node, groups: Mapping[str, tuple[str, ...]] | None = None) -> str:
    """The expression as a rule author would write it; a run of arguments equal to an indicator group
    is written as the group's name."""
    groups = groups or {}
    match node:
        case n.Literal(value=None):
            return "unknown"
        case n.Literal(value=bool() as b):
            return "true" if b else "false"
        case n.Literal(value=str() as s):
            return f"'{s}'"
        case n.Literal(value=date() as d):
            return f"@{d.isoformat()}"
        case n.Literal(value=v):
            return _number(v)
        case n.VarRef(name=name) | n.RuleRef(name=name) | n.Name(name=name):
            return name
        case n.ParamRef(name=name):
            return f"p.{name}"
        case n.Unary(op="not", operand=o):
            return f"not {_sub(o, groups)}"
        case n.Unary(operand=o):
            return f"-{_sub(o, groups)}"
        case n.Binary(op=op, left=a, right=b) | n.Compare(op=op, left=a, right=b):
            return f"{_sub(a, groups)} {op} {_sub(b, groups)}"
        case n.In(needle=a, haystack=b, negated=neg):
            return f"{_sub(a, groups)} {'not in' if neg else 'in'} {_sub(b, groups)}"
        case n.ListLit(items=items):
            return "[" + ", ".join(to_text(i, groups) for i in items) + "]"
        case n.Call(func="answer", args=args):
            return f"answer({to_text(args[0], groups)})"
        case n.Call(func=func, args=args):
            return f"{func}({', '.join(_arguments(args, groups))})"
    raise TypeError(f"cannot write {node!r}")  # pragma: no cover


def _number(v: object) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _sub(node: n.Node, groups: Mapping[str, tuple[str, ...]]) -> str:
    text = to_text(node, groups)
    return f"({text})" if isinstance(node, n.Binary | n.Compare | n.In | n.Unary) else text


def _arguments(args: tuple[n.Node, ...], groups: Mapping[str, tuple[str, ...]]) -> list[str]:
    names = [a.name if isinstance(a, n.RuleRef) else None for a in args]
    out: list[str] = []
    i = 0
    while i < len(args):
        for group, members in groups.items():
            if members and tuple(names[i : i + len(members)]) == members:
                out.append(group)
                i += len(members)
                break
        else:
            out.append(to_text(args[i], groups))
            i += 1
    return out
