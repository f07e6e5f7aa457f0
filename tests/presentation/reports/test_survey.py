"""`labourwatch report`: self-contained HTML that reads in Russian, an Excel workbook with one sheet per
table, disclosure control applied, and the methods stated."""

from __future__ import annotations

import re

import openpyxl
import pytest
from click.testing import CliRunner
from markupsafe import escape

from labourwatch import api
from labourwatch.cli import cli
from labourwatch.core.types import pick
from labourwatch.i18n import t
from labourwatch.packs import load_packs
from labourwatch.presentation.coverage import coverage_dict, coverage_text
from labourwatch.presentation.explanations import instrument_text
from labourwatch.presentation.reports.survey import REPORT_STEPS, build_report
from labourwatch.services.statistics import provenance_of
from labourwatch.studies.osce import calibrated_sample


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    path = tmp_path_factory.mktemp("r") / "osce.parquet"
    api.assess_file(calibrated_sample(2006, 600), path, packs=["osce-kz-2006", "kz-labour"])
    return path


@pytest.fixture(scope="module")
def trafficking(tmp_path_factory):
    """The OSCE questions assessed under the Palermo Protocol, which they cannot make hold: the act
    (recruitment, transport ...) was never asked."""
    path = tmp_path_factory.mktemp("p") / "palermo.parquet"
    api.assess_file(calibrated_sample(2006, 600), path, packs=["osce-kz-2006", "palermo"])
    return path, api.estimate_findings(path)


