"""What a Russian page may hold in Latin script: codes (the questionnaire's variables and their values,
the packs' ids, rules and readings, the results true / false / unknown), names of programs, formats and
authors, option names and placeholders. Any other Latin word is English left in a Russian text."""

from __future__ import annotations

import html
import re
from functools import cache

from labourwatch.packs import load_packs, load_schema

NAMES = {
    "labourwatch", "survey", "svyciprop", "wilson", "logit", "snowball", "pyodk", "Parquet", "Excel", "Stata",
    "KoboToolbox", "Central", "DuckDB", "SQLite", "PostgreSQL", "XLSForm", "Anderson", "Hancilova", "COMPAS",
    "Working", "Paper", "holidays", "x", "n", "k", "l", "p", "F", "R", "a", "b", "c", "d",
}  # fmt: skip
RESULTS = {"true", "false", "unknown", "none", "yes", "no", "all", "null"}


@cache
def codes() -> frozenset[str]:
    schema, packs = load_schema(), load_packs()
    found = set(schema.variables) | {code for v in schema.variables.values() for code in v.values}
    for p in packs:
        found |= {p.id, *p.rules, *(name.split(".")[-1] for name in p.parameters)}
        found |= {code for rule in p.rules.values() for code in (*(rule.codes or ()), *rule.groups)}
        found |= {code for param in p.parameters.values() for code in param.codes or ()}
    return frozenset(found | RESULTS)


def english_words(page: str, also: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """Latin-script words of a page that are not codes (in `backquotes`, with _ . - = / , | $ ( or digits,
    or known), placeholders (capitals) or names."""
    allowed = NAMES | codes() | set(also)
    words = set()
    for token in re.sub(r"`[^`]*`", " ", page, flags=re.DOTALL).split():
        word = re.sub(r"^[(\[{'«]+|[)\]}'»,;:.?!]+$", "", token)
        latin = re.search(r"[A-Za-z]", word) and not re.search(r"[А-Яа-яЁё]", word)
        if latin and not (re.search(r"[_.\-–=/,|$%(\d]", word) or word.isupper() or word in allowed):
            words.add(word)
    return words


def page_text(page: str) -> str:
    """The words of an HTML page a person reads: no styles, no code (<code>, <pre>), no tags."""
    page = re.sub(r"<(style|script|code|pre)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def prose(text: str, code_lines: tuple[str, ...]) -> str:
    """A text without the lines that show a rule as the pack writes it (code, after these labels)."""
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith(code_lines))
