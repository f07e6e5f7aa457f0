"""Explanations: the answers, the law values with dates, references and status, and what is missing."""

from __future__ import annotations

import pandas as pd
import pytest

from labourwatch.api import assess, explain, sensitivity
from labourwatch.core.errors import LabourwatchError
from labourwatch.core.values import result_in
from labourwatch.presentation.explanations import explanation_dict, explanation_text
from labourwatch.services.assessment import sensitivity_runs
from tests.builtin import ALL_PACKS

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


def result(data, rule_id):
    return next(r for r in data["results"] if r["id"] == rule_id)


def test_explanation_names_answers_law_and_references():
    data = explanation_dict(explain(RECORD, "w-1"))
    floor = result(data, "hourly_pay_below_floor")
    assert floor["result"] == "yes"
    assert floor["answers"]["monthly_pay"] == 15000
    assert floor["computed"]["hourly_floor_least"] == pytest.approx(53.0779, abs=1e-4)  # 9,200 / 173.33
    assert floor["computed"]["hourly_floor"] == pytest.approx(56.5597, abs=1e-4)  # 9,200 / 162.66
    mzp = next(v for v in floor["law"] if v["parameter"] == "kz-labour:wages.mzp")
    assert (mzp["value"], mzp["effective_from"], mzp["status"]) == (9200, "2006-01-01", "partly_verified")
    assert data["judged"]["acts"] == ["kz-labour-law-1999"]
    assert {p["id"] for p in data["packs"]} == ALL_PACKS


def test_a_russian_explanation_words_answers_by_their_labels_and_numbers_as_russian_does():
    record = RECORD.assign(pay_timing=["weekly"], monthly_pay=["15000.5"])
    text = explanation_text(explain(record, "w-1", lang="ru"), "ru", only="pay_not_monthly")
    assert "pay_timing = Еженедельно" in text and "= weekly" not in text
    floor = explanation_text(explain(record, "w-1", lang="ru"), "ru", only="hourly_pay_below_floor")
    assert "monthly_pay = 15\u00a0000,5" in floor and "= 9\u00a0200 тенге" in floor  # the answer, the MZP


def test_unknown_results_name_the_answers_and_law_that_would_settle_them():
    data = explanation_dict(explain(RECORD, "w-1", asked=["all"]))  # a screening: every question may be asked
    cap = result(data, "overtime_over_daily_cap")
    assert cap["result"] == "unknown"
    assert cap["missing_answers"] == ["hazardous_work", "shift_work"]  # a shift of up to 12 h can be lawful
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
    words = {True: "yes", False: "no", None: "unknown", "not_measured": "not_measured"}
    for item in data["results"]:
        value = result_in(row, item["id"])
        if item["kind"] == "measure" and value != "not_measured":
            expected = "unknown" if value is None else pytest.approx(value)
        else:
            expected = value if item["kind"] == "classification" else words[value]
        assert item["result"] == expected, item["id"]


def test_text_in_english_and_russian():
    ex = explain(RECORD, "w-1", asked=["all"])
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


# --- the standards: indicator tallies, the deciding clause, other readings ---------------------------

MEDIUM_PAIR = pd.DataFrame(
    {
        "id": ["m"],
        "reference_date": ["2024-06-03"],
        "age": ["35"],
        "deceived_wages": ["yes"],
        "recruitment_threat_exposure": ["yes"],
        **{
            name: ["no"]
            for name in [
                "born_into_bondage",
                "abducted",
                "recruitment_confined",
                "sold_or_bought",
                "recruitment_debt_bondage",
                "deceived_about_job",
                "threat_denunciation",
                "recruitment_threat_denunciation",
                "documents_held_by_employer",
                "recruitment_documents_taken",
                "violence",
                "threat_violence",
                "recruitment_violence",
                "recruitment_threat_violence",
                "sexual_violence",
                "deprived_food_water_sleep",
                "family_threatened",
                "recruitment_family_harmed",
                "confinement",
                "isolated",
            ]
        },
    }
)


def test_a_dimension_shows_its_tallies_and_the_clause_that_decided():
    record = pd.DataFrame(
        {
            "id": ["d"],
            "reference_date": ["2024-06-03"],
            "documents_held_by_employer": ["yes"],
            "documents_refused_on_request": ["yes"],
            "confinement": ["yes"],
        }
    )
    cd = result(explanation_dict(explain(record, "d", packs=["ilo-ec-2009"], asked=["all"])), "thb_cd")
    assert cd["result"] == "yes"
    assert cd["decided_by"] == "at_least(2, strong)"
    assert cd["indicators"]["strong"]["held"] == [
        "thb_cd_document_confiscation",
        "thb_cd_isolation_confinement_surveillance",
    ]
    assert cd["indicators"]["strong"]["size"] == 4 and len(cd["indicators"]["medium"]["unknown"]) == 10


def test_results_under_other_readings_are_listed():
    data = explanation_dict(explain(MEDIUM_PAIR, "m", packs=["ilo-2012"]))
    ur = result(data, "fl12_ur")
    assert ur["result"] == "no"  # a medium pair does not meet the default (one strong) reading
    others = {o["setting"]: o["result"] for o in ur["other_readings"]}
    assert others == {"ilo-2012:reading.strength_rule=none": "yes"}
    chosen = explanation_dict(explain(MEDIUM_PAIR, "m", packs=["ilo-2012"], settings={"reading.strength_rule": "none"}))
    others = {o["setting"]: o["result"] for o in result(chosen, "fl12_ur")["other_readings"]}
    assert others == {
        "ilo-2012:reading.strength_rule=at_least_one_strong": "no",
        "ilo-2012:reading.strength_rule=both_strong": "no",
    }


