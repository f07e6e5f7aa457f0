"""The generated questionnaire: converted by pyxform (ODK's converter) without error or warning, with
labels in each language, skip logic, constraints, and no identifying field."""

from __future__ import annotations

import re

import openpyxl
import pytest
from click.testing import CliRunner
from pyxform import xls2xform

from labourwatch.cli import cli
from labourwatch.core.errors import LabourwatchError
from labourwatch.forms.definition import LANGUAGES, YES_NO_DK, choice_text, question_text, questions
from labourwatch.forms.xlsform import survey_rows, write_xlsform
from labourwatch.io.forms import norm_label
from labourwatch.packs import load_schema

IDENTIFYING = ("name", "surname", "phone", "passport_number", "address", "gps", "geopoint", "photo")


def test_the_form_converts_cleanly_with_pyxform(tmp_path):
    path = write_xlsform(tmp_path / "form.xlsx")
    warnings: list[str] = []
    result = xls2xform.convert(xlsform=str(path), warnings=warnings)
    assert warnings == []
    assert "<h:title>Migrant work in Kazakhstan</h:title>" in result.xform
    for column in LANGUAGES.values():
        assert f'lang="{column}"' in result.xform


def test_every_asked_variable_is_a_question_with_labels_in_each_language():
    survey, choices = survey_rows()
    structure = ("begin_group", "end_group", "begin_repeat", "end_repeat", "start", "today")
    asked = {row["name"]: row for row in survey if row["type"] not in structure}
    variables = load_schema().variables
    assert set(asked) == {
        n
        for n, v in variables.items()
        if v.question and n not in ("id", "reference_date", "segment_end", "reference_period")
    }
    for row in asked.values():
        for column in LANGUAGES.values():
            assert row[f"label::{column}"], row["name"]
    assert asked["hours_per_day"]["constraint"] == ". >= 0 and . <= 24"
    assert asked["hours_per_day"]["constraint_message::Russian (ru)"] == "Должно быть от 0 до 24"
    assert asked["documents_held_by_employer"]["type"] == "select_one yes_no_dont_know"
    assert asked["reasons_not_changing_job"]["type"] == "select_multiple reasons_not_changing_job"
    assert "selected(${recruitment_vulnerabilities}, 'none')" in asked["recruiter_used_vulnerability"]["relevant"]
    assert {c["name"] for c in choices if c["list_name"] == "sector"} == set(variables["sector"].values)


def test_no_identifying_field_is_asked():
    survey, _ = survey_rows()
    for row in survey:
        assert not any(word in row["name"] for word in IDENTIFYING), row["name"]
        assert row["type"] not in ("geopoint", "image", "audio")


def test_modules_can_be_chosen_and_unknown_ones_are_refused(tmp_path):
    survey, _ = survey_rows(["pay"])
    groups = [r["name"] for r in survey if r["type"] == "begin_group"]
    assert groups == ["pay"]
    with pytest.raises(LabourwatchError, match="unknown module"):
        survey_rows(["wages"])
    result = CliRunner().invoke(
        cli, ["--lang", "ru", "questionnaire", "-o", str(tmp_path / "f.xlsx"), "--modules", "coercion"]
    )
    assert result.exit_code == 0, result.output
    settings = openpyxl.load_workbook(tmp_path / "f.xlsx")["settings"]
    assert settings["D2"].value == "Russian (ru)"


def test_six_languages_and_each_text_names_one_question():
    """Label exports are read back through these texts: a text shared by two questions would be ambiguous."""
    assert set(LANGUAGES) == {"en", "ru", "kk", "uz", "ky", "tg"}
    seen: dict[str, str] = {}
    for var in questions():
        for lang in LANGUAGES:
            text = norm_label(question_text(var, lang))
            assert seen.setdefault(text, var.name) == var.name, (lang, text)
        for lang in LANGUAGES:
            labels = [norm_label(choice_text(label, lang)) for label in var.values.values()]
            assert len(set(labels)) == len(labels), (var.name, lang)


def test_repeat_groups_wrap_their_questions():
    survey, _ = survey_rows(["claim"])
    kinds = [(r["type"], r["name"]) for r in survey]
    start = kinds.index(("begin_repeat", "payments"))
    assert kinds[start + 1 : start + 4] == [("date", "payment_date"), ("decimal", "payment_amount"), ("end_repeat", "")]
    assert survey[start]["label::Kazakh (kk)"]


def test_a_yes_to_a_yes_no_question_means_the_variable_holds():
    """The form stores yes as true: a question worded the other way round ("Can you refuse extra
    hours? (no = cannot)") would record a worker who can refuse as one who cannot. None may be."""
    reversed_hint = re.compile(r"\((no|нет|жоқ|жок|не|yoʻq) = ", re.IGNORECASE)
    rows, _ = survey_rows(None)
    yes_no = [row for row in rows if row.get("type") == f"select_one {YES_NO_DK}"]
    assert len(yes_no) > 20
    for row in yes_no:
        texts = [v for k, v in row.items() if k.startswith("label::")]
        assert not any(reversed_hint.search(t) for t in texts), row["name"]
    questions = load_schema().variables
    assert "not want" in questions["overtime_compulsory"].question["en"]  # type: ignore[index]
    assert "without" in questions["no_social_insurance"].question["en"]  # type: ignore[index]
