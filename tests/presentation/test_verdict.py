"""The one-screen verdict of `explain`: the situation, what holds with the articles of the law applied
to the record (never another act's), the money owed or the answers it needs, what is unknown and what
would settle it; the details on request; the same as a page to print (HTML, PDF)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pandas as pd
import pytest
from click.testing import CliRunner

from labourwatch.api import explain
from labourwatch.cli import cli
from labourwatch.i18n import t
from labourwatch.packs import load_packs
from labourwatch.presentation.explanations import explanation_dict
from labourwatch.presentation.verdict import owed_of, verdict, verdict_text
from tests.packs.test_references import latin_words
from tests.presentation.test_explanations import RECORD

# The README's example of money owed: March 2024, 10 hours a day with no rest day, 70,000 a month agreed,
# 40,000 received (the statement of `labourwatch arrears` shows 208,125.00 owed of 248,125.00 due).
CLAIM = {
    "id": "w-2",
    "reference_date": "2024-04-15",
    "period_start": "2024-03-01",
    "period_end": "2024-03-31",
    "hours_per_day": "10",
    "rest_days_per_week": "0",
    "agreed_pay": "70000",
    "agreed_pay_per": "month",
    "pay_currency": "KZT",
    "pay_received": "40000",
}


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_the_summary_comes_first_and_the_details_only_on_request(tmp_path):
    data = tmp_path / "w.csv"
    RECORD.to_csv(data, index=False)
    summary = run("explain", str(data), "--id", "w-1").output
    lines = summary.splitlines()
    assert lines[0].startswith("Record w-1 (row 1)") and len(lines) < 60
    assert "Rule:" not in summary and "--details" in summary
    assert "  - No written employment contract (Law of the RK" in summary
    assert (
        "Money owed: not computed: it needs the answers to First day of the work period [period_start]; "
        "Last day of the work period [period_end]" in summary
    )
    detailed = run("explain", str(data), "--id", "w-1", "--details").output
    assert detailed.startswith(summary.rstrip().rsplit("\n\n", 1)[0]) and "Rule:" in detailed
    assert detailed.count("Record w-1") == 1


def test_references_come_only_from_the_law_applied_to_the_record():
    """An interview of 2006 is judged under the 1999 Law: the 2015 Code's articles are not its law."""
    ex = explain(RECORD, "w-1")
    text = verdict_text(verdict(ex))
    cited = [ref for r in explanation_dict(ex)["results"] for ref in r["references"]]
    assert "No. 493" in text and cited
    assert not any("414-V" in ref or "251-III" in ref for ref in cited)
    assert "414-V" not in text and "251-III" not in text
    under_2007 = verdict_text(verdict(explain(RECORD, "w-1", law="kz-labour-code-2007")))
    assert "251-III" in under_2007 and "No. 493" not in under_2007


def test_unknown_results_are_grouped_by_the_answers_that_would_settle_them():
    v = verdict(explain(RECORD, "w-1", asked=["all"]))
    by_answers = {tuple(u.answers): u for u in v.unsettled}
    shift = by_answers[("hazardous_work", "shift_work")]
    assert "Overtime over the daily cap" in shift.results
    sizes = [len(u.results) for u in v.unsettled if u.answers]
    assert sizes == sorted(sizes, reverse=True)
    assert sum(len(u.results) for u in v.unsettled) == sum(
        1
        for r in explanation_dict(explain(RECORD, "w-1", asked=["all"]))["results"]
        if r["result"] == "unknown" and r["kind"] == "finding"
    )


def test_money_owed_is_computed_when_the_answers_describe_the_work_period():
    record = pd.DataFrame([CLAIM])
    owed = owed_of(dict(explain(record, "w-2").answers), "w-2")
    assert (owed.owed, owed.due, owed.gaps) == (pytest.approx(208_125.0), pytest.approx(248_125.0), [])
    text = verdict_text(verdict(explain(record, "w-2"), "ru", owed), "ru")
    assert "Задолженность: 208\u00a0125,00 тенге к выплате (всего причитается 248\u00a0125,00)" in text
    gaps = owed_of({**CLAIM, "pay_currency": None, "rest_days_per_week": None}, "w-2").gaps
    assert gaps == ["pay_currency", "rest_days_per_week / work_weekdays / days_worked"]


