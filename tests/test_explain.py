"""Explanations: the answers, the law values with dates, references and status, and what is missing."""

from __future__ import annotations

import pandas as pd
import pytest

from labourwatch.api import assess, explain
from labourwatch.core.errors import LabourwatchError
from labourwatch.render import explanation_dict, explanation_text

RECORD = pd.DataFrame(
    {
        "id": ["w-1"],
        "reference_date": ["2006-11-10"],
        "hours_per_day": ["12"],
        "days_per_month": ["30"],
        "age": ["34"],
        "written_contract": ["no"],
        "monthly_pay": ["15000"],
        "pay_currency": ["KZT"],
    }
)

ALL_PACKS = {
    "kz-labour",
    "kz-migration",
    "osce-kz-2006",
    "evidence",
    "icls-2018",
    "ilo-2012",
    "ilo-ec-2009",
    "ilo-11",
    "palermo",
    "typology",
    "kz-arrears",
}


def result(data, rule_id):
    return next(r for r in data["results"] if r["id"] == rule_id)


def test_explanation_names_answers_law_and_references():
    data = explanation_dict(explain(RECORD, "w-1"))
    floor = result(data, "hourly_pay_below_floor")
    assert floor["result"] == "yes"
    assert floor["answers"]["monthly_pay"] == 15000
    assert floor["computed"]["hourly_floor"] == pytest.approx(53.0779, abs=1e-4)
    mzp = next(v for v in floor["law"] if v["parameter"] == "kz-labour:wages.mzp")
    assert (mzp["value"], mzp["effective_from"], mzp["status"]) == (9200, "2006-01-01", "partly_verified")
    assert data["judged"]["acts"] == ["kz-labour-law-1999"]
    assert {p["id"] for p in data["packs"]} == ALL_PACKS


def test_unknown_results_name_the_answers_and_law_that_would_settle_them():
    data = explanation_dict(explain(RECORD, "w-1"))
    cap = result(data, "overtime_over_daily_cap")
    assert cap["result"] == "unknown"
    assert cap["missing_answers"] == ["hazardous_work"]
    assert "kz-labour:overtime.daily_cap" in cap["missing_law"]
    reg = result(data, "registration_missing")
    assert set(reg["missing_answers"]) == {"citizenship", "entry_date", "residence_registration"}


def test_yardstick_changes_the_explanation():
    data = explanation_dict(explain(RECORD, "w-1", law="kz-labour-code-2007"))
    assert result(data, "overtime_over_daily_cap")["result"] == "yes"
    assert data["judged"]["acts"] == ["kz-labour-code-2007"]


def test_explanation_agrees_with_the_assessment():
    row = assess(RECORD).table.to_pylist()[0]
    data = explanation_dict(explain(RECORD, "w-1"))
    words = {True: "yes", False: "no", None: "unknown"}
    for item in data["results"]:
        value = row[item["id"]]
        if item["kind"] == "measure":
            expected = "unknown" if value is None else pytest.approx(value)
        else:
            expected = value if item["kind"] == "classification" else words[value]
        assert item["result"] == expected, item["id"]


def test_text_in_english_and_russian():
    ex = explain(RECORD, "w-1")
    en, ru = explanation_text(ex, "en"), explanation_text(ex, "ru")
    assert "[YES] Hourly pay below the hourly minimum" in en
    assert "[ДА] Оплата часа ниже часового минимума" in ru
    assert "Недостающие ответы, которые решили бы вопрос: hazardous_work" in ru
    assert "частично проверено" in ru


def test_unknown_id():
    with pytest.raises(LabourwatchError, match="no record with id 'nope'"):
        explain(RECORD, "nope")


def test_classifications_show_their_label():
    record = RECORD.assign(migration_card=["yes"], residence_registration=["yes"], employer_licence=["no"])
    ex = explain(record, "w-1", packs=["osce-kz-2006"])
    assert "[SEMI-COMPLIANT] Degree of legal compliance (compliance)" in explanation_text(ex, "en")
    assert "[ЧАСТИЧНО СОБЛЮДАЮЩИЕ] Степень соблюдения закона" in explanation_text(ex, "ru")
