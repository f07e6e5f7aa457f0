"""`labourwatch demo`: the report is self-contained, says the data are synthetic, and shows the tables."""

from __future__ import annotations

import re

from click.testing import CliRunner

from labourwatch.cli import cli


def test_demo_writes_an_offline_report_in_both_languages(tmp_path):
    runner = CliRunner()
    for lang in ("en", "ru"):
        result = runner.invoke(cli, ["demo", "--out", str(tmp_path), "--lang", lang], catch_exceptions=False)
        assert result.exit_code == 0
    en = (tmp_path / "osce-report.en.html").read_text(encoding="utf-8")
    ru = (tmp_path / "osce-report.ru.html").read_text(encoding="utf-8")
    for html in (en, ru):
        assert not re.search(r"""(src|href)=["']https?://""", html)  # nothing fetched: works offline
        assert "<script" not in html
        assert "<svg" in html and "@media print" in html and 'name="viewport"' in html
    assert "SYNTHETIC DATA." in en and "СИНТЕТИЧЕСКИЕ ДАННЫЕ." in ru
    assert "Table 3. Working conditions by legal status" in en
    assert "Таблица 2. Условия труда и степень несвободы" in ru
    assert "kz-labour@" in en and "osce-kz-2006@" in en
    # the classes of the study, computed beside the published counts
    for count in ("227", "853", "265", "353", "694", "376"):
        assert f"<td>{count}</td>" in en
    assert (tmp_path / "osce-assessed.parquet").exists() and (tmp_path / "osce-synthetic.csv").exists()
