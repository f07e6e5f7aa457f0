"""Hostile and careless inputs on the command line (issue #13): every message is printed as it is, so
text that looks like markup ("[/]", "[bold]") or an emoji code (":x:") in a file name, a header, an id
or a value is shown exactly, never read as formatting, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def labourwatch(*args: str) -> subprocess.CompletedProcess[str]:
    """The real entry point, in its own process: what a user's shell would run."""
    return subprocess.run([sys.executable, "-m", "labourwatch", *args], capture_output=True, text=True)


def no_crash(proc: subprocess.CompletedProcess[str]) -> str:
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text and "MarkupError" not in text
    assert proc.returncode != 70, text
    return text


@pytest.mark.parametrize("name", ["nope[/].csv", "[bold]survey[/bold].csv", "a :x: b.csv", "[red]x"])
def test_a_file_name_that_looks_like_markup_is_named_as_it_is(tmp_path: Path, name: str):
    proc = labourwatch("assess", str(tmp_path / name), "-o", str(tmp_path / "o.csv"))
    assert proc.returncode == 1
    assert name in no_crash(proc)


def test_a_header_and_a_value_that_look_like_markup_are_shown_as_they_are(tmp_path: Path):
    data = tmp_path / "in.csv"
    data.write_text("id,reference_date,hours_per_day,[bold]note[/]\n1,2024-06-03,[/]12,:x:\n", encoding="utf-8")
    proc = labourwatch("assess", str(data), "-o", str(tmp_path / "o.csv"))
    text = no_crash(proc)
    assert proc.returncode == 1
    assert "[/]12" in text  # the invalid value, exactly
    data.write_text("id,reference_date,hours_per_day,[bold]note[/]\n1,2024-06-03,12,:x:\n", encoding="utf-8")
    proc = labourwatch("assess", str(data), "-o", str(tmp_path / "o.csv"))
    assert proc.returncode == 0
    assert "[bold]note[/]" in no_crash(proc)  # the note on a column that is not a variable


def test_an_id_that_looks_like_markup_is_quoted_as_it_is(tmp_path: Path):
    data = tmp_path / "in.csv"
    data.write_text("id,reference_date,hours_per_day\n1,2024-06-03,12\n", encoding="utf-8")
    proc = labourwatch("explain", str(data), "--id", "[/]")
    assert proc.returncode == 1
    assert "'[/]'" in no_crash(proc)


def test_a_reading_that_looks_like_markup_is_a_usage_error_shown_as_it_is(tmp_path: Path):
    data = tmp_path / "in.csv"
    data.write_text("id,reference_date,hours_per_day\n1,2024-06-03,12\n", encoding="utf-8")
    proc = labourwatch("assess", str(data), "-o", str(tmp_path / "o.csv"), "--set", "reading.x[/]=1")
    assert proc.returncode in (1, 2)
    assert "reading.x[/]" in no_crash(proc)


# --- outputs never destroy inputs, and nothing is left behind ------------------------------------------

SMALL = "id,reference_date,hours_per_day,monthly_pay,pay_currency\n1,2024-06-03,12,80000,KZT\n"


def test_an_output_over_its_input_is_refused_and_the_input_kept(tmp_path: Path):
    data = tmp_path / "same.csv"
    data.write_text(SMALL, encoding="utf-8")
    for args in (
        ("assess", str(data), "-o", str(data)),
        ("assess", str(data), "-o", str(tmp_path / "." / "same.csv")),
        ("arrears", str(data), "-o", str(data)),
        ("export", str(data), "-o", str(data)),
    ):
        proc = labourwatch(*args)
        assert proc.returncode == 1, args
        assert "would overwrite an input" in no_crash(proc), args
        assert data.read_text(encoding="utf-8") == SMALL, args


def test_an_import_is_written_as_parquet_only(tmp_path: Path):
    data = tmp_path / "in.csv"
    data.write_text(SMALL, encoding="utf-8")
    proc = labourwatch("import", str(data), "-o", str(tmp_path / "x.csv"))
    assert proc.returncode == 1 and ".parquet" in no_crash(proc)
    assert not (tmp_path / "x.csv").exists()


