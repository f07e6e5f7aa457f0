"""`labourwatch demo`: the report is self-contained, says the data are synthetic, and shows the tables;
and what the study's questions can support of each standard's forced-labour and trafficking finding."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from markupsafe import escape

from labourwatch.cli import cli
from labourwatch.i18n import t
from labourwatch.packs import load_packs
from labourwatch.presentation.coverage import coverage_dict, coverage_text
from labourwatch.services.statistics import estimate_findings
from labourwatch.stats.prevalence import ALL
from labourwatch.studies.demo import PERIOD_RESULT, _period_text
from tests.russian import english_words, page_text


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo built once in each language: the pages, by language, and the directory."""
    out = tmp_path_factory.mktemp("demo")
    runner = CliRunner()
    for lang in ("en", "ru"):
        result = runner.invoke(cli, ["demo", "--out", str(out), "--lang", lang], catch_exceptions=False)
        assert result.exit_code == 0
    pages = {lang: (out / f"osce-report.{lang}.html").read_text(encoding="utf-8") for lang in ("en", "ru")}
    return pages, out


def test_demo_writes_an_offline_report_in_both_languages(demo):
    pages, out = demo
    en, ru = pages["en"], pages["ru"]
    for html in (en, ru):
        assert not re.search(r"""(src|href)=["']https?://""", html)  # nothing fetched: works offline
        assert "<script" not in html
        assert 'class="chart grouped"' in html and "@media print" in html and 'name="viewport"' in html
    assert "SYNTHETIC DATA." in en and "СИНТЕТИЧЕСКИЕ ДАННЫЕ." in ru
    assert english_words(page_text(ru), set(cli.commands)) == set()  # tests/russian.py
    assert "Table 3. Working conditions by legal status" in en
    assert "Таблица 2. Условия труда и степень несвободы" in ru
    assert "kz-labour@" in en and "osce-kz-2006@" in en
    assert t("demo_readings", "en") in en  # the heading of the readings chosen
    # the classes of the study, computed beside the published counts
    for count in ("227", "853", "265", "353", "694", "376"):
        assert f"<td>{count}</td>" in en
    assert (out / "osce-assessed.parquet").exists() and (out / "osce-synthetic.csv").exists()


def _row(html: str, finding: str) -> str:
    """The row of the summary table of the standards' findings that links to `finding`."""
    found = re.search(rf'<tr[^>]*><td><a href="#{finding}">.*?</tr>', html)
    assert found, finding
    return found.group(0)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_demo_shows_what_the_study_questions_can_support(demo, lang):
    pages, out = demo
    html = pages[lang]
    assessed = out / "osce-assessed.parquet"
    estimates = estimate_findings(assessed, findings=["forced_labour", "trafficking"], lang=lang)
    rows = {r.variable: r for r in estimates.rows if r.domain == ALL}
    assert f'<h2 id="standards">{escape(t("demo_fl_title", lang))}</h2>' in html
    assert escape(t("demo_fl_intro", lang)) in html  # says, again, that the sample is synthetic
    assert ("SYNTHETIC" if lang == "en" else "СИНТЕТИЧЕСКОЙ") in t("demo_fl_intro", lang)

    # forced labour (ICLS 2018): its rate with the interval, its counts and what the questions measured
    fl = rows["forced_labour"]
    assert fl.estimate is not None and fl.lower is not None and fl.upper is not None and not fl.unsupported
    rate = t(
        "demo_fl_rate",
        lang,
        percent=f"{100 * fl.estimate:.1f}",
        lower=f"{100 * fl.lower:.1f}",
        upper=f"{100 * fl.upper:.1f}",
    )
    row = _row(html, "forced_labour")
    assert rate in row and f"<td>{fl.known}</td><td>{fl.unknown}</td><td>{fl.not_measured}</td>" in row
    sentence = coverage_text(coverage_dict(estimates.coverage["forced_labour"]), lang)
    # 6: the study's "would lose the pay owed" is read as coercion only (icls-2018 longer_than_agreed)
    assert sentence.startswith(t("coverage_indicators", lang, asked=6, size=15))
    assert str(escape(sentence)) in html

    # trafficking (Palermo) cannot hold on the OSCE questions: no prevalence, its counts still shown
    tr = rows["trafficking"]
    assert tr.unsupported and tr.estimate is None and tr.not_measured
    row = _row(html, "trafficking")
    assert 'class="unsupported"' in row and escape(t("no_prevalence_cannot_hold", lang)) in row
    assert f"<td>{tr.not_measured}</td>" in row
    sentence = coverage_text(coverage_dict(estimates.coverage["trafficking"]), lang)
    assert t("coverage_cannot_hold", lang) in sentence and str(escape(sentence)) in html


