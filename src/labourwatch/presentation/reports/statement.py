"""A printable statement of the wages owed to one worker, in English or Russian, for a lawyer to check
and attach to a claim: the facts as stated, each amount with its legal basis, each part of the period
with the law applied, every value of the law with its source and verification status, and the
assumptions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from labourwatch import __version__
from labourwatch.core.model import LegalRef
from labourwatch.core.types import pick
from labourwatch.i18n import catalogue, number, rounded, t
from labourwatch.packs import load_packs, load_schema
from labourwatch.packs.calendar import load_calendar
from labourwatch.services.arrears import (
    AT_RISK_AFTER,
    BARRED_AFTER,
    NBK_RATE,
    PENALTY_MULTIPLE,
    Arrears,
    law_of_parts,
)

TEMPLATES = Path(__file__).with_name("templates")


def money(value: Any, lang: str) -> str:
    """An amount to the tiyn (i18n.numbers: a half rounded up), in the signs of the language."""
    if value is None:
        return t("unknown", lang)
    return number(value, lang, 2)


def _number(value: Any, lang: str) -> str:
    """A value of the law or a count of hours: at most two decimals, none that are zeros."""
    if value is None:
        return t("unknown", lang)
    return number(float(rounded(value, 2)), lang)


def _item(label: str, amount: float | None, lang: str, basis: str = "", total: bool = False) -> dict[str, Any]:
    """An amount of the statement, as a person reads it and, for a program, to the tiyn."""
    tiyn = None if amount is None else float(rounded(amount, 2))
    return {"label": label, "amount": money(amount, lang), "value": tiyn, "basis": basis, "total": total}


# The law values each amount rests on: its legal basis is theirs, part by part (a period may span two Codes).
BASIS = {
    "due_agreed_pay": (),
    "due_minimum_wage_shortfall": (("kz-labour", "wages.mzp"),),
    "due_overtime": (("kz-labour", "overtime.premium"),),
    "due_rest_day_holiday": (("kz-labour", "premiums.rest_day_holiday"),),
    "due_night": (("kz-labour", "premiums.night"),),
    "due_unused_leave": (("kz-labour", "leave.annual_days"),),
    "deducted_over_limit": (("kz-labour", "pay.deduction_cap"),),
}
ITEMISED = tuple(BASIS)[:-1]  # the amounts that make up the total due
ASKED_BY = {"due_night": "night_hours_per_day", "due_unused_leave": "leave_days_taken"}


def statement_items(
    result: Arrears, index: int, lang: str, parts: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The amounts of one claim, each with its legal basis: what the CLI prints and the statement shows.
    `parts`: the claim's parts with their law (law_of_parts), when the caller has them already."""
    claim = result.claims.slice(index, 1).to_pylist()[0]
    packs = load_packs(["kz-arrears"])
    rules = {r.id: r for p in packs for r in p.rules.values()}
    acts = {a.id: a for p in packs for a in p.acts.values()}
    if parts is None:
        parts = [p for p in law_of_parts(result) if p["claim_row"] == index + 1]

    def basis(rule_id: str) -> str:
        return _cite_law(parts, BASIS[rule_id], acts, lang)

    items = [
        _item(pick(rules[c].label, lang), claim[c], lang, basis(c))
        for c in ITEMISED
        if c not in ASKED_BY or claim.get(ASKED_BY[c]) is not None  # an item its own question gives, when asked
    ]
    claimed = claim["claim_date"]
    at_claim = result.timeline.interval_for(claimed)

    def limit_basis(key: tuple[str, str]) -> str:
        found = at_claim.value(key) if at_claim else None
        return found.reference.cite(acts, lang) if found and found.value is not None else ""

    items += [
        _item(t("arrears_due_total", lang), claim["due_total"], lang, total=True),
        _item(t("arrears_received", lang), claim["received"], lang),
        _item(t("arrears_owed", lang), claim["owed"], lang, total=True),
    ]
    if claim.get("deductions") is not None:
        deducted = pick(rules["deducted_over_limit"].label, lang)
        items.append(_item(deducted, claim["deducted_over_limit"], lang, basis("deducted_over_limit")))
    penalty = _penalty_basis(result, claim, acts, lang)
    items += [
        _item(t("claim_penalty", lang, date=claimed.isoformat()), claim["late_pay_penalty"], lang, penalty),
        _item(
            t("claim_at_risk", lang, date=claimed.isoformat()), claim["due_at_risk"], lang, limit_basis(AT_RISK_AFTER)
        ),
        _item(
            t("claim_time_barred", lang, date=claimed.isoformat()),
            claim["due_time_barred"],
            lang,
            limit_basis(BARRED_AFTER),
        ),
    ]
    return items


