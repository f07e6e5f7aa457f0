"""What the commands share: the consoles, tables and notes, the options, the judgement keywords, the
problem table and the group."""

from __future__ import annotations

import csv
import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from labourwatch.cli import help
from labourwatch.core.errors import DataError, LabourwatchError
from labourwatch.i18n import t

if TYPE_CHECKING:
    from labourwatch.presentation.tables import Grid

F = TypeVar("F", bound=Callable[..., Any])
SHOWN_PROBLEMS = 20
# Every text is printed as it is: no markup or emoji codes read from it, so a file name, a header, an id
# or a value such as "nope[/].csv" or ":x:" is shown exactly and can never break the output. Colour
# comes only from `labelled`.
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)


def stdout_is_terminal() -> bool:
    """Whether a person reads stdout: tables are then drawn, else written as TSV. TTY_COMPATIBLE=1 or 0
    (rich's own switch) says so for a pager that shows colours, or for tests; FORCE_COLOR does not:
    colours are not a layout, and a pipe wants TSV whatever its colours."""
    forced = os.environ.get("TTY_COMPATIBLE", "")
    if forced in ("0", "1"):
        return forced == "1"
    return sys.stdout.isatty()


def terminal_width() -> int:
    """$COLUMNS, else the terminal's width, else 80: read at each print, as a window may be resized."""
    return shutil.get_terminal_size().columns


def sized(console: Console) -> int:
    """The terminal's width now, given to the console too (rich keeps the $COLUMNS of its making, and
    prints no wider): returned for the layout."""
    console.width = terminal_width()
    return console.width


def print_tables(lang: str, *grids: Grid) -> None:
    """Tables to stdout: drawn at a terminal under their titles; in a pipe TSV, their titles on stderr.
    A command that prints several tables in a pipe writes each after a blank line, with its header row."""
    from labourwatch.presentation.tables import drawn, tsv

    terminal = stdout_is_terminal()
    for grid in grids:
        if grid.title:
            print_note(Text(grid.title, style="bold"))
        if terminal:
            out.print(drawn(grid, lang, sized(out)))
            out.print()
        else:
            click.echo(("\n" if _tsv_written() else "") + tsv(grid), nl=False)


def _tsv_written() -> bool:
    """Whether this command wrote a TSV table already (and so the next needs a blank line before it)."""
    ctx = click.get_current_context(silent=True)
    meta = ctx.meta if ctx is not None else {}
    written = bool(meta.get("labourwatch.tsv_written"))
    meta["labourwatch.tsv_written"] = True
    return written


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A bar on stderr for work over a few seconds, at a terminal only (gone when done): yields the
    function that advances it."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def print_note(text: str | Text) -> None:
    """Text that goes with a table: at a terminal on stdout, wrapped at words to its width (a path or an
    identifier longer than that is kept whole); in a pipe on stderr, so that stdout holds only tables."""
    if not stdout_is_terminal():
        err.print(text)
        return
    if isinstance(text, Text):  # styled: rich wraps it
        out.print(text, width=sized(out), soft_wrap=False)
        return
    out.print("\n".join(_wrapped(line, terminal_width()) for line in text.split("\n")))


def _wrapped(line: str, width: int) -> str:
    """A line wrapped at its words, its continuation indented two more spaces than itself."""
    indent = line[: len(line) - len(line.lstrip(" "))]
    return (
        textwrap.fill(line, width, subsequent_indent=indent + "  ", break_long_words=False, break_on_hyphens=False)
        or line
    )


def labelled(label: str, text: str, style: str) -> Text:
    """`label: text`, the label in a colour, the text as it is."""
    return Text.assemble((f"{label}:", style), " ", text)


def print_error(message: str, lang: str) -> None:
    err.print(labelled(t("error", lang), message, "red"))


def print_warning(message: str, lang: str) -> None:
    err.print(labelled(t("warning", lang), message, "yellow"))


def _lang(ctx: click.Context) -> str:
    """--lang given to the command, else to `labourwatch` itself, else $LABOURWATCH_LANG, else English."""
    return str(ctx.params.get("lang") or ctx.find_root().params.get("lang") or "en")


def lang_option(f: F) -> F:
    return click.option(
        "--lang", type=click.Choice(["en", "ru"]), is_eager=True, help="Language of messages (as for labourwatch)."
    )(f)


def encoding_option(f: F) -> F:
    return click.option("--encoding", help="Encoding of a CSV input (default: UTF-8, else Windows-1251 detected).")(f)


def ci_option(f: F) -> F:
    return click.option(
        "--ci",
        "method",
        type=click.Choice(["logit", "xlogit", "likelihood", "asin", "beta", "mean", "wilson"]),
        default="logit",
        show_default=True,
        help="Confidence interval method (as R's svyciprop; wilson as survey 4.5).",
    )(f)


