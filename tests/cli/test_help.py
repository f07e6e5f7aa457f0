"""Every help page in Russian: each command and option has its text, and a page holds no English word
beyond codes, names of programs and formats, option names and placeholders (tests/russian.py)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from labourwatch.cli import cli
from labourwatch.cli.help import ROOT, command_text, option_text, options, translations
from tests.russian import english_words

COMMANDS = sorted(cli.commands)


def options_of(command: click.Command) -> dict[str, click.Option]:
    return options(command, click.Context(command, **cli.context_settings))


def codes_of(command: click.Command) -> set[str]:
    """The command names and the values of the options' choices (wrapped lines split `[a|b|c]`)."""
    choices = [p.type.choices for p in options_of(command).values() if isinstance(p.type, click.Choice)]
    return {*COMMANDS, *(str(c) for values in choices for c in values)}


def russian_help(*args: str) -> str:
    result = CliRunner().invoke(cli, ["--lang", "ru", *args, "--help"], prog_name="labourwatch")
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_and_option_has_its_russian_text():
    missing = [name for name in COMMANDS if not command_text(name)]
    missing += [f"{name} {option}" for name in COMMANDS for option in options_of(cli.commands[name])]
    missing = [m for m in missing if " " not in m or not option_text(*m.split())]
    assert missing == []
    known = {ROOT, *COMMANDS}
    assert set(translations()["commands"]) - known == set()
    for name, texts in translations()["commands"].items():  # no text for an option that is gone
        command = cli if name == ROOT else cli.commands[name]
        assert set(texts.get("options", {})) - set(options_of(command)) == set(), name


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_a_help_page_in_russian_has_no_english_words(command):
    page = russian_help(*([command] if command else []))
    assert page.startswith("Использование:") and "Параметры:" in page
    assert english_words(page, codes_of(cli.commands.get(command, cli))) == set()


def test_the_language_can_come_from_the_command_or_the_environment():
    assert "Идентификатор записи" in CliRunner().invoke(cli, ["explain", "--lang", "ru", "--help"]).output
    from_env = CliRunner(env={"LABOURWATCH_LANG": "ru"}).invoke(cli, ["explain", "--help"]).output
    assert "Идентификатор записи" in from_env
    english = CliRunner().invoke(cli, ["explain", "--help"]).output
    assert "The id of the record to explain." in english and "Идентификатор" not in english


def test_the_english_texts_come_back_after_a_russian_page():
    russian_help("explain")
    assert "Usage:" in CliRunner().invoke(cli, ["--lang", "en", "explain", "--help"]).output
    assert cli.commands["explain"].help is not None and cli.commands["explain"].help.startswith("Explain one record")