def _cite_law(parts: list[dict[str, Any]], keys: Any, acts: dict[str, Any], lang: str) -> str:
    """The references of these law values over the parts (a period may span two Codes), each once."""
    cited = {pv.reference.cite(acts, lang): None for p in parts for key in keys if (pv := p["law"].get(key))}
    return "; ".join(cited)


def unknown_reasons(result: Arrears, index: int, lang: str, parts: list[dict[str, Any]] | None = None) -> list[str]:
    """Why amounts of the claim are unknown, where the calculator can tell: no exchange rate held for a
    day, or no schedule and no count of days worked. `parts`: the claim's parts, when the caller has them."""
    if parts is None:
        parts = [p for p in result.parts.to_pylist() if p["claim_row"] == index + 1]
    reasons = [
        t("claim_no_rate", lang, currency=p["pay_currency"], date=str(p["segment_end"]))
        for p in parts
        if p.get("pay_currency") not in (None, "KZT") and p.get("exchange_rate") is None
    ]
    if parts and all(p.get("schedule_working_days") is None and p.get("days_worked") is None for p in parts):
        reasons.append(t("claim_no_schedule", lang))
    return reasons


def _penalty_basis(result: Arrears, claim: dict[str, Any], acts: dict[str, Any], lang: str) -> str:
    """The article, the multiple and the rate the penalty was computed at (the rate given, else the law's)."""
    at_claim = result.timeline.interval_for(claim["claim_date"])
    multiple = at_claim.value(PENALTY_MULTIPLE) if at_claim else None
    if multiple is None or multiple.value is None:
        return ""
    rate = result.base_rate
    if rate is None:
        held = at_claim.value(NBK_RATE) if at_claim else None
        rate = held.value if held else None
    if rate is None:
        return f"{multiple.reference.cite(acts, lang)}: {t('claim_penalty_no_rate', lang)}"
    terms = t("claim_penalty_rate", lang, multiple=_number(multiple.value, lang), rate=_number(rate, lang))
    return f"{multiple.reference.cite(acts, lang)}: {terms}"


def render_statement(result: Arrears, index: int = 0, lang: str = "en") -> str:
    claim = result.claims.slice(index, 1).to_pylist()[0]
    row = index + 1
    parts = [p for p in law_of_parts(result) if p["claim_row"] == row]
    packs = load_packs(["kz-arrears"])
    acts = {a.id: a for p in packs for a in p.acts.values()}
    params = {(p.id, name): param for p in packs for name, param in p.parameters.items()}
    law: dict[tuple[Any, ...], dict[str, Any]] = {}
    unused = {("kz-labour", "wages.avg_monthly_hours")} if claim.get("agreed_pay_per") == "month" else set()
    for part in parts:  # a monthly salary is measured by the month's own norm, not the year's average
        for key, pv in part["law"].items():
            if pv is not None and key not in unused:
                law[(key, pv.start)] = {
                    "description": pick(params[key].description, lang),
                    "value": _number(pv.value, lang),
                    "start": pv.start.isoformat(),
                    "reference": _cite(pv.reference, acts, lang),
                    "status": t(f"status_{pv.status.value}", lang),
                }
    tx = {k: t(k, lang) for k in catalogue() if k.startswith("arrears_") and k != "arrears_generated"}
    tx["arrears_generated"] = t(
        "arrears_generated", lang, version=__version__, date=datetime.now(UTC).date().isoformat()
    )
    context = {
        "lang": lang,
        "tx": tx,
        "facts": _facts(claim, lang),
        "items": statement_items(result, index, lang, parts),
        "unknown": claim["owed"] is None,
        "unknown_reasons": unknown_reasons(result, index, lang, parts),
        "parts": [_annex_row(p, lang) for p in parts],
        "annex_basis": _annex_basis(parts, acts, lang),
        "law": sorted(law.values(), key=lambda v: (v["description"], v["start"])),
        "assumptions": [
            t(k, lang)
            for k in (
                "arrears_assume_spread",
                "arrears_assume_rest",
                "arrears_assume_rate",
                "arrears_assume_deductions",
                "arrears_assume_time_limits",
                "arrears_assume_unverified",
            )
        ],
        "provenance": ", ".join(
            f"{p['id']}@{p['version']}+sha256:{p['sha256'][:12]}" for p in result.provenance["packs"]
        ),
    }
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("arrears_statement.html.j2").render(**context)


