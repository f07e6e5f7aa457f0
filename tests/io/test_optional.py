"""Extras: labourwatch imports and assesses without them; a command that needs one names it."""

from __future__ import annotations

import subprocess
import sys

import pyarrow as pa
import pytest

from labourwatch import api
from labourwatch.core.errors import LabourwatchError
from labourwatch.io.optional import EXTRAS

WITHOUT_EXTRAS = "import sys\nfor name in {names!r}:\n    sys.modules[name] = None  # as if not installed\n"


def test_the_cli_and_an_assessment_need_no_extra(tmp_path):
    data = tmp_path / "in.csv"
    data.write_text("id,reference_date,hours_per_day\na,2016-03-01,12\n")
    script = WITHOUT_EXTRAS.format(names=sorted(EXTRAS)) + (
        "from labourwatch.cli import cli\n"
        "from labourwatch import api\n"
        f"print(api.assess({str(data)!r}).table.column('overtime_over_daily_cap').to_pylist())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[True]"


@pytest.mark.parametrize("lang, text", [("en", "pip install 'labourwatch[spss]'"), ("ru", "нужен пакет pyreadstat")])
def test_a_missing_extra_is_named(tmp_path, monkeypatch, lang, text):
    monkeypatch.setitem(sys.modules, "pyreadstat", None)
    with pytest.raises(LabourwatchError) as err:
        api.export(pa.table({"id": ["a"], "age": [30.0]}), tmp_path / "out.sav", lang=lang)
    assert text in err.value.text(lang)
