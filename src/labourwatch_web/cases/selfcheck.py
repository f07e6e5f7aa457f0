"""The worker's own check (public pages, no login, no cookie): a few questions a screen, then what the
law in force says of the answers, the money owed, the signs of forced labour, and where to get help.

Nothing is kept unless the worker asks for help and consents: then, and only then, `send` opens a case
in the chosen organisation's queue with the answers. The screens and every text are data
(cases/data/selfcheck.yaml); the questions are the questionnaire's, in its six languages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from labourwatch.core.errors import LabourwatchError
from labourwatch.core.explain import Explanation, RuleExplanation
from labourwatch.core.model import RuleKind
from labourwatch.forms.definition import choice_text, form_text, question_text
from labourwatch.i18n import number
from labourwatch.i18n.yamlfiles import read_yaml
from labourwatch.packs import load_schema
from labourwatch.services import arrears, assessment
from labourwatch.services.request import Request
from labourwatch_web.cases import audit
from labourwatch_web.cases.models import AuditEvent, Case, Organisation
from labourwatch_web.cases.services import (
    SCREENING_PACKS,
    Identity,
    _table,
    acts,
    arrears_of,
    claim_fields_of,
    create_case,
    unreadable_values,
)

DATA = Path(__file__).with_name("data") / "selfcheck.yaml"
LAW_PACKS = ("kz-labour", "kz-migration")  # the findings a worker is told of, with their articles
DONT_KNOW = "dont_know"  # offered beside every choice; read as no answer


@cache
def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = read_yaml(DATA)
    return loaded


def languages() -> dict[str, str]:
    """Each language of the self-check, in its own name."""
    return dict(_data()["languages"])


def is_draft(lang: str) -> bool:
    return bool(_data()["status"][lang] == "draft")


def text(key: str, lang: str, **fields: Any) -> str:
    return str(_data()["texts"][key][lang]).format(**fields)


def texts(lang: str) -> dict[str, str]:
    """Every text of the pages in `lang` (a template reads them as txt.key)."""
    return {key: str(by_lang[lang]) for key, by_lang in _data()["texts"].items()}


def _law_lang(lang: str) -> str:
    """The act's titles and articles are kept in English and Russian; the others read the Russian."""
    return lang if lang in ("en", "ru") else "ru"


@dataclass(frozen=True)
class Screen:
    id: str
    questions: tuple[str, ...]
    optional: bool = False


@cache
def screens() -> tuple[Screen, ...]:
    return tuple(Screen(s["id"], tuple(s["questions"]), bool(s.get("optional", False))) for s in _data()["screens"])


@cache
def question_names() -> tuple[str, ...]:
    return tuple(name for s in screens() for name in s.questions)


@dataclass(frozen=True)
class Question:
    name: str
    text: str
    kind: str  # "choice", "number" or "date"
    choices: tuple[tuple[str, str], ...]  # (code, label), "I don't know" last
    value: str


def _choices(name: str, lang: str) -> tuple[tuple[str, str], ...]:
    var = load_schema().variables[name]
    if var.kind == "boolean":
        pairs = [("yes", form_text("answer_yes", lang)), ("no", form_text("answer_no", lang))]
    elif var.kind == "country":
        pairs = [(code, str(names[lang])) for code, names in _data()["countries"].items()]
        return (*pairs, ("", text("other_country", lang)))
    else:
        pairs = [(code, choice_text(label, lang)) for code, label in var.values.items()]
    pairs = [(code, label) for code, label in pairs if code not in ("dont_know", "hard_to_say")]
    return (*pairs, (DONT_KNOW, text("dont_know", lang)))


def kind_of(name: str) -> str:
    kind = load_schema().variables[name].kind
    return "number" if kind in ("integer", "number") else "date" if kind == "date" else "choice"


def questions_of(screen: Screen, answers: Mapping[str, str], lang: str) -> list[Question]:
    variables = load_schema().variables
    return [
        Question(
            name=name,
            text=question_text(variables[name], lang),
            kind=kind_of(name),
            choices=_choices(name, lang) if kind_of(name) == "choice" else (),
            value=answers.get(name, ""),
        )
        for name in screen.questions
    ]


def read(form: Mapping[str, Any]) -> dict[str, str]:
    """The answers in a posted form (the screens' own and those carried from earlier screens): blanks,
    "I don't know" and names that are not the self-check's left out."""
    given = {name: str(form.get(name, "")).strip()[:100] for name in question_names()}
    return {name: value for name, value in given.items() if value and value != DONT_KNOW}


def problems(answers: Mapping[str, str], lang: str) -> list[str]:
    """What the core cannot read in the answers, each naming the question, in the worker's language."""
    variables = load_schema().variables
    return [
        text(
            "problem",
            lang,
            question=question_text(variables[str(p.column)], lang),
            value=p.value or "",
            expected=text(f"expected_{kind_of(str(p.column))}", lang),
        )
        if p.column in variables
        else p.text(_law_lang(lang))
        for p in unreadable_values(dict(answers), _law_lang(lang))
    ]


@dataclass(frozen=True)
class Breach:
    """A finding of the law that holds: what the law says, in plain words, and where it says it."""

    rule: str
    says: str
    cited: str


@dataclass(frozen=True)
class Owed:
    start: str
    end: str
    total: str  # what is still owed, in tenge, in the language's signs
    items: tuple[tuple[str, str], ...]  # (what, amount)
    owes: bool  # False: paid what is due


