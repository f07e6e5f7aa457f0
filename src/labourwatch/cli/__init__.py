"""The `labourwatch` command: a thin layer over the services.

The command modules import at their top only click, rich and what the options need, and each command
imports the services it runs in its body: `labourwatch --help`, or a command that stops at a usage error,
then starts in a fifth of a second instead of loading the statistics, spreadsheet and database libraries
(tests/cli/test_startup.py).

Exit status: 0 done; 1 the input or the data has problems (listed); 2 wrong usage; 70 internal error.
"""

from __future__ import annotations

import os
import sys

import click

# Importing the command modules registers their commands on the group.
from labourwatch.cli import assessing, data, help, money, statistics, study, web, worktime  # noqa: F401
from labourwatch.cli.common import cli, err, print_error
from labourwatch.core.errors import LabourwatchError
from labourwatch.i18n import t

__all__ = ["cli", "main"]


def main() -> None:
    lang = help.session_lang(sys.argv[1:])
    if not os.environ.get("LABOURWATCH_DEBUG"):
        # a library's half-run generator, collected after a failed write, would print a traceback
        # ("Exception ignored in ...") below the message that already says what went wrong
        sys.unraisablehook = lambda _: None
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        with help.speaking(lang):
            exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except LabourwatchError as exc:
        print_error(exc.text(lang), lang)
        sys.exit(1)
    except OSError as exc:  # the machine, not labourwatch: a full disk, a folder one may not write in
        print_error(t("os_error", lang, path=exc.filename or "-", reason=exc.strerror or exc), lang)
        sys.exit(1)
    except Exception as exc:  # the last guard: never a traceback for the user
        if os.environ.get("LABOURWATCH_DEBUG"):
            raise
        err.print(t("internal_error", lang, error=f"{type(exc).__name__}: {exc}"))
        sys.exit(70)