def test_a_parquet_name_like_a_pattern_is_read_as_that_one_file(tmp_path: Path):
    """DuckDB reads "survey[1].parquet" as a pattern matching "survey1.parquet": a neighbour's private
    file. labourwatch reads the file named, and only it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from labourwatch.api import assess

    pq.write_table(pa.table({"id": ["mine"], "reference_date": ["2024-06-03"]}), tmp_path / "survey[1].parquet")
    pq.write_table(pa.table({"id": ["private"], "reference_date": ["2024-06-03"]}), tmp_path / "survey1.parquet")
    assert assess(tmp_path / "survey[1].parquet").table.column("id").to_pylist() == ["mine"]


def test_no_temporary_folder_is_left_behind(tmp_path: Path):
    data = tmp_path / "in.csv"
    data.write_text(SMALL, encoding="utf-8")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    for args in (("assess", str(data), "-o", str(tmp_path / "o.parquet")), ("explain", str(data), "--id", "nope")):
        proc = subprocess.run([sys.executable, "-m", "labourwatch", *args], capture_output=True, text=True, env=env)
        no_crash(proc)
    assert list(scratch.iterdir()) == []


# --- estimates: no disclosure control turned off, no NaN or negative weights -------------------------


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("assessed")
    assert labourwatch("synth", "-n", "200", "-o", str(folder / "s.csv")).returncode == 0
    assert labourwatch("assess", str(folder / "s.csv"), "-o", str(folder / "a.csv")).returncode == 0
    return folder / "a.csv"


@pytest.mark.parametrize(
    "option", [("--threshold", "-1"), ("--threshold", "0"), ("--level", "1.5"), ("--level", "nan"), ("--level", "0")]
)
def test_estimate_refuses_options_that_would_publish_wrong_or_unprotected_figures(assessed: Path, option):
    proc = labourwatch("estimate", str(assessed), "--finding", "no_written_contract", *option)
    assert proc.returncode == 2, option
    assert option[1] in no_crash(proc)


@pytest.mark.parametrize("weight", ["nan", "inf", "-1", "Infinity"])
def test_estimate_refuses_weights_that_are_not_finite_and_positive(tmp_path: Path, assessed: Path, weight: str):
    lines = assessed.read_text(encoding="utf-8").splitlines()
    weighted = [lines[0] + ",w"] + [line + ",1" for line in lines[1:]]
    weighted[3] = lines[3] + f",{weight}"
    data = tmp_path / "w.csv"
    data.write_text("\n".join(weighted) + "\n", encoding="utf-8")
    proc = labourwatch("estimate", str(data), "--finding", "no_written_contract", "--weights", "w")
    assert proc.returncode == 1
    assert "column w" in no_crash(proc) and weight in proc.stderr


def test_estimate_refuses_weights_that_are_all_zero(tmp_path: Path, assessed: Path):
    lines = assessed.read_text(encoding="utf-8").splitlines()
    data = tmp_path / "w0.csv"
    data.write_text("\n".join([lines[0] + ",w"] + [line + ",0" for line in lines[1:]]) + "\n", encoding="utf-8")
    proc = labourwatch("estimate", str(data), "--finding", "no_written_contract", "--weights", "w")
    assert proc.returncode == 1 and "every weight in column w is 0" in no_crash(proc)


# --- YAML a user gives: no alias bombs ---------------------------------------------------------------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_a_claim_file_with_aliases_is_refused_at_once(tmp_path: Path):
    claim = tmp_path / "claim.yaml"
    claim.write_text(BOMB, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "labourwatch", "arrears", "--file", str(claim)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "aliases" in no_crash(proc)


def test_a_mapping_file_with_aliases_is_refused(tmp_path: Path):
    data = tmp_path / "in.csv"
    data.write_text("resp,date\n1,2024-06-03\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text(BOMB, encoding="utf-8")
    proc = labourwatch("import", str(data), "-o", str(tmp_path / "d.parquet"), "--mapping", str(mapping))
    assert proc.returncode == 1 and "aliases" in no_crash(proc)


def test_a_zip_that_unpacks_far_beyond_its_size_is_refused(tmp_path: Path):
    import zipfile

    bomb = tmp_path / "export.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("form.csv", "KEY,x\n" + "0" * (64 << 20))  # 64 MiB that pack into about 64 KiB
    proc = labourwatch("import", str(bomb), "-o", str(tmp_path / "d.parquet"))
    assert proc.returncode == 1 and "more than a survey export would" in no_crash(proc)


def test_a_corrupt_zip_member_is_named_not_a_crash(tmp_path: Path):
    import zipfile

    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("form.csv", "KEY,x\n" + "1,2\n" * 5000)
    data = bytearray(good.read_bytes())
    data[60:200] = bytes(140)  # damage the packed bytes of the member
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(data))
    proc = labourwatch("import", str(bad), "-o", str(tmp_path / "d.parquet"))
    assert proc.returncode == 1 and "bad.zip" in no_crash(proc)


# --- settings and files with nothing to estimate ----------------------------------------------------


def test_a_reading_set_to_nan_or_infinity_is_refused(tmp_path: Path):
    data = tmp_path / "in.csv"
    data.write_text(SMALL, encoding="utf-8")
    for value in ("nan", "inf", "1_5", "-Infinity"):
        proc = labourwatch(
            "assess", str(data), "-o", str(tmp_path / "o.csv"), "--set", f"reading.full_month_days={value}"
        )
        assert proc.returncode == 1 and f"expected a number, not '{value}'" in no_crash(proc), value


def test_estimate_on_a_file_with_a_header_and_no_records_says_so(tmp_path: Path):
    data = tmp_path / "h.csv"
    data.write_text("id,reference_date,no_written_contract\n", encoding="utf-8")
    proc = labourwatch("estimate", str(data), "--finding", "no_written_contract")
    assert proc.returncode == 1 and "has no records" in no_crash(proc)


def test_more_days_worked_than_the_period_has_is_refused():
    proc = labourwatch(
        *("arrears", "--from", "2024-03-01", "--to", "2024-03-31", "--hours-per-day", "8"),
        *("--days-worked", "400", "--agreed-pay", "70000", "--per", "month", "--received", "0"),
    )
    assert proc.returncode == 1 and "more days than the period has (31)" in no_crash(proc)


# --- a full disk: a clear message, the old output kept, nothing left behind ----------------------------


def _small_disk() -> None:
    """In the child: files may grow to 100 kB at most (as on a full disk, writes beyond fail)."""
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))


CLAIMS = (
    "id,period_start,period_end,hours_per_day,rest_days_per_week,agreed_pay,agreed_pay_per,pay_received\n"
    + "".join(f"w{i},2024-03-01,2024-03-31,10,1,70000,month,40000\n" for i in range(3000))
)


@pytest.mark.parametrize("command", ["assess-csv", "assess-parquet", "export-xlsx", "arrears-csv", "estimate-csv"])
def test_a_write_that_fails_for_want_of_space_says_so_and_leaves_the_old_output(
    tmp_path: Path, assessed: Path, command: str
):
    source = assessed.parent / "s.csv"
    claims = tmp_path / "claims.csv"
    claims.write_text(CLAIMS, encoding="utf-8")
    out = (
        tmp_path
        / "out"
        / {"assess-csv": "o.csv", "assess-parquet": "o.parquet", "export-xlsx": "o.xlsx"}.get(command, "o.csv")
    )
    out.parent.mkdir()
    out.write_text("the previous output", encoding="utf-8")
    args = {
        "assess-csv": ("assess", str(source), "-o", str(out)),
        "assess-parquet": ("assess", str(source), "-o", str(out)),
        "export-xlsx": ("export", str(assessed), "-o", str(out)),
        "arrears-csv": ("arrears", str(claims), "-o", str(out)),
        "estimate-csv": ("estimate", str(assessed), "--by", "sector", "-o", str(out)),
    }[command]
    proc = subprocess.run(
        [sys.executable, "-m", "labourwatch", *args], capture_output=True, text=True, preexec_fn=_small_disk
    )
    text = no_crash(proc)
    assert proc.returncode == 1 and "cannot be written" in text and "Exception ignored" not in text, text
    assert out.read_text(encoding="utf-8") == "the previous output"
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


# --- what a killed process left is cleared by the next run ----------------------------------------------


def test_staging_files_and_spill_folders_of_a_killed_process_are_removed(tmp_path: Path):
    data = tmp_path / "in.csv"
    data.write_text(SMALL, encoding="utf-8")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)  # a process that has ended
    (tmp_path / f".lw-{pid}-abc.parquet").write_bytes(b"half an output")
    (scratch / f"labourwatch-{pid}-abc").mkdir()
    (tmp_path / f".lw-{os.getpid()}-live.parquet").write_bytes(b"a live writer's")  # this process lives
    env = {**os.environ, "TMPDIR": str(scratch)}
    proc = subprocess.run(
        [sys.executable, "-m", "labourwatch", "assess", str(data), "-o", str(tmp_path / "o.parquet")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, no_crash(proc)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".lw-")) == [
        f".lw-{os.getpid()}-live.parquet"
    ]
    assert list(scratch.iterdir()) == []


def test_a_killed_import_leaves_nothing_the_next_one_keeps(tmp_path: Path):
    import signal
    import time

    rows = "".join(f"r{i},2024-06-03,{i % 14}\n" for i in range(400_000))
    data = tmp_path / "in.csv"
    data.write_text("id,reference_date,hours_per_day\n" + rows, encoding="utf-8")
    out = tmp_path / "d" / "o.parquet"
    proc = subprocess.Popen([sys.executable, "-m", "labourwatch", "assess", str(data), "-o", str(out)])
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".lw-") for p in out.parent.glob("*")) and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    small = tmp_path / "small.csv"
    small.write_text(SMALL, encoding="utf-8")
    assert labourwatch("assess", str(small), "-o", str(out)).returncode == 0
    assert sorted(p.name for p in out.parent.iterdir()) == ["o.parquet"]


# --- spreadsheets never run what a respondent typed -------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example","pay here")'


def test_csv_and_excel_outputs_do_not_run_formulas_from_the_data(tmp_path: Path):
    import openpyxl

    data = tmp_path / "in.csv"
    data.write_text(
        'id,reference_date,hours_per_day,note\n1,2024-06-03,12,"' + FORMULA.replace('"', '""') + '"\n'
        "2,2024-06-03,12,-5\n3,2024-06-03,12,@SUM(A1)\n",
        encoding="utf-8",
    )
    proc = labourwatch("assess", str(data), "-o", str(tmp_path / "o.csv"))
    assert proc.returncode == 0 and "2 text cell(s) beginning with =, +, - or @" in no_crash(proc)
    written = (tmp_path / "o.csv").read_text(encoding="utf-8")
    assert "\"'=HYPERLINK(" in written and '"\'@SUM(A1)"' in written
    assert '"-5"' in written and "'-5" not in written  # a number, left alone
    assert labourwatch("assess", str(data), "-o", str(tmp_path / "o.parquet")).returncode == 0
    assert labourwatch("export", str(tmp_path / "o.parquet"), "-o", str(tmp_path / "e.xlsx")).returncode == 0
    cell = openpyxl.load_workbook(tmp_path / "e.xlsx")["data"]["D2"]
    assert (cell.value, cell.data_type) == (FORMULA, "s")  # kept as it was typed, and stored as text
    proc = labourwatch("export", str(tmp_path / "e.xlsx"), "-o", str(tmp_path / "e.csv"))
    assert proc.returncode == 0 and "text cell(s)" in no_crash(proc)


# --- mapping files as people write them ------------------------------------------------------------------

MAPPING = Path(__file__).parents[2] / "examples" / "legacy-survey.mapping.yaml"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.replace("entry_date: q3", "entry_date: 2016-02-30"), "no column '2016-02-30'"),
        (lambda s: s.replace("codes: {1: male, 2: female}", "codes: [male, female]"), "codes must be pairs"),
        (lambda s: s.replace("codes: {1: male, 2: female}", "codes: {.nan: male, 2016-02-30: x}"), "not a code"),
        (lambda s: s + "# Müller\n", "cannot be read"),  # written in Latin-1 below
    ],
)
def test_a_mapping_file_with_odd_dates_codes_or_encoding_is_named(tmp_path: Path, change, message):
    text = change(MAPPING.read_text(encoding="utf-8"))
    mapping = tmp_path / "m.yaml"
    mapping.write_bytes(text.encode("latin-1" if "Müller" in text else "utf-8"))
    source = MAPPING.with_suffix("").with_suffix(".sav")
    proc = labourwatch("import", str(source), "--mapping", str(mapping), "-o", str(tmp_path / "d.parquet"))
    assert proc.returncode == 1 and message in no_crash(proc) and "m.yaml" in proc.stderr


def test_lists_and_records_carried_to_a_csv_output_are_refused_in_words(tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = tmp_path / "nested.parquet"
    pq.write_table(pa.table({"id": ["a"], "reference_date": ["2024-06-03"], "lst": [[1, 2]], "st": [{"a": 1}]}), data)
    proc = labourwatch("assess", str(data), "-o", str(tmp_path / "o.csv"), "--pack", "kz-labour")
    assert proc.returncode == 1 and "lst, st" in no_crash(proc) and "Parquet" in proc.stderr
    assert labourwatch("assess", str(data), "-o", str(tmp_path / "o.parquet"), "--pack", "kz-labour").returncode == 0
    assert pq.read_table(tmp_path / "o.parquet").column("lst").to_pylist() == [[1, 2]]  # carried as it was