def _annex_row(part: dict[str, Any], lang: str) -> dict[str, Any]:
    """One month (or part of one) of the calculation annex."""
    hours = [_number(part[h], lang) for h in ("part_norm_hours", "normal_hours", "overtime_hours")]
    hours += [_number(part["rest_day_holiday_hours"], lang)]
    hours += ["—" if part["night_hours"] is None else _number(part["night_hours"], lang)]  # not asked: none counted
    return {
        "dates": f"{part['reference_date']} – {part['segment_end']}",  # ISO dates, as in the facts above
        "acts": ", ".join(part["acts"]),
        "hours": hours,
        "rate": money(part["hourly_rate_due"], lang),
        "money": [money(part[c], lang) for c in ("due_total", "part_paid", "part_owed")],
    }


def _annex_basis(parts: list[dict[str, Any]], acts: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """Each column of the annex with its legal basis, from the law of the parts."""

    def cited(key: str) -> str:
        return _cite_law(parts, (("kz-labour", key),), acts, lang)

    calendar = f"{t('arrears_norm_basis', lang)} ({load_calendar().source}), {cited('hours.weekly_norm')}"
    return [
        (t("arrears_norm_hours", lang), calendar),
        (t("arrears_overtime_hours", lang), cited("overtime.premium")),
        (t("arrears_rest_hours", lang), cited("premiums.rest_day_holiday")),
        (t("arrears_night_hours", lang), cited("premiums.night")),
        (t("arrears_rate", lang), cited("wages.mzp")),
    ]


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _cite(ref: LegalRef, acts: dict[str, Any], lang: str) -> str:
    return ref.cite(acts, lang) + (f" ({pick(ref.note, lang)})" if ref.note else "")


def _facts(claim: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    variables = load_schema().variables

    def v(name: str) -> str:
        value = claim.get(name)
        if value in (None, ""):
            return t("not_answered", lang)
        labels = variables[name].values if name in variables else {}
        if name in variables and variables[name].kind == "multiple":  # "mon tue" as typed, or a list as read
            codes = value if isinstance(value, list) else str(value).split()
            return ", ".join(pick(labels[c], lang) if c in labels else str(c) for c in codes)
        if str(value) in labels:
            return pick(labels[str(value)], lang)
        if str(value).lower() in ("yes", "no", "true", "false"):  # a true/false answer, as typed or read
            return t("yes" if str(value).lower() in ("yes", "true") else "no", lang)
        return _number(float(value), lang) if _is_number(value) else str(value)

    return [
        (t("arrears_fact_period", lang), f"{v('period_start')} – {v('period_end')}"),
        (
            t("arrears_fact_schedule", lang),
            f"{v('hours_per_day')}; {v('work_weekdays')}; {v('rest_days_per_week')}; {v('days_worked')}",
        ),
        (t("arrears_fact_holidays", lang), f"{v('rest_days_worked')}; {v('holidays_worked')}"),
        (t("arrears_fact_pay", lang), f"{v('agreed_pay')} {v('pay_currency')} / {v('agreed_pay_per')}"),
        (t("arrears_fact_received", lang), f"{v('pay_received')}; {v('deductions')}"),
        (
            t("arrears_fact_worker", lang),
            f"{v('age')}; {v('hazardous_work')}; {v('night_hours_per_day')}; {v('leave_days_taken')}",
        ),
        (t("arrears_fact_claimed", lang), v("claim_date")),
    ]
