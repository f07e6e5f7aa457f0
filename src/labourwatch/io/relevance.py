"""The XLSForm `relevant` expressions the schema writes (`ask_if`), evaluated over imported submissions so
that a question the form skipped can be told from one the person left unanswered.

Only the small subset the schema uses is read: `${name}`, text and number literals, the comparisons
= != < <= > >=, `selected(${name}, 'code')`, `not(...)`, `and`, `or` and parentheses. The result is a DuckDB
expression over the form's answers as text, with XPath's rules: an unanswered question is the empty
text, and a comparison of it with a number is false except `!=`."""

from __future__ import annotations

from functools import cache

from lark import Lark, Token, Transformer

from labourwatch.core.errors import LabourwatchError

GRAMMAR = r"""
?start: or_
?or_: and_ ("or" and_)*
?and_: atom ("and" atom)*
?atom: "not" "(" or_ ")"                     -> negation
     | "selected" "(" field "," STRING ")"   -> selected
     | "(" or_ ")"
     | operand OP operand                    -> comparison
?operand: field | STRING -> text | NUMBER -> number
field: "${" NAME "}"
OP: "!=" | "<=" | ">=" | "=" | "<" | ">"
STRING: /'[^']*'/ | /"[^"]*"/
%import common.CNAME -> NAME
%import common.SIGNED_NUMBER -> NUMBER
%import common.WS
%ignore WS
"""


@cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr")


class _ToSql(Transformer[Token, str]):
    def or_(self, parts: list[str]) -> str:
        return "(" + " OR ".join(parts) + ")"

    def and_(self, parts: list[str]) -> str:
        return "(" + " AND ".join(parts) + ")"

    def negation(self, parts: list[str]) -> str:
        return f"(NOT {parts[0]})"

    def selected(self, parts: list[str]) -> str:
        field, code = parts
        return f"list_contains(string_split(coalesce({field}, ''), ' '), {_literal(code)})"

    def field(self, parts: list[Token]) -> str:
        return '"' + str(parts[0]).replace('"', '""') + '"'

    def text(self, parts: list[Token]) -> str:
        return "T" + _literal(str(parts[0]))  # marked, so that a comparison knows its kind

    def number(self, parts: list[Token]) -> str:
        return "N" + str(float(parts[0]))

    def comparison(self, parts: list[str]) -> str:
        left, op, right = parts
        op = "<>" if op == "!=" else str(op)
        sides = [left, right]
        if any(s.startswith("N") for s in sides):
            numeric = [s[1:] if s.startswith("N") else f"TRY_CAST(NULLIF(TRIM({s}), '') AS DOUBLE)" for s in sides]
            return f"coalesce({numeric[0]} {op} {numeric[1]}, {'true' if op == '<>' else 'false'})"
        texts = [s[1:] if s.startswith("T") else f"coalesce({s}, '')" for s in sides]
        return f"({texts[0]} {op} {texts[1]})"


def _literal(quoted: str) -> str:
    inner = quoted[1:-1] if quoted[:1] in ("'", '"') else quoted
    return "'" + inner.replace("'", "''") + "'"


def relevance_sql(expression: str) -> str:
    """A DuckDB boolean expression, true where the form asked the question."""
    try:
        tree = _parser().parse(expression)
    except Exception as exc:  # lark's UnexpectedInput family
        raise LabourwatchError(
            f"ask_if {expression!r} is outside the XLSForm subset labourwatch reads: {exc}"
        ) from None
    return _ToSql().transform(tree)
