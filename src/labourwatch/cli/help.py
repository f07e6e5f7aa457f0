"""Help pages and click's own messages in the language of the session. Click writes help from the
English texts in the code; for Russian, the texts of i18n/help.yaml are put in their place while a
page is written, and click's own words (Usage, Options, default...) are replaced as the formatter
writes them. Click's messages (errors such as "No such option") go through gettext, which it imports
into each of its modules as `_` and `ngettext`: those names are pointed at help.yaml's `click` section
for the time `labourwatch` runs, since click offers no other way to translate them."""

from __future__ import annotations

import gettext
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import click

from labourwatch.i18n.yamlfiles import read_yaml

HELP_PATH = Path(__file__).parents[1] / "i18n" / "help.yaml"
ROOT = "labourwatch"
LANGS = ("en", "ru")

#: The language of the command line running now, read from its words before click parses them.
SESSION_LANG: ContextVar[str | None] = ContextVar("labourwatch_session_lang", default=None)


@cache
def translations() -> dict[str, Any]:
    loaded: dict[str, Any] = read_yaml(HELP_PATH)
    return loaded


def _text(value: Any) -> str | None:
    return str(value) if value else None


def session_lang(args: Sequence[str]) -> str:
    """The language a command line asks for: its --lang (read before click, which may stop at an error
    first), else $LABOURWATCH_LANG, else English."""
    for i, arg in enumerate(args):
        typed = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(args):
            typed = args[i + 1]
        if typed in LANGS:
            return typed
    return os.environ.get("LABOURWATCH_LANG", "en")


def help_lang(ctx: click.Context) -> str:
    """--lang as click read it, else as the session's command line asks."""
    for c in (ctx, ctx.find_root()):
        if c.params.get("lang") in LANGS:  # not yet read, it is click's UNSET
            return str(c.params["lang"])
    return SESSION_LANG.get() or os.environ.get("LABOURWATCH_LANG", "en")


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Click's messages in this language while the block runs."""
    token = SESSION_LANG.set(lang)
    try:
        yield
    finally:
        SESSION_LANG.reset(token)


def click_message(message: str) -> str:
    """One of click's messages in the session's language."""
    if SESSION_LANG.get() != "ru":
        return message
    return str(translations()["click"].get(message, message))


def click_plural(singular: str, plural: str, n: int) -> str:
    return click_message(singular if n == 1 else plural)


def _speak_click_messages() -> None:
    ours = {"_": (gettext.gettext, click_message), "ngettext": (gettext.ngettext, click_plural)}
    for module in [m for name, m in sys.modules.items() if name.startswith("click.")]:
        for attribute, (theirs, mine) in ours.items():
            if getattr(module, attribute, None) is theirs:
                setattr(module, attribute, mine)


_speak_click_messages()


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
    """For a page in Russian, the Russian texts in place of the English ones while it is written."""
    saved: list[tuple[Any, str | None]] = []
    for command in commands if help_lang(ctx) == "ru" else ():
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
        with _translated([self], ctx):
            super().format_help(ctx, formatter)


class Group(click.Group):
    """The `labourwatch` group: its commands are written with the Russian texts too, for their list."""

    context_class = Context
    command_class = Command

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        with speaking(session_lang(sys.argv[1:] if args is None else args)):
            return super().main(args, *rest, **kwargs)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated([self, *self.commands.values()], ctx):
            super().format_help(ctx, formatter)