def threshold_option(f: F) -> F:
    """Disclosure control: at least 1 (a lower threshold would turn it off)."""
    return click.option(
        "--threshold",
        type=click.IntRange(min=1),
        default=10,
        show_default=True,
        help="Disclosure control: withhold figures resting on fewer respondents.",
    )(f)


def design_options(f: F) -> F:
    """The survey design, named by columns of the input (as R's svydesign)."""
    f = click.option(
        "--sampling", metavar="METHOD", help="How the sample was drawn (e.g. snowball: then not representative)."
    )(f)
    f = click.option(
        "--fpc", metavar="COLUMN", help="PSUs in the population of the stratum, or the sampling fraction."
    )(f)
    f = click.option("--psu", metavar="COLUMN", help="Primary sampling units (clusters).")(f)
    f = click.option("--strata", metavar="COLUMN", help="Strata.")(f)
    f = click.option("--weights", metavar="COLUMN", help="Sampling weights (default: every record weighs 1).")(f)
    return f


def _names(values: tuple[str, ...]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def judgement_options(f: F) -> F:
    f = click.option(
        "--not-asked",
        multiple=True,
        metavar="NAMES",
        help="Questions or modules the survey did not ask (comma-separated, repeatable).",
    )(f)
    f = click.option(
        "--asked",
        multiple=True,
        metavar="NAMES",
        help="The questions the survey asked: variables or modules, comma-separated, or 'all' "
        "(default: what the data came with: its form, its mapping, or its columns).",
    )(f)
    f = click.option(
        "--set",
        "settings",
        multiple=True,
        metavar="NAME=VALUE",
        help="Choose a reading where a pack offers one (e.g. reading.licence_counts_as_contract=false).",
    )(f)
    f = click.option("--verified-only", is_flag=True, help="Treat law values that are not verified as unknown.")(f)
    f = click.option("--law", metavar="ACT", help="Judge every record under this act (e.g. kz-labour-code-2007).")(f)
    f = click.option(
        "--as-of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="Judge every record under the law of this date.",
    )(f)
    f = click.option("--pack", "packs", multiple=True, metavar="ID", help="Use only these rule packs (repeatable).")(f)
    f = encoding_option(f)
    return f


def _as_date(value: Any) -> date | None:
    return value.date() if value is not None else None


def _judgement(
    as_of: Any,
    law: str | None,
    verified_only: bool,
    packs: tuple[str, ...],
    encoding: str | None,
    settings: tuple[str, ...] = (),
    asked: tuple[str, ...] = (),
    not_asked: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The API keywords the judgement options stand for."""
    if as_of is not None and law:  # options that exclude each other: a usage error (exit status 2)
        raise click.UsageError("give either --as-of or --law, not both")
    from labourwatch.core.readings import parse_pairs

    try:
        chosen = parse_pairs(settings)
    except LabourwatchError as exc:
        raise click.BadParameter(exc.text(), param_hint="--set") from None
    return {
        "as_of": _as_date(as_of),
        "law": law,
        "verified_only": verified_only,
        "packs": packs or None,
        "encoding": encoding,
        "settings": chosen,
        "asked": _names(asked) or None,
        "not_asked": _names(not_asked),
    }


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _report_problems(exc: DataError, path: Path | None, lang: str) -> None:
    """The first problems as a table; all of them in `path` when there are more (None: listed elsewhere)."""
    from labourwatch.io.formulas import defuse_rows
    from labourwatch.presentation.tables import Column, Grid, drawn
    from labourwatch.services.files import write_whole

    print_error(exc.text(lang), lang)
    columns = [Column(name, t(f"col_{name}", lang)) for name in ("row", "column", "value", "problem")]
    shown = [
        (
            exc.source.where(p.row, lang) if p.row is not None else None,
            p.column,
            "" if p.value is None else repr(p.value),
            p.text(lang),
        )
        for p in exc.problems[:SHOWN_PROBLEMS]
    ]
    err.print(drawn(Grid(columns, shown), lang, sized(err)))
    if path is not None and (exc.total > SHOWN_PROBLEMS or len(exc.problems) > SHOWN_PROBLEMS):
        rows, _ = defuse_rows([[exc.source.label, p.row, p.column, p.value, p.text(lang)] for p in exc.problems])
        write_whole(path, lambda tmp: write_csv(tmp, ["file", "row", "column", "value", "problem"], rows))
        err.print(t("problems_listed", lang, total=exc.total, path=path))


@click.group(cls=help.Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--lang",
    type=click.Choice(["en", "ru"]),
    is_eager=True,  # read before --help, which then speaks it
    default=lambda: os.environ.get("LABOURWATCH_LANG", "en"),
    help="Language of messages and explanations (default: en, or $LABOURWATCH_LANG).",
)
@click.version_option(package_name="labourwatch")
def cli(lang: str) -> None:
    """labourwatch: what migrant workers report, measured against the law in force at the time.

    Start with `labourwatch synth` for synthetic records, then `assess` and `explain` them.
    """
