"""Markdown shared by the generated reference pages."""

from __future__ import annotations

from typing import Any


def table_cell(value: Any) -> str:
    """A value as a cell of a Markdown table: on one line, with its bars escaped."""
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")