def test_standards_text_in_russian():
    text = explanation_text(explain(MEDIUM_PAIR, "m", packs=["ilo-2012"]), "ru", only="fl12_ur")
    assert "[НЕТ] Несвободный наём (fl12_ur)" in text
    assert "inv_medium: выполнено 1 из 2 (fl12_ur_deception_terms)" in text
    assert "При другом прочтении ilo-2012:reading.strength_rule=none: да" in text


def test_how_a_record_was_judged_is_told_in_the_language_asked_with_the_readings_chosen():
    chosen = {"ilo-2012:reading.strength_rule": "none"}
    data = explanation_dict(explain(MEDIUM_PAIR, "m", packs=["ilo-2012"], lang="ru", settings=chosen), "ru")
    assert data["judged"]["how"] == "на дату каждой записи; ilo-2012:reading.strength_rule=none"
    assert explanation_dict(explain(MEDIUM_PAIR, "m", packs=["ilo-2012"]))["judged"]["how"].startswith("at each")


def test_sensitivity_counts_each_result_under_each_reading():
    both = pd.concat([MEDIUM_PAIR, MEDIUM_PAIR.assign(id=["s"], deceived_about_job=["yes"])])
    done: list[int] = []
    s = sensitivity(both, packs=["ilo-2012"], progress=done.append)
    assert s.records == 2 and done == [1] * len(s.readings)  # the bar moves once per assessment
    assert [name for name, _ in sensitivity_runs(["ilo-2012"])] == s.readings  # the bar's length, known first
    assert s.readings == [
        "default",
        "kz-labour:reading.presume_not_hazardous=false",
        "kz-labour:reading.presume_no_shift_work=false",
        "kz-labour:reading.presume_no_premiums=false",
        "evidence:reading.wages_withheld=withheld_only",
        "evidence:reading.wages_withheld=withheld_or_deferred",
        "evidence:reading.cannot_leave=either_answer",
        "evidence:reading.documents_withheld=kept",
        "evidence:reading.excessive_hours=beyond_norm",
        "ilo-2012:reading.strength_rule=both_strong",
        "ilo-2012:reading.strength_rule=none",
        "ilo-2012:reading.penalty_phase=any_phase",
    ]
    # the presumptions and the readings of evidence play no part in fl12_ur
    assert s.counts["fl12_ur"]["true"] == [1] * 9 + [0, 2, 1]
    assert s.counts["fl12_ur"]["false"] == [1] * 9 + [2, 0, 1]
    assert "fl12_ur_deception_terms" not in s.counts  # indicators do not depend on the reading


# --- questions not asked -----------------------------------------------------------------------------


def test_a_question_not_asked_is_named_and_its_results_are_not_measured():
    data = explanation_dict(explain(MEDIUM_PAIR, "m", packs=["icls-2018"]))
    assert data["instrument"]["basis"] == "columns" and "hours_per_day" in data["instrument"]["not_asked"]
    involuntary = result(data, "icls_inv_c_abusive_overtime_on_call")
    assert involuntary["result"] == "not_measured"
    assert set(involuntary["not_asked"]) == {
        "on_call_day_and_night",
        "overtime_compulsory",
        "hours_per_day",
        "agreed_hours_per_day",
    }
    coercion = result(data, "icls_coercion")
    assert coercion["coverage"]["of"] == "indicators" and coercion["coverage"]["size"] == 6
    assert coercion["indicators"]["elements"]["not_measured"] == [
        "icls_coe_c_debt_bondage_manipulation",  # must_work_off_debt, debt_inflated: not asked
        "icls_coe_d_withholding_wages_benefits",  # pay_withheld, pay_timing: not asked
    ]


def test_the_text_states_the_questions_asked_and_coverage_in_both_languages():
    ex = explain(MEDIUM_PAIR, "m", packs=["icls-2018"])
    en, ru = explanation_text(ex, "en"), explanation_text(ex, "ru")
    assert f"Questions asked: {len(MEDIUM_PAIR.columns)} of" in en and "(the columns of the input)" in en
    assert "[NOT MEASURED] Abusive overtime or on-call work not agreed" in en
    assert "[НЕ ИЗМЕРЕНО]" in ru and "Не спрашивали в этом опросе" in ru
    assert "Measured by 4 of its 6 indicators" in en


def test_questions_to_ask_next_are_ranked_by_the_results_they_settle():
    record = pd.DataFrame(
        {"id": ["s"], "reference_date": ["2024-06-03"], "age": ["30"], "documents_held_by_employer": ["yes"]}
    )
    ex = explain(record, "s", packs=["icls-2018"], asked=["all"])
    ranked = [(q.variable, q.settles) for q in ex.next_questions]
    settles = [s or 0 for _, s in ranked]
    assert settles == sorted(settles, reverse=True)
    top, count = ranked[0]
    assert count and count > 0
    # the top question does settle that many unknown results whatever the answer
    for answer in ("yes", "no"):
        again = explain(record.assign(**{top: [answer]}), "s", packs=["icls-2018"], asked=["all"])
        before = {r.rule.id for r in ex.rules if not r.result.known and not r.result.absent}
        after = {r.rule.id for r in again.rules if not r.result.known and not r.result.absent}
        assert len(before - after) >= count
