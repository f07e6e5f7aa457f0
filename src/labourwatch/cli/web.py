"""`labourwatch serve`: the case-management web application on the embedded default (SQLite, demo data)."""

from __future__ import annotations

import click

from labourwatch.cli.common import cli
from labourwatch.io.optional import require


@cli.command()
@click.option("--port", default=8000, show_default=True, help="Port to listen on (127.0.0.1).")
@click.option("--no-demo", is_flag=True, help="Do not add the demo organisation, users and SYNTHETIC cases.")
@click.option("--two-factor", is_flag=True, help="Require a one-time code of every user, as in production.")
def serve(port: int, no_demo: bool, two_factor: bool) -> None:
    """Start the case-management web application: migrate the database (SQLite in out/web unless
    DATABASE_URL names PostgreSQL), add demo users and SYNTHETIC cases to an empty one, and serve it."""
    require("django")
    require("labourwatch_web.server").run(port, not no_demo, click.echo, two_factor)