def test_demo_shows_the_elements_behind_each_rate(demo):
    pages, out = demo
    html = pages["en"]
    table = pq.read_table(out / "osce-assessed.parquet", columns=["forced_labour", "icls_inv_i_cannot_terminate"])
    holds = pc.fill_null(table.column("forced_labour"), False)
    both = pc.and_(holds, pc.fill_null(table.column("icls_inv_i_cannot_terminate"), False))
    n, k = pc.sum(holds).as_py(), pc.sum(both).as_py()
    section = html[html.index('<section class="standard" id="forced_labour">') :]
    section = section[: section.index("</section>")]
    assert t("demo_fl_elements", "en", n=n) in section
    assert re.search(
        rf"<code>icls_inv_i_cannot_terminate</code></td><td>{k}</td><td><span [^>]*>{100 * k / n:.1f}</span>", section
    )
    # an indicator the study did not ask is not among the elements; trafficking has no elements table
    assert "icls_inv_a_unfree_recruitment" not in section
    trafficking = html[html.index('<section class="standard" id="trafficking">') :]
    assert "<table" not in trafficking[: trafficking.index("</section>")]
    # the typology's situation: how many records in each class, and how many not measured
    situation = html[html.index('<section class="standard" id="situation">') :]
    assert "<td>not measured</td>" in situation[: situation.index("</section>")]


def test_demo_states_each_rate_with_its_range_across_the_readings_and_the_standards_scope(demo):
    pages, out = demo
    html = pages["en"]
    table = pq.read_table(out / "osce-assessed.parquet", columns=["forced_labour"])
    holding = int(pc.sum(pc.fill_null(table.column("forced_labour"), False)).as_py())
    section = html[html.index('<section class="standard" id="forced_labour">') :]
    section = section[: section.index("</section>")]
    stated = re.search(
        r"Records for which it holds: (\d+) under the packs&#39; default readings; "
        r".*? from (\d+) \((.+?)\) to (\d+) \((.+?)\)",
        section,
    )
    assert stated, section
    default, low, high = int(stated[1]), int(stated[2]), int(stated[4])
    assert default == holding and low <= default <= high and low < high  # the readings move it
    assert stated[3].startswith(("evidence:", "icls-2018:", "kz-labour:")) and stated[5] != stated[3]
    assert "Scope:" in section and "imposed by the State" in section
    assert t("demo_fl_scope", "ru") in pages["ru"]


def test_demo_states_the_reference_period_of_the_rates(demo, tmp_path):
    pages, _ = demo
    assert "Reference period: the current job now, as every record states it." in pages["en"]
    assert "Отчётный период: текущая работа сейчас" in pages["ru"]

    rules = {r.id: r for p in load_packs(["icls-2018"]) for r in p.rules.values()}
    mixed = tmp_path / "mixed.parquet"
    pq.write_table(pa.table({PERIOD_RESULT: ["current", "last_5_years", "unknown"]}), mixed)
    assert _period_text(mixed, rules, "en") == t(
        "demo_fl_period_mixed", "en", periods="the current job now: 1; the last 5 years: 1; not stated: 1"
    )
    blank = tmp_path / "blank.parquet"
    pq.write_table(pa.table({PERIOD_RESULT: ["unknown", "unknown"]}), blank)
    assert _period_text(blank, rules, "en") == t("demo_fl_period_none", "en")
