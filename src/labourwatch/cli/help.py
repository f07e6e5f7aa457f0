"""Help pages in the language of the session. Click writes them from the English texts in the code;
for Russian, the texts of i18n/help.yaml are put in their place while a page is written, and click's
own words (Usage, Options, default...) are replaced as the formatter writes them."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import click
import yaml

HELP_PATH = Path(__file__).parents[1] / "i18n" / "help.yaml"
ROOT = "labourwatch"


@cache
def translations() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(HELP_PATH.read_text(encoding="utf-8"))
    return loaded


def _text(value: Any) -> str | None:
    return str(value) if value else None


def help_lang(ctx: click.Context) -> str:
    """--lang where it was given before --help (both options are eager, so read in the order typed),
    else $LABOURWATCH_LANG, else English."""
    for c in (ctx, ctx.find_root()):
        if c.params.get("lang"):
            return str(c.params["lang"])
    return os.environ.get("LABOURWATCH_LANG", "en")


def command_text(name: str) -> str | None:
    return _text(translations()["commands"].get(name, {}).get("help"))


def option_text(name: str, option: str) -> str | None:
    own = translations()["commands"].get(name, {}).get("options", {})
    return _text(own.get(option) or translations()["options"].get(option))


def options(command: click.Command, ctx: click.Context) -> dict[str, click.Option]:
    """A command's options by the names help.yaml gives them (click's own help option is `help`). The
    context must carry the group's settings: click keeps the help option it makes with the first one."""
    helper = command.get_help_option(ctx)
    found = [p for p in command.get_params(ctx) if isinstance(p, click.Option) and p.name]
    return {"help" if p is helper else str(p.name): p for p in found}


def _name(command: click.Command) -> str:
    return ROOT if isinstance(command, click.Group) else str(command.name)


@contextmanager
def _translated(commands: Sequence[click.Command], ctx: click.Context) -> Iterator[None]:
    """The Russian texts in place of the English ones for as long as a page is written."""
    saved: list[tuple[Any, str | None]] = []
    for command in commands:
        saved.append((command, command.help))
        command.help = command_text(_name(command)) or command.help
        for key, param in options(command, ctx).items():
            saved.append((param, param.help))
            param.help = option_text(_name(command), key) or param.help
    try:
        yield
    finally:
        for owner, text in saved:
            owner.help = text


class Formatter(click.HelpFormatter):
    def __init__(self, *args: Any, words: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.words = words

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english in ("[OPTIONS]", "COMMAND [ARGS]..."):
            args = args.replace(english, self.words.get(english, english))
        super().write_usage(prog, args, prefix or self.words.get("Usage:", "Usage:") + " ")

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(self.words.get(name, name)):
            yield

    def write_dl(self, rows: Iterable[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().write_dl([(term, self._extras(text)) for term, text in rows], *args, **kwargs)

    def _extras(self, text: str) -> str:
        """Click's own "[default: ...; required]" after an option's text, in the page's language."""
        default, required = self.words.get("default", "default"), self.words.get("required", "required")
        text = re.sub(r"(\[|; )default: ", rf"\g<1>{default}: ", text)
        return re.sub(r"(\[|; )required\]", rf"\g<1>{required}]", text)


class Context(click.Context):
    def make_formatter(self) -> click.HelpFormatter:
        words = translations()["words"] if help_lang(self) == "ru" else {}
        return Formatter(width=self.terminal_width, max_width=self.max_content_width, words=words)


class Command(click.Command):
    context_class = Context

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if help_lang(ctx) != "ru":
            return super().format_help(ctx, formatter)
        with _translated([self], ctx):
            super().format_help(ctx, formatter)


class Group(click.Group):
    """The `labourwatch` group: its commands are written with the Russian texts too, for their list."""

    context_class = Context
    command_class = Command

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if help_lang(ctx) != "ru":
            return super().format_help(ctx, formatter)
        with _translated([self, *self.commands.values()], ctx):
            super().format_help(ctx, formatter)
