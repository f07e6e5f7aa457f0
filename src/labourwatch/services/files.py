"""Writing outputs: whole or not at all, with the permissions any new file would get."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from labourwatch.core.errors import LabourwatchError, Message

if sys.platform != "win32":
    import fcntl


def temp_beside(target: Path) -> Path:
    """A new empty file in the target's folder (made as needed), with the permissions any new file would
    get: written first, then moved onto the target, so no reader ever sees half an output."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".lw-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    path = Path(name)
    usual_permissions(path)
    return path


def usual_permissions(path: Path) -> None:
    """mkstemp makes a file private; an output gets the permissions any new file would."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o666 & ~umask)


def refuse_overwriting(output: str | Path, *inputs: Any) -> None:
    """Writing an output over one of the inputs would destroy the input: refused before any work."""
    out = Path(output)
    for data in inputs:
        if isinstance(data, str | Path) and _same_file(Path(data), out):
            raise LabourwatchError(Message("output_is_input", {"path": out}))


def _same_file(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def write_whole(target: Path, write: Callable[[Path], None]) -> Path:
    """`write` to a file beside `target`, then moved onto it: on any failure (a full disk) the target
    is as it was, and nothing is left behind."""
    tmp = temp_beside(target)
    try:
        write(tmp)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


@contextmanager
def folder_lock(target: Path) -> Iterator[None]:
    """One writer at a time in the target's folder: an exclusive lock on the folder itself, released
    when the block ends or the process dies (so a killed import never blocks the next one), and no lock
    file left behind. Windows has no such lock: there, writers are not serialised."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if sys.platform == "win32":  # pragma: no cover
        yield
        return
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