def test_html_report_in_russian_is_offline_and_states_its_methods(assessed, tmp_path):
    out = tmp_path / "report.ru.html"
    result = CliRunner().invoke(
        cli, ["--lang", "ru", "report", str(assessed), "-o", str(out), "--by", "sector", "--sampling", "snowball"]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert '<html lang="ru">' in html and "Основные результаты" in html
    assert "не репрезентативна" in html  # the sampling note
    assert "Степень соблюдения закона" in html  # the compliance classification, in Russian
    assert "osce-kz-2006@" in html  # packs and versions in the methods
    assert not re.search(r"(src|href)=\"https?://", html)  # nothing fetched from the network
    assert 'class="chart"' in html


def test_small_domains_are_withheld(assessed, tmp_path):
    done: list[int] = []
    report = build_report(assessed, tmp_path / "r.html", by="sector", threshold=200, progress=done.append)
    assert done == [1] * REPORT_STEPS  # the progress bar's steps, each told once
    assert report.suppressed > 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'class="withheld"' in html


def test_excel_report_has_one_sheet_per_table(assessed, tmp_path):
    out = tmp_path / "report.xlsx"
    result = CliRunner().invoke(cli, ["report", str(assessed), "-o", str(out), "--by", "sex"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["prevalence", "classifications", "tests", "coverage", "methods"]
    header = [c.value for c in book["prevalence"][1]]
    assert {"variable", "domain", "known", "unknown", "not_measured", "percent", "ci_lower", "ci_upper"} <= set(header)


def test_excel_report_figures_are_numbers_shown_with_their_digits(assessed, tmp_path):
    """Not texts such as "2.9" and "2.2–3.9", which a spreadsheet can neither sort nor sum."""
    out = tmp_path / "report.xlsx"
    build_report(assessed, out, by="sector")
    book = openpyxl.load_workbook(out)
    for sheet, formats in {
        "prevalence": {"percent": "0.0%", "ci_lower": "0.0%", "ci_upper": "0.0%", "deff": "0.00"},
        "classifications": {"percent": "0.0%", "ci_lower": "0.0%", "ci_upper": "0.0%"},
        "tests": {"f": "0.000", "p": "0.0000"},
    }.items():
        rows = list(book[sheet].iter_rows())
        header = [c.value for c in rows[0]]
        for name, shown in formats.items():
            cells = [row[header.index(name)] for row in rows[1:] if row[header.index(name)].value is not None]
            assert cells, (sheet, name)
            assert all(isinstance(c.value, int | float) and c.number_format == shown for c in cells), (sheet, name)
        for name in ("known", "unknown") if sheet != "tests" else ():
            assert all(isinstance(r[header.index(name)].value, int | float | type(None)) for r in rows[1:])
    prevalence = list(book["prevalence"].values)
    header = prevalence[0]
    shares = [r[header.index("percent")] for r in prevalence[1:] if r[header.index("percent")] is not None]
    assert all(0 <= p <= 1 for p in shares)  # a fraction, shown as a percentage


def test_pdf_report(assessed, tmp_path):
    """PDF needs Pango, a system library: CI installs it and sets LABOURWATCH_REQUIRE_PDF=1."""
    import os
    import shutil
    import subprocess

    try:
        import weasyprint  # noqa: F401
    except OSError:
        if os.environ.get("LABOURWATCH_REQUIRE_PDF"):
            pytest.fail("PDF reports need Pango (LABOURWATCH_REQUIRE_PDF is set)")
        pytest.skip("Pango is not installed here; CI installs it and runs this test")
    out = tmp_path / "report.ru.pdf"
    result = CliRunner().invoke(cli, ["--lang", "ru", "report", str(assessed), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert "Основные результаты" in text and "Сельское хозяйство" not in text  # no --by here


def _row(html: str, variable: str) -> str:
    found = re.search(rf"<tr[^>]*><td>[^<]*<code>{variable}</code></td>.*?</tr>", html)
    assert found, variable
    return found.group(0)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_report_says_what_the_questions_measured(trafficking, tmp_path, lang):
    path, estimates = trafficking
    rows = {r.variable: r for r in estimates.rows}
    build_report(path, tmp_path / "r.html", lang=lang)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert f"<th>{t('report_not_measured', lang)}</th>" in html  # the not-measured column
    # a finding the questions cannot make hold: its counts, no prevalence, and not in the chart
    tr = rows["trafficking"]
    assert tr.unsupported and tr.not_measured
    row = _row(html, "trafficking")
    assert 'class="unsupported"' in row and f"<td>{tr.known}</td><td>{tr.unknown}</td><td>{tr.not_measured}</td>" in row
    assert f'<td class="text" colspan="3">{escape(t("no_prevalence_cannot_hold", lang))}</td>' in row
    assert escape(t("no_prevalence_not_measured", lang)) in _row(html, "palermo_act_recruitment")
    chart = html[html.index('<figure class="chart">') : html.index("</figure>")]
    label = next(pick(r.label, lang) for p in load_packs() for r in p.outputs if r.id == "trafficking")
    assert 'class="bar"' in chart and f">{escape(label)}<" not in chart and f"<td>{escape(label)} <code>" in row
    # a supported finding keeps its percentage
    fl = rows["forced_labour"]
    assert not fl.unsupported and fl.estimate is not None
    assert f"<td>{100 * fl.estimate:.1f}</td>" in _row(html, "forced_labour")
    # what the questions measured: the sentence for each finding not measured in full, and none for
    # a finding measured in full
    section = html[html.index('<h2 id="coverage">') : html.index(f'<h2 id="methods">{t("report_methods", lang)}</h2>')]
    assert t("coverage_title", lang) in section
    for name in ("trafficking", "forced_labour"):
        assert str(escape(coverage_text(coverage_dict(estimates.coverage[name]), lang))) in section
    complete = [name for name, c in estimates.coverage.items() if c.complete and name in rows]
    assert complete and all(f"<code>{name}</code>" not in section for name in complete)
    # the questionnaire in the methods
    instrument = instrument_text(provenance_of(path)["instrument"], lang)
    assert f'<td>{t("report_instrument", lang)}</td><td class="text">{escape(instrument)}</td>' in html
    # a short note instead of one naming every finding without a prevalence
    unsupported = sorted({r.variable for r in estimates.rows if r.unsupported})
    assert str(escape(t("unsupported_prevalence", lang, names=", ".join(unsupported)))) not in html
    assert (
        str(escape(t("report_unsupported_note", lang, count=len(unsupported), section=t("coverage_title", lang))))
        in html
    )


def test_excel_report_has_a_coverage_sheet(trafficking, tmp_path):
    path, _ = trafficking
    build_report(path, tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert "coverage" in book.sheetnames
    sheet = list(book["coverage"].values)
    header, rows = sheet[0], {r[sheet[0].index("variable")]: dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]}
    assert {"variable", "asked", "size", "measured", "not_measured", "can_hold", "text"} <= set(header)
    assert rows["trafficking"]["supports_prevalence"] is False and rows["trafficking"]["can_hold"] is False
    assert rows["forced_labour"]["supports_prevalence"] is True
    prevalence = list(book["prevalence"].values)
    trafficking_row = next(r for r in prevalence if r[prevalence[0].index("variable")] == "trafficking")
    assert trafficking_row[prevalence[0].index("percent")] is None  # a number, or none
    assert trafficking_row[prevalence[0].index("note")] == t("no_prevalence_cannot_hold", "en")
    methods = [r[1] for r in book["methods"].values]
    assert any(str(v).startswith("Questions asked:") for v in methods)


def test_a_russian_excel_report_names_its_sheets_headings_and_groups_in_russian(assessed, tmp_path):
    out = tmp_path / "report.xlsx"
    build_report(assessed, out, by="sector", lang="ru")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:3] == ["распространённость", "классификации", "критерии"]
    rows = list(book["распространённость"].iter_rows())
    header = [c.value for c in rows[0]]
    assert {"признак", "переменная", "группа", "процент", "ДИ, нижняя граница"} <= set(header)
    groups = {row[header.index("группа")].value for row in rows[1:]}
    assert {"Все", "Строительство"} <= groups and "(all)" not in groups and "construction" not in groups
    percents = [row[header.index("процент")] for row in rows[1:] if row[header.index("процент")].value is not None]
    assert percents and all(c.number_format == "0.0%" for c in percents)
