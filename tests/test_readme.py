"""The README runs as written: every `labourwatch` command of its shell blocks, top to bottom in a
fresh folder holding only the shipped examples, then its Python block. A command that needs what a
test cannot have (an ODK Central server) must fail cleanly, with a message and no traceback."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from labourwatch.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
NEEDS_A_SERVER = {"--central": "ODK Central"}  # the flag, and words of the clean refusal


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README, flags=re.DOTALL)


def commands() -> list[list[str]]:
    """The `labourwatch` command lines of the shell blocks (continuations joined, comments dropped)."""
    out = []
    for block in blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0].endswith("/labourwatch"):
                out.append(words[1:])
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A fresh folder with the shipped examples, where the README's outputs (out/...) go."""
    here = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "examples", here / "examples")
    (here / "out").mkdir()
    return here


def test_the_readme_has_the_commands_a_newcomer_needs():
    names = {words[0] if not words[0].startswith("--") else words[2] for words in commands()}
    assert {"synth", "assess", "explain", "report", "arrears", "import", "map", "questionnaire"} <= names


def test_every_command_of_the_readme_runs_as_written(folder, monkeypatch):
    monkeypatch.chdir(folder)
    failed = []
    for words in commands():
        shown = f"labourwatch {shlex.join(words)}"
        refusal = next((word for flag, word in NEEDS_A_SERVER.items() if flag in words), None)
        if refusal is not None:  # run as a user would, to read its message on stderr
            run = subprocess.run([sys.executable, "-m", "labourwatch", *words], capture_output=True, text=True)
            if run.returncode != 1 or refusal not in run.stderr or "Traceback" in run.stderr:
                failed.append(f"{shown}: should fail cleanly naming {refusal}: {run.returncode} {run.stderr[-300:]}")
            continue
        result = CliRunner().invoke(cli, words)
        if result.exit_code != 0 or "Traceback" in result.output:
            failed.append(f"{shown}: exit {result.exit_code}: {result.output[-400:]}")
    assert failed == []
    assert (folder / "out" / "worker.pdf").stat().st_size > 0 and (folder / "out" / "report.ru.html").exists()


def test_the_python_example_runs_as_written(folder, monkeypatch):
    """After the commands (it reads their outputs)."""
    monkeypatch.chdir(folder)
    (code,) = blocks("python")
    scope: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), scope)  # the README's own example
    owed = scope["owed"]
    assert owed.claims.column("owed")[0].as_py() == pytest.approx(208_125.0)  # type: ignore[attr-defined]
