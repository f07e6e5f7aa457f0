"""Value types shared by variables, parameters and rule expressions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum

#: A text in several languages, keyed by language code ("en", "ru", ...).
Text = Mapping[str, str]

#: Told how many more records are done (a progress bar).
Progress = Callable[[int], None]


class ValueType(StrEnum):
    BOOL = "boolean"
    NUMBER = "number"
    STRING = "string"
    DATE = "date"
    SET = "set"  # several codes chosen at once (an XLSForm select_multiple)
    LIST = "list"  # a parameter holding a list of codes
    NULL = "null"  # the literal `unknown`; fits any type


def pick(text: Text | None, lang: str) -> str:
    """The text in `lang`, falling back to English, then to any language given."""
    if not text:
        return ""
    return text.get(lang) or text.get("en") or next(iter(text.values()))
