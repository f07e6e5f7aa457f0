"""One record on one screen: the situation, what holds (by framework, each with the articles of the law
applied to the record), the money owed where the answers allow it, what is unknown and which answers
would settle it, and the questions to ask next. The details of every rule follow only on request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labourwatch.core.articles import articles_in
from labourwatch.core.explain import Explanation, RuleExplanation
from labourwatch.core.model import RuleKind, Status
from labourwatch.core.types import pick
from labourwatch.i18n import t
from labourwatch.packs import load_schema
from labourwatch.presentation.explanations import judgement_text, plain
from labourwatch.presentation.reports.statement import money, unknown_reasons
from labourwatch.services import arrears

SITUATION = "situation"  # the typology's classification of the record


@dataclass(frozen=True)
class Holding:
    id: str
    label: str
    references: list[str]  # the articles of the law applied to the record


@dataclass(frozen=True)
class Framework:
    pack: str
    title: str
    holds: list[Holding]


@dataclass(frozen=True)
class Unsettled:
    """Unknown results that the same missing answers would settle (or, with no answers, that wait on law
    values not held for the record's date)."""

    answers: list[str]  # the missing answers (variable names)
    labels: list[str]  # their questions' labels
    results: list[str]  # the unknown results' labels
    law: list[str] = field(default_factory=list)  # the law values not held


@dataclass(frozen=True)
class Owed:
    """Money owed for the record's work period: `gaps` names the answers it cannot be computed without;
    `reasons` why a computed amount is still unknown."""

    owed: float | None = None
    due: float | None = None
    gaps: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Verdict:
    record_id: str
    row: int
    judged: str  # how and on which date the record was judged
    acts: list[str]  # the titles of the acts applied
    situation: str | None  # None: the typology was not applied; "unknown" in words when it cannot tell
    frameworks: list[Framework]  # those where something holds
    unsettled: list[Unsettled]
    not_measured: int  # results that rest on questions not asked
    owed: Owed | None
    next_questions: list[tuple[str, str, int | None]]  # name, question label, results it settles


def _references(ex: Explanation, rx: RuleExplanation, lang: str) -> list[str]:
    """The rule's own articles of the applied law; where it cites only another act, the sources of the
    law values it used on the record's date (the articles of the act actually applied). One entry per
    act, its articles together."""
    acts = {a.id: a for p in ex.packs for a in p.acts.values()}
    refs = ex.cited(rx.rule.references)
    if not refs:
        used = [lv.value for lv in rx.law if lv.value is not None]
        refs = [v.reference for v in used if v.status not in (Status.READING, Status.DERIVED)]
    by_source: dict[str, list[str]] = {}
    for ref in refs:
        articles = by_source.setdefault(ref.source(acts, lang), [])
        if ref.article and ref.article not in articles:
            articles.append(ref.article)
    return [
        ", ".join([head, articles_in(articles, lang)] if articles else [head])
        for head, articles in by_source.items()
        if head
    ]


def _situation(ex: Explanation, lang: str) -> str | None:
    rx = next((r for r in ex.rules if r.rule.id == SITUATION), None)
    if rx is None:
        return None
    if rx.result.absent:
        return t("not_measured", lang)
    if rx.result.value in (None, "unknown"):
        return t("unknown", lang)
    return pick(rx.rule.labels.get(str(rx.result.value)), lang) or str(rx.result.value)


def _frameworks(ex: Explanation, lang: str) -> list[Framework]:
    out = []
    for pack in ex.packs:
        holds = [
            Holding(rx.rule.id, pick(rx.rule.label, lang), _references(ex, rx, lang))
            for rx in ex.rules
            if rx.rule.id in pack.rules and rx.rule.kind is RuleKind.FINDING and rx.result.value is True
        ]
        if holds:
            out.append(Framework(pack.id, pick(pack.title, lang), holds))
    return out


def _unsettled(ex: Explanation, lang: str) -> list[Unsettled]:
    """Unknown findings grouped by the answers that would settle them, the largest group first."""
    variables = load_schema().variables
    groups: dict[tuple[str, ...], list[RuleExplanation]] = {}
    for rx in ex.rules:
        if rx.rule.kind is RuleKind.FINDING and rx.result.value is None and not rx.result.absent:
            groups.setdefault(tuple(rx.missing_answers), []).append(rx)
    out = [
        Unsettled(
            answers=list(answers),
            labels=[pick(variables[a].label, lang) if a in variables else a for a in answers],
            results=[pick(rx.rule.label, lang) for rx in rxs],
            law=sorted({m for rx in rxs for m in rx.missing_law}) if not answers else [],
        )
        for answers, rxs in groups.items()
    ]
    return sorted(out, key=lambda u: (not u.answers, -len(u.results)))


def verdict(ex: Explanation, lang: str = "en", owed: Owed | None = None) -> Verdict:
    """The summary of an explanation; `owed` is the money owed as the caller computed it (or None)."""
    acts = {a.id: a for p in ex.packs for a in p.acts.values()}
    on = plain(ex.judged_on) or t("unknown", lang)
    labels = load_schema().variables
    asking = [
        (q.variable, pick(labels[q.variable].label, lang) if q.variable in labels else "", q.settles)
        for q in ex.next_questions[:5]
    ]
    return Verdict(
        record_id=ex.record_id,
        row=ex.row,
        judged=f"{judgement_text(ex.timeline.judgement, lang)} ({on})",
        acts=[pick(acts[a].title, lang) if a in acts else a for a in (ex.interval.acts if ex.interval else ())],
        situation=_situation(ex, lang),
        frameworks=_frameworks(ex, lang),
        unsettled=_unsettled(ex, lang),
        not_measured=sum(1 for rx in ex.rules if rx.result.absent),
        owed=owed,
        next_questions=asking,
    )


def owed_of(answers: dict[str, Any], record_id: str, lang: str = "en") -> Owed:
    """The money owed for the work period the answers describe, by the arrears calculator (the law of
    each day), or the answers it cannot be computed without."""
    gaps = arrears.claim_gaps(answers)
    if gaps:
        return Owed(gaps=gaps)
    result = arrears.arrears(arrears.claim_table(arrears.claim_fields(answers), record_id), lang=lang)
    claim = result.claims.to_pylist()[0]
    return Owed(claim["owed"], claim["due_total"], reasons=unknown_reasons(result, 0, lang))


def owed_lines(owed: Owed, lang: str) -> list[str]:
    if owed.gaps:
        variables = load_schema().variables
        named = [f"{pick(variables[n].label, lang)} [{n}]" if n in variables else n for n in owed.gaps]
        return [t("verdict_owed_needs", lang, names="; ".join(named))]
    if owed.owed is None:
        reasons = " ".join(owed.reasons) or t("verdict_owed_see_statement", lang)
        return [t("verdict_owed_unknown", lang, reasons=reasons)]
    return [t("verdict_owed", lang, owed=money(owed.owed, lang), due=money(owed.due, lang))]


def unsettled_lines(groups: list[Unsettled], lang: str, shown: int = 3) -> list[str]:
    """One line per group: the answers, then the first few results they would settle."""
    out = []
    for u in groups:
        more = len(u.results) - shown
        results = ", ".join(u.results[:shown]) + (t("verdict_and_more", lang, count=more) if more > 0 else "")
        if u.answers:
            asked = "; ".join(f"{label} [{name}]" for name, label in zip(u.answers, u.labels, strict=True))
            out.append(t("verdict_would_settle", lang, answers=asked, count=len(u.results), results=results))
        else:
            out.append(t("verdict_law_missing", lang, names=", ".join(u.law), count=len(u.results), results=results))
    return out


def verdict_text(v: Verdict, lang: str = "en", *, details_hint: bool = True) -> str:
    lines = [
        t("record_header", lang, id=v.record_id, where=t("where_row", lang, row=v.row), how=v.judged),
        f"{t('acts_applied', lang)}: {'; '.join(v.acts) or '-'}",
        "",
    ]
    if v.situation is not None:
        lines += [f"{t('verdict_situation', lang)}: {v.situation}", ""]
    if not v.frameworks:
        lines.append(t("verdict_nothing_holds", lang))
    for framework in v.frameworks:
        lines.append(f"{framework.title} ({len(framework.holds)}):")
        for h in framework.holds:
            refs = f" ({'; '.join(h.references)})" if h.references else ""
            lines.append(f"  - {h.label}{refs}")
    lines.append("")
    if v.owed is not None:
        lines += [f"{t('verdict_money', lang)}: {line}" for line in owed_lines(v.owed, lang)] + [""]
    if v.unsettled:
        lines.append(t("verdict_unknown", lang, count=sum(len(u.results) for u in v.unsettled)) + ":")
        lines += [f"  - {line}" for line in unsettled_lines(v.unsettled, lang)]
    if v.not_measured:
        lines.append(t("verdict_not_measured", lang, count=v.not_measured))
    if details_hint:
        lines += ["", t("verdict_details_hint", lang)]
    return "\n".join(lines).rstrip() + "\n"


def verdict_dict(v: Verdict) -> dict[str, Any]:
    """The summary as JSON shows it."""
    return {
        "situation": v.situation,
        "acts": v.acts,
        "holds": [{"pack": f.pack, "title": f.title, "findings": [h.__dict__ for h in f.holds]} for f in v.frameworks],
        "unknown": [u.__dict__ for u in v.unsettled],
        "not_measured": v.not_measured,
        "money_owed": v.owed.__dict__ if v.owed else None,
        "next_questions": [{"question": n, "label": label, "settles": s} for n, label, s in v.next_questions],
    }