@dataclass(frozen=True)
class Result:
    judged_on: str
    breaches: tuple[Breach, ...]
    situation: str  # the typology's situation in plain words
    signs: tuple[tuple[str, str], ...]  # (question, the worker's answer) that are signs of forced labour
    owed: Owed | None
    owed_needs: tuple[str, ...]  # the questions the money owed still needs
    owed_failed: str  # why the money owed could not be counted ("" when it could)


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _amount(value: float, lang: str) -> str:
    return text("money", lang, amount=number(value, lang, 0))


def result(answers: Mapping[str, str], lang: str) -> Result:
    """What the law in force says of the answers, the situation by the standards, and the money owed."""
    row = {"reference_date": timezone.localdate().isoformat(), **answers}
    request = Request(packs=list(SCREENING_PACKS), asked=list(question_names()), lang=_law_lang(lang))
    found = assessment.explain(_table(row), "case", request)  # _table names the one record "case"
    owed, needs, failed = _owed(answers, lang)
    return Result(
        judged_on=_day(found.judged_on),
        breaches=tuple(_breach(r, found, lang) for r in found.rules if _holds_in_law(r)),
        situation=_situation(found, lang),
        signs=_signs(answers, lang),
        owed=owed,
        owed_needs=needs,
        owed_failed=failed,
    )


def _holds_in_law(r: RuleExplanation) -> bool:
    return r.rule.pack in LAW_PACKS and r.rule.kind is RuleKind.FINDING and r.result.value is True


def _breach(r: RuleExplanation, found: Explanation, lang: str) -> Breach:
    plain = _data()["findings"][r.rule.id]
    named = {lv.parameter.name: lv.value for lv in r.law}
    used = {key: value for key in plain["law"] if (value := named.get(key)) is not None}
    values = defaultdict(lambda: "?", {k.replace(".", "_"): _law_value(v.value, lang) for k, v in used.items()})
    references = found.cited([*r.rule.references, *(v.reference for v in used.values())])
    cited = "; ".join(dict.fromkeys(ref.cite(acts(), _law_lang(lang)) for ref in references))
    return Breach(r.rule.id, str(plain[lang]).format_map(values), cited)


def _law_value(value: Any, lang: str) -> str:
    return number(value, lang) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def _situation(found: Explanation, lang: str) -> str:
    situation = next((r.result.value for r in found.rules if r.rule.id == "situation"), None)
    return str(_data()["situations"][str(situation) if situation else "unknown"][lang])


def _signs(answers: Mapping[str, str], lang: str) -> tuple[tuple[str, str], ...]:
    variables = load_schema().variables
    out = []
    for name, codes in _data()["signs"].items():
        if answers.get(name) in codes:
            label = dict(_choices(name, lang)).get(answers[name], answers[name])
            out.append((question_text(variables[name], lang), label))
    return tuple(out)


def _owed(answers: Mapping[str, str], lang: str) -> tuple[Owed | None, tuple[str, ...], str]:
    """The money owed for the period the worker names (the arrears service), else the questions it
    still needs, or why it could not be counted."""
    fields = claim_fields_of(answers)
    if not any(k in fields for k in ("period_start", "period_end", "agreed_pay")):
        return None, (), ""  # the worker skipped the money: nothing to say
    variables = load_schema().variables
    gaps = arrears.claim_gaps(fields)
    if gaps:
        names = [name for gap in gaps for name in gap.split(" / ")[:1]]
        return None, tuple(question_text(variables[n], lang) for n in names), ""
    try:
        claims = arrears_of(answers, "self-check", _law_lang(lang)).claims
    except LabourwatchError as error:
        return None, (), text("owed_failed", lang, why=str(error))
    claim = claims.to_pylist()[0]
    items = [(str(label[lang]), claim.get(key)) for key, label in _data()["amounts"].items()]
    shown = tuple((what, _amount(v, lang)) for what, v in items if v)
    owed = float(claim["owed"] or 0.0)
    period = (date.fromisoformat(fields["period_start"]), date.fromisoformat(fields["period_end"]))
    return Owed(_day(period[0]), _day(period[1]), _amount(owed, lang), shown, owed > 0.5), (), ""


@dataclass(frozen=True)
class Helper:
    """An organisation that takes requests from the self-check, as the page shows it."""

    pk: int
    name: str
    contact: str
    languages: str


def helpers(lang: str) -> list[Helper]:
    names = languages()
    return [
        Helper(o.pk, o.name, o.contact, ", ".join(names.get(code, code) for code in o.languages.split()))
        for o in Organisation.objects.filter(takes_self_check=True).order_by("name")
    ]


class NotSent(Exception):
    """The request for help was not sent (nothing was stored); `reasons` say why, in the worker's language."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(reasons))


@transaction.atomic
def send(answers: Mapping[str, str], organisation_id: int | None, name: str, contact: str, consent: bool,
         lang: str) -> Case:  # fmt: skip
    """The worker asks for help: a case in the organisation's queue (no caseworker yet) with the
    answers, the name and the contact sealed as every identity. Only with consent and a contact."""
    if not consent:
        raise NotSent([text("need_consent", lang)])
    if not contact.strip():
        raise NotSent([text("need_contact", lang)])
    organisation = Organisation.objects.filter(pk=organisation_id or 0, takes_self_check=True).first()
    if organisation is None:
        raise NotSent([text("need_organisation", lang)])
    unreadable = problems(answers, lang)  # the screens checked them; a form sent by other means may not be
    if unreadable:
        raise NotSent(unreadable)
    kept = {"reference_date": timezone.localdate().isoformat(), **answers}
    who = Identity(name.strip(), phone=contact.strip())
    case = create_case(organisation, who, answers=kept, contact_language=lang)
    audit.record(AuditEvent.Action.CREATE_CASE, None, case=case, detail="self-check")
    audit.record(AuditEvent.Action.CONSENT, None, case=case, detail=f"self-check: keep the answers, contact ({lang})")
    return case
