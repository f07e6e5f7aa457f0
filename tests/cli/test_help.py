"""Every help page in Russian: each command and option has its text, and a page holds no English word
beyond codes, names of programs and formats, option names and placeholders (tests/russian.py)."""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from labourwatch.cli import cli, main
from labourwatch.cli.help import ROOT, SESSION_LANG, command_text, option_text, options, translations
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


# Click's messages a user cannot meet (mistakes in a program's own declarations, prompts and types that
# labourwatch does not use), and those translated elsewhere.
NOT_MET = {
    "Name '{name}' defined twice",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?",
    "(dynamic)",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Could not determine name for option with declarations {decls!r}",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
    "Value must be an iterable.",
    "Confirm the action without prompting.",
    "Do you want to continue?",
    "Choice({choices})",
    "directory",
    "file",
    "path",
    "{len_type} values are required, but {len_value} was given.",
    "{len_type} values are required, but {len_value} were given.",
    "{value!r} is not a valid UUID.",
    # the texts of the help and version options, which click makes once and keeps: under `options`
    "Show this message and exit.",
    "Show the version and exit.",
}


def click_messages() -> set[str]:
    """The texts click's modules give gettext (`_` and `ngettext`), read from their source."""
    found = set()
    for module in (click.core, click.exceptions, click.parser, click.types, click.decorators, click.formatting):
        tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
        for call in (c for c in calls if c.func.id in ("_", "ngettext")):  # type: ignore[attr-defined]
            found |= {a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


def test_every_click_message_a_user_can_meet_has_its_russian_text():
    assert click_messages() - NOT_MET - set(translations()["click"]) == set()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--lang", "ru", "assess", "--bogus"], "Нет такого параметра: '--bogus'."),
        (["report", "--lang", "ru", "x.parquet"], "Не указан параметр '-o' / '--output'."),
        (["--lang", "ru", "assses"], "Нет такой команды: 'assses'. Возможно, имелось в виду 'assess'?"),
        (["estimate", "x.parquet", "--ci", "zz", "--lang=ru"], "Недопустимое значение '--ci': 'zz' — не одно из"),
    ],
)
def test_click_errors_are_in_russian(args, says):
    result = CliRunner().invoke(cli, args, prog_name="labourwatch")
    assert result.exit_code == 2 and says in result.output
    assert result.output.startswith("Использование:") and "Ошибка:" in result.output
    command = next((cli.commands[a] for a in args if a in cli.commands), cli)
    assert english_words(result.output, {*args, *codes_of(command)}) == set()
    english = CliRunner().invoke(cli, ["assess", "--bogus"]).output
    assert "Error: No such option: '--bogus'" in english or "No such option '--bogus'" in english


def test_the_command_speaks_russian_errors_from_the_environment(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["labourwatch", "explain"])
    monkeypatch.setenv("LABOURWATCH_LANG", "ru")
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    assert "Ошибка: Не указан аргумент 'INPUT'." in capsys.readouterr().err
    assert SESSION_LANG.get() is None  # nothing after it speaks Russian unasked
