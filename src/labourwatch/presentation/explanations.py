"""Explanations as JSON-ready data and as text, in English or Russian."""

from __future__ import annotations

from datetime import date
from typing import Any

from labourwatch.core.explain import Explanation, LawValue, RuleExplanation
from labourwatch.core.expr.evaluate import Tri
from labourwatch.core.model import Presumption, RuleKind
from labourwatch.core.readings import Judgement
from labourwatch.core.types import pick
from labourwatch.core.values import NOT_MEASURED_LABEL, as_text
from labourwatch.i18n import number, t
from labourwatch.packs import load_schema
from labourwatch.presentation.coverage import coverage_dict, coverage_text


def plain(value: Any) -> Any:
    """A value as JSON shows it: whole numbers without '.0', dates in ISO form, sets as sorted lists."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set | tuple | list):
        return sorted(str(v) for v in value)
    return value


def result_code(rx: RuleExplanation, result: Tri | None = None) -> Any:
    """yes / no / unknown / not_measured for a finding, the label for a classification, the number for
    a measure."""
    result = rx.result if result is None else result
    if result.absent:
        return NOT_MEASURED_LABEL
    value = result.value
    if rx.rule.kind is RuleKind.CLASSIFICATION:
        return str(value)
    if value is None:
        return "unknown"
    if rx.rule.kind is RuleKind.MEASURE:
        return plain(value)
    return "yes" if value else "no"


def _law_dict(lv: LawValue, acts: dict[str, Any], lang: str) -> dict[str, Any]:
    p, v = lv.parameter, lv.value
    out: dict[str, Any] = {
        "parameter": f"{p.pack}:{p.name}",
        "description": pick(p.description, lang),
        "unit": p.unit,
        "value": plain(v.value) if v else None,
    }
    if v is not None:
        out |= {
            "effective_from": v.start.isoformat(),
            "status": v.status.value,
            "reference": v.reference.cite(acts, lang),
            "note": pick(v.reference.note, lang) or None,
            "links": list(v.reference.links),
        }
    return out


def explanation_dict(ex: Explanation, lang: str = "en") -> dict[str, Any]:
    acts = {a.id: a for p in ex.packs for a in p.acts.values()}
    schema = load_schema()
    judgement = ex.timeline.judgement
    return {
        "record": {"id": ex.record_id, "row": ex.row},
        "judged": {
            "on": plain(ex.judged_on),
            "how": judgement_text(judgement, lang),
            "acts": list(ex.interval.acts) if ex.interval else [],
            "verified_only": judgement.verified_only,
        },
        "packs": [{"id": p.id, "version": p.version, "sha256": p.content_hash} for p in ex.packs],
        "results": [
            {
                "id": rx.rule.id,
                "kind": rx.rule.kind.value,
                "label": pick(rx.rule.label, lang),
                "result": result_code(rx),
                "rule": rx.rule.source,
                "answers": {k: plain(v) for k, v in rx.answers.items()},
                "from_calendar": {k: plain(v) for k, v in rx.calendar.items()},
                "computed": {k: plain(v.value) for k, v in rx.derived.items()},
                "law": [_law_dict(lv, acts, lang) for lv in rx.law],
                "missing_answers": rx.missing_answers,
                "missing_law": rx.missing_law,
                "references": [r.cite(acts, lang) for r in ex.cited(rx.rule.references)],
                "decided_by": rx.decided_by,
                "indicators": {
                    name: {
                        "held": tally.held,
                        "unknown": tally.unknown,
                        "not_measured": tally.not_measured,
                        "size": tally.size,
                    }
                    for name, tally in rx.tallies.items()
                },
                "not_asked": rx.not_asked,
                "presumed": [_presumption_dict(p, ex, lang) for p in rx.presumed],
                "coverage": coverage_dict(rx.coverage) if rx.coverage else None,
                "holding": rx.holding,
                "other_readings": [
                    {
                        "setting": f"{a.setting[0]}:{a.setting[1]}={plain(a.setting[2])}",
                        "result": result_code(rx, a.result),
                    }
                    for a in rx.alternatives
                ],
            }
            for rx in ex.rules
        ],
        "instrument": ex.instrument.to_json(schema) if ex.instrument else None,
        "next_questions": [
            {"question": q.variable, "settles": q.settles, "needed_by": list(q.bears_on)} for q in ex.next_questions
        ],
    }


def _presumption_dict(p: Presumption, ex: Explanation, lang: str) -> dict[str, Any]:
    acts = {a.id: a for pack in ex.packs for a in pack.acts.values()}
    basis = ex.basis_of(p)
    return {
        "question": p.variable,
        "presumed": plain(p.value),
        "meaning": pick(p.explanation, lang),
        "basis": basis.cite(acts, lang),
        "note": pick(basis.note, lang) or None,
        "reading": f"{p.pack}:{p.reading}",
    }


def _word(value: Any, lang: str) -> str:
    if value is None:
        return t("not_answered", lang)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    shown = plain(value)
    if isinstance(shown, list):
        return " ".join(shown) if shown else t("none", lang)
    return number(shown, lang) if isinstance(shown, int | float) else str(shown)


def _answer(name: str, value: Any, lang: str) -> str:
    """An answer as the questionnaire words it: a code by its label (several codes by theirs)."""
    variable = load_schema().variables.get(name)
    labels = variable.values if variable is not None else {}
    several = isinstance(value, frozenset | set | tuple | list)
    codes = sorted(map(str, value)) if several else [value] if isinstance(value, str) else []
    if codes and all(code in labels for code in codes):
        return ", ".join(pick(labels[code], lang) for code in codes)
    return _word(value, lang)


def _shown(rx: RuleExplanation, code: Any, lang: str) -> str:
    if code in ("yes", "no", "unknown", NOT_MEASURED_LABEL):
        return t(str(code), lang)
    return pick(rx.rule.labels.get(code), lang) or str(code)


def judgement_text(j: Judgement, lang: str = "en") -> str:
    if j.as_of:
        how = t("judged_as_of", lang, date=j.as_of.isoformat())
    elif j.law:
        how = t("judged_under", lang, act=j.law)
    else:
        how = t("judged_each_date", lang)
    how += t("how_verified_only", lang) if j.verified_only else ""
    return how + "".join(f"; {pack}:{name}={as_text(value)}" for pack, name, value in j.settings)


def explanation_text(ex: Explanation, lang: str = "en", *, only: str | None = None, header: bool = True) -> str:
    data = explanation_dict(ex, lang)
    on = data["judged"]["on"] or t("unknown", lang)
    how = f"{judgement_text(ex.timeline.judgement, lang)} ({on})"
    lines = [
        t("record_header", lang, id=ex.record_id, where=t("where_row", lang, row=ex.row), how=how),
        f"{t('acts_applied', lang)}: {', '.join(data['judged']['acts']) or '-'}",
        f"{t('packs_used', lang)}: {', '.join(p.stamp for p in ex.packs)}",
        "",
    ]
    if data["instrument"]:
        lines.insert(-1, instrument_text(data["instrument"], lang))
    if not header:  # shown by the verdict above
        lines = []
    for item, rx in zip(data["results"], ex.rules, strict=True):
        if only and item["id"] != only:
            continue
        lines.append(rule_heading(item, rx, lang))
        lines += [f"    {line}" for line in rule_lines(item, rx, lang)]
        lines.append("")
    if data["next_questions"] and not only:
        lines.append(t("ask_next", lang) + ":")
        for q in data["next_questions"][:10]:
            settles = "-" if q["settles"] is None else q["settles"]
            lines.append(
                "    " + t("ask_next_item", lang, name=q["question"], settles=settles, bears=len(q["needed_by"]))
            )
    return "\n".join(lines).rstrip() + "\n"


def rule_heading(item: dict[str, Any], rx: RuleExplanation, lang: str) -> str:
    return f"[{_shown(rx, item['result'], lang).upper()}] {item['label']} ({item['id']})"


def rule_lines(item: dict[str, Any], rx: RuleExplanation, lang: str) -> list[str]:
    """What one rule read and why it came out as it did: one line per kind of fact (for text and HTML)."""
    lines: list[str] = []
    lines.append(f"{t('rule', lang)}: {' '.join(item['rule'].split())}")
    if item["decided_by"]:
        lines.append(f"{t('decided_by', lang)}: {item['decided_by']}")
    for group, tally in item["indicators"].items():
        counts = t("indicators_held", lang, group=group, held=len(tally["held"]), size=tally["size"])
        unknown = f"; {t('indicators_unknown', lang, count=len(tally['unknown']))}" if tally["unknown"] else ""
        if tally["not_measured"]:
            unknown += f"; {t('indicators_not_measured', lang, count=len(tally['not_measured']))}"
        held = f" ({', '.join(tally['held'])})" if tally["held"] else ""
        lines.append(f"{counts}{held}{unknown}")
    if (cover := item["coverage"]) and cover["not_measured"]:
        lines.append(f"{coverage_text(cover, lang)}")
    if item["not_asked"]:
        lines.append(f"{t('not_asked_here', lang)}: {', '.join(item['not_asked'])}")
    for presumed in item["presumed"]:
        lines.append(
            f"{t('presumed_here', lang)}: {presumed['question']} = {_word(presumed['presumed'], lang)}. "
            f"{presumed['meaning']} ({presumed['basis']}; {presumed['reading']})"
        )
    if rx.answers:
        answers = "; ".join(f"{k} = {_answer(k, v, lang)}" for k, v in rx.answers.items())
        lines.append(f"{t('answers', lang)}: {answers}")
    if rx.calendar:
        given = "; ".join(f"{k} = {_word(v, lang)}" for k, v in rx.calendar.items())
        lines.append(f"{t('from_calendar', lang)}: {given}")
    if rx.derived:
        derived = "; ".join(
            f"{k} = {_word(v.value, lang) if v.known else t('unknown', lang)}" for k, v in rx.derived.items()
        )
        lines.append(f"{t('derived', lang)}: {derived}")
    for law in item["law"]:
        if law["value"] is None:
            lines.append(f"{t('law_values', lang)}: {law['description']}: {t('no_value', lang)}")
            continue
        status = t(f"status_{law['status']}", lang)
        when = t("effective_from", lang, date=law["effective_from"])
        unit = f" {t('unit_' + law['unit'], lang)}" if law["unit"] else ""
        lines.append(
            f"{t('law_values', lang)}: {law['description']} = {_word(law['value'], lang)}{unit} "
            f"({when}; {law['reference']}; {status})"
        )
    if item["missing_answers"]:
        lines.append(f"{t('would_settle', lang)}: {', '.join(item['missing_answers'])}")
    if item["missing_law"]:
        lines.append(f"{t('law_missing', lang)}: {', '.join(item['missing_law'])}")
    if item["references"]:
        lines.append(f"{t('references', lang)}: {'; '.join(item['references'])}")
    for other in item["other_readings"]:
        lines.append(f"{t('under_other_reading', lang)} {other['setting']}: {_shown(rx, other['result'], lang)}")
    return lines


def instrument_text(instrument: dict[str, Any], lang: str) -> str:
    size = len(instrument["asked"]) + len(instrument["not_asked"])
    basis = t(f"basis_{instrument['basis']}", lang)
    detail = f"; {instrument['detail']}" if instrument["detail"] else ""
    return t("instrument_line", lang, asked=len(instrument["asked"]), size=size, basis=basis + detail)
