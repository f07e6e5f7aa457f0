"""User-facing texts in English and Russian, kept as data beside the code."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from labourwatch.i18n.numbers import number, plain, rounded
from labourwatch.i18n.yamlfiles import read_yaml

__all__ = ["LANGUAGES", "catalogue", "number", "plain", "rounded", "t"]

LANGUAGES = ("en", "ru")  # of every text the user sees (the questionnaire has more: forms/definition.py)
MESSAGES_PATH = Path(__file__).with_name("messages.yaml")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    raw = read_yaml(MESSAGES_PATH)
    return {str(k): {str(lang): str(text) for lang, text in v.items()} for k, v in raw.items()}


def t(key: str, lang: str = "en", **fields: Any) -> str:
    texts = catalogue()[key]
    return (texts.get(lang) or texts["en"]).format(**fields)
