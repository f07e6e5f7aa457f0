"""`labourwatch serve`: migrate, add the demo to an empty database, and serve on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Callable

import django
from django.core.management import call_command


def run(port: int, with_demo: bool, say: Callable[[str], None], two_factor: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labourwatch_web.settings")
    # The local demo asks a second factor only of those who enrolled; production requires it of all.
    os.environ.setdefault("LABOURWATCH_TWO_FACTOR", "required" if two_factor else "optional")
    if with_demo:  # the self-check shows a hotline; an invented one for the demo
        os.environ.setdefault("LABOURWATCH_HOTLINE", "+7 700 000 00 00 (SYNTHETIC)")
    django.setup()
    from labourwatch_web.cases import demo  # the models load only once Django is set up

    call_command("migrate", verbosity=0)
    if with_demo and demo.seed():
        say(f"Demo users (password {demo.PASSWORD}): {', '.join(demo.USERS)}, other-caseworker, other-supervisor")
    say(f"labourwatch web: http://127.0.0.1:{port}/ (a worker's own check, no login: /check/)")
    call_command("runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks")
