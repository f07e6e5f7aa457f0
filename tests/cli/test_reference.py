"""Documentation is checked like code: the generated reference is current, and every command, pack and
variable is documented."""

from __future__ import annotations

from pathlib import Path

from labourwatch.cli import cli
from labourwatch.cli.reference import reference_files

ROOT = Path(__file__).resolve().parents[2]


def test_reference_docs_are_current():
    stale = []
    for name, text in reference_files(cli).items():
        path = ROOT / "docs" / "reference" / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    assert not stale, f"docs/reference is stale for {stale}: run `make docs`"


def test_readme_shows_the_two_commands_and_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    for command in ("assess", "explain", "packs", "variables", "synth", "tables", "demo", "test-packs", "docs"):
        assert f"labourwatch {command}" in readme, command


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
