"""Errors that name the place of the problem (file, line or row, column, value).

What the user is told is a `Message`: a code of the message catalogue and its parameters, translated
only when shown, so that a case database can keep it and show it later in the reader's language."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from labourwatch.i18n import t


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


@dataclass(frozen=True)
class Message:
    """A text of the catalogue (i18n/messages.yaml) with its parameters, in no language yet."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    prefix: str = ""  # put before the text (a space before a unit)

    def text(self, lang: str = "en") -> str:
        params = {k: v.text(lang) if isinstance(v, Message) else v for k, v in self.params.items()}
        return self.prefix + t(self.code, lang, **params)


class LabourwatchError(Exception):
    """Base class: every error the user can cause is one of these, never a bare traceback.

    Raised with a `Message` (translated when shown: `text(lang)`) or, at the edges, a text already in
    the user's language."""

    def __init__(self, message: str | Message = "", lang: str = "en") -> None:
        self.message = message
        self.lang = lang
        super().__init__(message)

    def text(self, lang: str | None = None) -> str:
        if isinstance(self.message, Message):
            return self.message.text(lang or self.lang)
        return self.message

    def __str__(self) -> str:
        return self.text()


class PackError(LabourwatchError):
    """A rule pack or the variables schema is malformed; the message points at file and line."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class ExpressionError(PackError):
    """An expression does not parse or does not type-check."""


@dataclass(frozen=True)
class Problem:
    """One value that cannot be judged: where it is, what it is, and why."""

    row: int | None  # the record's number in its input, from 1
    column: str | None
    value: str | None
    message: Message

    def text(self, lang: str = "en") -> str:
        return self.message.text(lang)


@dataclass(frozen=True)
class Input:
    """How messages name an input and a row of it."""

    label: str  # its path, or "<table>"
    header_lines: int = 0  # rows before the first record in a spreadsheet view (1 for CSV and Excel)
    lines: Mapping[int, int | None] = field(default_factory=dict)  # row -> its first line, where rows skip lines

    def where(self, row: int, lang: str = "en") -> str:
        line = self.lines[row] if row in self.lines else row + self.header_lines if self.header_lines else None
        if line is not None:
            return t("where_row_line", lang, row=row, line=line)
        return t("where_row", lang, row=row)


class Labelled(Protocol):
    @property
    def label(self) -> str: ...

    @property
    def header_lines(self) -> int: ...


class DataError(LabourwatchError):
    """The input has values that cannot be judged; nothing was assessed. `problems` holds the first
    of them (at most a thousand), `total` how many there are."""

    def __init__(self, source: Labelled, problems: list[Problem], total: int, lang: str = "en") -> None:
        line_of = getattr(source, "line_of", None)
        lines = {q.row: line_of(q.row) for q in problems if q.row is not None} if line_of else {}
        self.source = Input(source.label, source.header_lines, lines)
        self.problems = problems
        self.total = total
        super().__init__(Message("problems_found", {"label": source.label, "total": total}), lang)


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Errors raised inside are shown in `lang` (a service knows its caller's language; an engine does not)."""
    try:
        yield
    except LabourwatchError as exc:
        exc.lang = lang
        raise
