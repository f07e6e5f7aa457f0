"""`labourwatch report`: self-contained HTML that reads in Russian, an Excel workbook with one sheet per
table, disclosure control applied, and the methods stated."""

from __future__ import annotations

import re

import openpyxl
import pytest
from click.testing import CliRunner

from labourwatch import api
from labourwatch.cli import cli
from labourwatch.studies.osce import calibrated_sample


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    path = tmp_path_factory.mktemp("r") / "osce.parquet"
    api.assess_file(calibrated_sample(2006, 600), path, packs=["osce-kz-2006", "kz-labour"])
    return path


def test_html_report_in_russian_is_offline_and_states_its_methods(assessed, tmp_path):
    out = tmp_path / "report.ru.html"
    result = CliRunner().invoke(
        cli, ["--lang", "ru", "report", str(assessed), "-o", str(out), "--by", "sector", "--sampling", "snowball"]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert '<html lang="ru">' in html and "Распространённость признаков" in html
    assert "не репрезентативна" in html  # the sampling note
    assert "Степень соблюдения закона" in html  # the compliance classification, in Russian
    assert "osce-kz-2006@" in html  # packs and versions in the methods
    assert not re.search(r"(src|href)=\"https?://", html)  # nothing fetched from the network
    assert "<svg" in html


def test_small_domains_are_withheld(assessed, tmp_path):
    from labourwatch.presentation.reports.survey import build_report

    report = build_report(assessed, tmp_path / "r.html", by="sector", threshold=200)
    assert report.suppressed > 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'class="withheld"' in html


def test_excel_report_has_one_sheet_per_table(assessed, tmp_path):
    out = tmp_path / "report.xlsx"
    result = CliRunner().invoke(cli, ["report", str(assessed), "-o", str(out), "--by", "sex"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["prevalence", "classifications", "tests", "methods"]
    header = [c.value for c in book["prevalence"][1]]
    assert {"variable", "domain", "known", "unknown", "percent", "ci"} <= set(header)


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
        assert "Распространённость признаков" in text
