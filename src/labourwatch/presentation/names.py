"""What a column and its codes read as for a person: the questionnaire's labels of a variable, a pack's
label of a finding, yes and no for a finding's true and false; the code itself where there is none.
Tables show these at a terminal and the codes in a pipe."""

from __future__ import annotations

from labourwatch.core.types import pick
from labourwatch.i18n import t
from labourwatch.packs import load_packs, load_schema
from labourwatch.stats.prevalence import ALL


def column_label(name: str, lang: str) -> str:
    variable = load_schema().variables.get(name)
    if variable is not None:
        return pick(variable.label, lang)
    rule = next((p.rules[name] for p in load_packs() if name in p.rules), None)
    return pick(rule.label, lang) if rule is not None else name


def value_labels(name: str, lang: str) -> dict[str, str]:
    """Code -> label for the values of a column, the whole sample (ALL) included."""
    variable = load_schema().variables.get(name)
    if variable is not None and variable.values:
        labels = {code: pick(text, lang) for code, text in variable.values.items()}
    else:
        labels = {"true": t("yes", lang), "false": t("no", lang)}
    return {ALL: t("report_all", lang)} | labels
