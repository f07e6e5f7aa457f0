"""User-facing texts in English and Russian, kept as data beside the code."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from labourwatch.i18n.numbers import number, plain, rounded

__all__ = ["LANGUAGES", "catalogue", "number", "plain", "rounded", "t"]

LANGUAGES = ("en", "ru")  # of every text the user sees (the questionnaire has more: forms/definition.py)
MESSAGES_PATH = Path(__file__).with_name("messages.yaml")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    raw = yaml.safe_load(MESSAGES_PATH.read_text(encoding="utf-8"))
    return {str(k): {str(lang): str(text) for lang, text in v.items()} for k, v in raw.items()}


def t(key: str, lang: str = "en", **fields: Any) -> str:
    texts = catalogue()[key]
    return (texts.get(lang) or texts["en"]).format(**fields)
