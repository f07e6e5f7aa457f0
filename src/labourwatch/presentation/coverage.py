"""What a survey's questions measured of each result, as data and as a sentence (en, ru): the caveat
every published prevalence carries ("forced labour, measured by 9 of its 15 indicators: ...")."""

from __future__ import annotations

from typing import Any

from labourwatch.core.coverage import Coverage
from labourwatch.i18n import t


def coverage_dict(c: Coverage) -> dict[str, Any]:
    return {
        "of": "questions" if c.by_questions else "indicators",
        "measured": list(c.asked),
        "size": len(c.indicators),
        "not_measured": [x for x in c.indicators if x not in c.asked],
        "parts_not_measured": list(c.unmeasured_parts),
        "presumed": list(c.presumed),
        "is_measured": c.measured,
        "can_hold": c.can_hold,
        "can_fail": c.can_fail,
    }


def coverage_text(cover: dict[str, Any], lang: str) -> str:
    """ "Measured by 9 of its 15 indicators: ...; not measured at all: ..." from `coverage_dict`."""
    if not cover["is_measured"]:
        return t(f"coverage_none_{cover['of']}", lang, size=cover["size"])
    text = t(f"coverage_{cover['of']}", lang, asked=len(cover["measured"]), size=cover["size"])
    if cover["measured"]:
        text += ": " + ", ".join(cover["measured"])
    if cover["parts_not_measured"]:
        text += "; " + t("coverage_parts_missing", lang, parts=", ".join(cover["parts_not_measured"]))
    if cover["presumed"]:
        text += "; " + t("coverage_presumed", lang, names=", ".join(cover["presumed"]))
    for key in ("can_hold", "can_fail"):
        if not cover[key]:
            text += "; " + t(f"coverage_{key.replace('can_', 'cannot_')}", lang)
    return text
