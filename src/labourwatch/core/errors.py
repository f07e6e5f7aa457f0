"""Errors that name the place of the problem (file, line or row, column, value)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class LabourwatchError(Exception):
    """Base class: every error the user can cause is one of these, never a bare traceback."""


class PackError(LabourwatchError):
    """A rule pack or the variables schema is malformed; the message points at file and line."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class ExpressionError(PackError):
    """An expression does not parse or does not type-check."""
