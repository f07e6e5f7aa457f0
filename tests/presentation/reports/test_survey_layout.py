"""The survey report as a reader meets it: a table of contents with a section per framework, tables
complete on every PDF page, the breakdown by domain named in the report's language, and a report of a
handful of records that says so in one line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html import unescape

import pyarrow.parquet as pq
import pytest
from markupsafe import escape

from labourwatch import api
from labourwatch.core.types import pick
from labourwatch.i18n import t
from labourwatch.packs import load_packs, load_schema
from labourwatch.presentation.reports.survey import build_report
from labourwatch.studies.osce import calibrated_sample

PACKS = ["osce-kz-2006", "kz-labour", "kz-migration", "ilo-11"]
CI_VALUE = re.compile(r"\d+\.\d–\d+\.\d")


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    path = tmp_path_factory.mktemp("layout") / "assessed.parquet"
    api.assess_file(calibrated_sample(2006, 400), path, packs=PACKS)
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "tiny.parquet"
    api.assess_file(calibrated_sample(2006, 2), path, packs=PACKS)
    return path


def _sectors(path, lang: str) -> dict[str, str]:
    """The sectors present in an assessed file, code -> label."""
    present = set(pq.read_table(path, columns=["sector"]).column("sector").drop_null().to_pylist())
    values = load_schema().variables["sector"].values
    return {code: pick(text, lang) for code, text in values.items() if code in present}


def _visible_text(html: str) -> str:
    """What a reader sees: no style, no tags, no variable names in <code>."""
    body = re.sub(r"<style>.*?</style>|<code>.*?</code>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def _require_pdf() -> None:
    """PDF needs Pango and pdftotext: CI installs them and sets LABOURWATCH_REQUIRE_PDF=1."""
    try:
        import weasyprint  # noqa: F401
    except OSError:
        missing = "Pango"
    else:
        missing = "" if shutil.which("pdftotext") else "pdftotext"
    if missing and os.environ.get("LABOURWATCH_REQUIRE_PDF"):
        pytest.fail(f"PDF reports need {missing} (LABOURWATCH_REQUIRE_PDF is set)")
    if missing:
        pytest.skip(f"{missing} is not installed here; CI installs it and runs this test")


def _pages(pdf) -> list[str]:
    """The text of each page, words hyphenated at a line end joined again, spaces collapsed."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    return [" ".join(re.sub(r"(\w)-\n(\w)", r"\1\2", page).split()) for page in pages]


def _words(text: str) -> list[str]:
    return text.replace("–", "– ").split()


def _has_words(page: str, header: str) -> bool:
    """Every word of a header on the page; a header wraps in its cell, so its words may come apart, and a
    long word may be hyphenated (‐) at the end of a line."""
    words = set(_words(page))
    broken = [w[:-1] for w in words if len(w) > 2 and w[-1] in "‐-"]

    def found(word: str) -> bool:
        return word in words or any(word.startswith(b) and word[len(b) :] in words for b in broken)

    return all(found(w) for w in _words(header))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_table_page_of_the_pdf_has_all_its_columns(assessed, tmp_path, lang):
    _require_pdf()
    out = tmp_path / f"report.{lang}.pdf"
    build_report(assessed, out, by="sector", lang=lang)
    pages = _pages(out)
    sectors = _sectors(assessed, lang).values()
    findings = [
        t("report_finding", lang),
        t("report_known", lang),
        t("report_unknown", lang),
        t("report_not_measured", lang),
        "%",
        t("col_ci", lang, level=95, method="logit"),
        t("report_deff", lang),
    ]
    by_domain = [t("report_finding", lang), t("report_all", lang), *sectors, t("report_p", lang)]
    classes = [t("report_class", lang), t("report_all", lang), *sectors]
    tables = [page for page in pages if CI_VALUE.search(page)]
    assert len(tables) >= 3
    for number, page in enumerate(pages, 1):
        if not CI_VALUE.search(page):
            continue
        complete = [all(_has_words(page, h) for h in headers) for headers in (findings, by_domain, classes)]
        assert any(complete), f"page {number} lacks a column header: {page[:300]}"
    whole = " ".join(pages)
    assert all(code not in whole for code in _sectors(assessed, lang))  # the sectors by name, never by code
    assert "(all)" not in whole


def test_a_report_of_a_handful_of_records_says_so_in_one_line(tiny, tmp_path):
    out = tmp_path / "tiny.html"
    build_report(tiny, out, by="sector")
    html = out.read_text(encoding="utf-8")
    assert str(escape(t("report_too_few", "en", records=2, threshold=10))) in html
    assert 'class="chart' not in html and "<figure" not in html  # no empty chart
    assert 'class="findings"' not in html and 'class="domains"' not in html  # no pages of dashes
    assert html.count("–") < 5
    assert f'<h2 id="methods">{t("report_methods", "en")}</h2>' in html  # the methods still say how


def test_contents_link_to_a_section_per_framework(assessed, tmp_path):
    out = tmp_path / "report.html"
    build_report(assessed, out, by="sector")
    html = out.read_text(encoding="utf-8")
    contents = re.search(r'<nav class="toc".*?</nav>', html, flags=re.S)
    assert contents, "no table of contents"
    links = re.findall(r'href="#([^"]+)"', contents.group(0))
    packs = {p.id: p for p in load_packs(PACKS)}
    for pack_id, pack in packs.items():
        if not any(r.id in html for r in pack.outputs):
            continue
        anchor = f"framework-{pack_id}"
        assert anchor in links, pack_id
        start = html.index(f'<section class="framework" id="{anchor}">')
        section = html[start : html.index("</section>", start)]
        assert f"<h2>{escape(pick(pack.title, 'en'))}</h2>" in section
        for rule in pack.outputs:  # each finding of the pack in its own section, and only there
            if f"<code>{rule.id}</code>" in html:
                assert f"<code>{rule.id}</code>" in section, rule.id
    for link in links:
        assert f'id="{link}"' in html, link
    assert links[0] == "main" and "methods" in links
    # the breakdown by sector: one compact table per framework, not a row per finding and sector
    assert html.count('class="domains"') < len(packs) * 4
    assert html.count("<tr") < 300


def test_russian_report_has_no_raw_codes(assessed, tmp_path):
    out = tmp_path / "report.ru.html"
    build_report(assessed, out, by="sector", lang="ru")
    text = _visible_text(out.read_text(encoding="utf-8"))
    assert len(_sectors(assessed, "ru")) > 1
    for code, label in _sectors(assessed, "ru").items():
        assert not re.search(rf"\b{code}\b", text), code
        assert label in text
    assert "(all)" not in text and not re.search(r"\bsector\b", text)
    assert pick(load_schema().variables["sector"].label, "ru").lower() in text.lower()
    # a label that is one word in its pack stands alone in the main findings
    assert "(индикатор МОТ)" in text
