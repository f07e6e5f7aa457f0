"""The questionnaire's definition: which canonical variables are asked, in which modules, and their texts
in each language (questions, hints, choices, form messages). The XLSForm writer (forms/xlsform.py) and
the readers of form exports (io/forms.py, io/mapping.py) both read it."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from labourwatch.core.columns import REFERENCE_DATE, REFERENCE_PERIOD
from labourwatch.core.errors import LabourwatchError
from labourwatch.core.model import Variable
from labourwatch.core.types import pick
from labourwatch.i18n import t
from labourwatch.i18n.yamlfiles import read_yaml
from labourwatch.packs import load_schema

# XLSForm language columns: `label::English (en)`. English and Russian texts live beside the variables
# and messages; the other languages in schema/translations/<code>.yaml (status stated there).
LANGUAGES = {
    "en": "English (en)",
    "ru": "Russian (ru)",
    "kk": "Kazakh (kk)",
    "uz": "Uzbek (uz)",
    "ky": "Kyrgyz (ky)",
    "tg": "Tajik (tg)",
}
TRANSLATIONS = Path(__file__).parents[1] / "schema" / "translations"
MODULES = (
    "demographics",
    "migration",
    "recruitment",
    "employment",
    "working_time",
    "pay",
    "living",
    "coercion",
    "leaving",
    "monitoring",
    "claim",
)
NOT_ASKED = {"id", REFERENCE_DATE, "segment_end", REFERENCE_PERIOD}  # filled by the form or the tools
YES_NO_DK = "yes_no_dont_know"
YES_NO_DK_TEXTS = {"yes": "answer_yes", "no": "answer_no", "dont_know": "dont_know"}  # code -> form text


@cache
def _translation(lang: str) -> dict[str, Any]:
    doc = read_yaml(TRANSLATIONS / f"{lang}.yaml")
    return doc if isinstance(doc, dict) else {}


def _translated(lang: str, part: str, key: str) -> str:
    try:
        return str(_translation(lang)[part][key])
    except KeyError:
        raise LabourwatchError(f"schema/translations/{lang}.yaml: no {part} text for '{key}'") from None


def form_text(key: str, lang: str, **fields: Any) -> str:
    """A text of the form itself (module titles, yes/no, constraint messages) in one language."""
    if lang in ("en", "ru"):
        return t(key, lang, **fields)
    return _translated(lang, "texts", key).format(**fields)


def question_text(var: Variable, lang: str) -> str:
    if lang in ("en", "ru"):
        return pick(var.question or var.label, lang)
    return _translated(lang, "questions", var.name)


def hint_text(var: Variable, lang: str) -> str:
    if lang in ("en", "ru"):
        return pick(var.description or {}, lang)
    return _translated(lang, "hints", var.name)


def choice_text(label: Any, lang: str) -> str:
    """A choice label; the other languages' files translate each English label once."""
    if lang in ("en", "ru"):
        return pick(label, lang)
    return _translated(lang, "choices", pick(label, "en"))


def questions(modules: Sequence[str] | None = None) -> list[Variable]:
    """The variables the form asks, in the order it asks them."""
    variables = load_schema().variables
    chosen = list(modules or MODULES)
    unknown = [m for m in chosen if m not in MODULES]
    if unknown:
        raise LabourwatchError(f"unknown module(s): {', '.join(unknown)}; modules: {', '.join(MODULES)}")
    return [v for m in chosen for v in variables.values() if v.module == m and v.question and v.name not in NOT_ASKED]
