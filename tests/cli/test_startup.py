"""The command line starts without the libraries its commands use: `labourwatch --help`, and the parsing
of any command line, load only click, rich and PyYAML; a command loads what it runs when it runs."""

from __future__ import annotations

import subprocess
import sys

import click

from labourwatch.cli import cli, worktime
from labourwatch.packs.calendar import WEEKS

# Each costs a tenth of a second or more to import; together they took --help from 0.2 s to 3.4 s.
HEAVY = ("scipy", "pandas", "numpy", "pyarrow", "duckdb", "sqlglot", "openpyxl", "pyreadstat", "lark", "jinja2")


def loaded_after(code: str) -> set[str]:
    listing = "import sys; print(' '.join(sorted(m for m in sys.modules if '.' not in m)))"
    proc = subprocess.run([sys.executable, "-c", f"{code}\n{listing}"], capture_output=True, text=True, check=True)
    return set(proc.stdout.split())


def test_the_command_line_loads_no_heavy_library_to_start() -> None:
    loaded = loaded_after("from labourwatch.cli import cli\ncli.main(['--help'], standalone_mode=False)")
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_a_command_s_help_loads_no_heavy_library_either() -> None:
    code = "from labourwatch.cli import cli\n" + "\n".join(
        f"cli.main([{name!r}, '--help'], standalone_mode=False)" for name in cli.commands
    )
    loaded = loaded_after(code)
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_a_command_loads_what_it_runs() -> None:  # the check above would pass if nothing were ever loaded
    loaded = loaded_after("from labourwatch.cli import cli\ncli.main(['variables', '--json'], standalone_mode=False)")
    assert {"lark", "yaml"} <= loaded


def test_the_calendar_command_offers_the_calendar_s_weeks() -> None:
    week = next(p for p in worktime.calendar_command.params if p.name == "week")
    assert isinstance(week.type, click.Choice)
    assert tuple(week.type.choices) == WEEKS