def test_json_holds_the_summary_and_every_rule(tmp_path):
    data = tmp_path / "w.csv"
    RECORD.to_csv(data, index=False)
    out = json.loads(run("--lang", "ru", "explain", str(data), "--id", "w-1", "--json").output)
    kz = next(h for h in out["summary"]["holds"] if h["pack"] == "kz-labour")
    assert any(f["id"] == "no_written_contract" for f in kz["findings"])
    assert out["summary"]["money_owed"]["gaps"][:2] == ["period_start", "period_end"]
    assert out["results"] and out["record"]["id"] == "w-1"


def _pdf_text(path) -> str:
    if shutil.which("pdftotext") is None:
        if os.environ.get("LABOURWATCH_REQUIRE_PDF") == "1":
            pytest.fail("pdftotext (poppler-utils) is required")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_worker_gets_the_explanation_as_a_page_and_a_pdf(tmp_path):
    data = tmp_path / "w.csv"
    pd.DataFrame([CLAIM]).to_csv(data, index=False)
    page, pdf = tmp_path / "w.html", tmp_path / "w.ru.pdf"
    assert run("explain", str(data), "--id", "w-2", "-o", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "What the answers of record w-2 show" in html and "208,125.00 tenge owed" in html
    assert "<details open" in html and "Each rule, in detail" in html
    result = run("--lang", "ru", "explain", str(data), "--id", "w-2", "-o", str(pdf))
    assert result.exit_code == 0, result.output
    text = " ".join(_pdf_text(pdf).split())
    assert "Что показывают ответы записи w-2" in text and "Задолженность" in text
    assert "208 125,00" in text.replace("\u00a0", " ")
    refused = CliRunner().invoke(cli, ["explain", str(data), "--id", "w-2", "-o", str(tmp_path / "w.docx")])
    assert refused.exit_code == 2 and ".html, .pdf" in refused.output


def test_the_python_api_gives_the_verdict_and_its_renderings():
    import labourwatch.api as lw

    v = lw.verdict(RECORD, "w-1", lang="ru")
    assert v.record_id == "w-1" and "Нет письменного трудового договора" in lw.verdict_text(v, "ru")
    assert lw.verdict_dict(v)["money_owed"]["gaps"][0] == "period_start"
    assert "[ДА] Нет письменного трудового договора" in lw.explanation_text(lw.explain(RECORD, "w-1", lang="ru"), "ru")


@pytest.mark.parametrize(("record", "record_id"), [(RECORD, "w-1"), (pd.DataFrame([CLAIM]), "w-2")])
def test_the_russian_explanation_cites_the_law_in_russian(tmp_path, record, record_id):
    """Under the 1999 Law (2006) and the 2015 Code (2024): no "art.", and no English word in a line that
    cites the law (the acts applied, the findings' sources, the law values, the presumptions' bases)."""
    data = tmp_path / "w.csv"
    record.to_csv(data, index=False)
    text = run("--lang", "ru", "explain", str(data), "--id", record_id, "--details").output
    assert "art." not in text and "Table" not in text
    summary = text.split(t("verdict_money", "ru"))[0]
    heads = tuple(f"{t(key, 'ru')}:" for key in ("acts_applied", "law_values", "presumed_here", "references"))
    citing = [line for line in text.splitlines() if line.strip().startswith(heads)]
    citing = [_cited(line) for line in citing]
    citing += [line for line in summary.splitlines() if line.startswith("  - ")]  # each finding with its sources
    assert len(citing) > 20
    ids = [p.id for p in load_packs()]
    assert [(line, words) for line in citing if (words := latin_words(line, ids))] == []


def _cited(line: str) -> str:
    """A line without the value it states: a presumption's answer and a reading's value are codes the
    user types ("works_with_parents = no.", "= neither"), not law."""
    if t("presumed_here", "ru") in line:
        return line.split(". ", 1)[1]
    since = "(" + t("effective_from", "ru", date="")
    if t("law_values", "ru") in line and " = " in line and since in line:
        head, rest = line.split(" = ", 1)
        return head + " " + rest[rest.index(since) :]
    return line
