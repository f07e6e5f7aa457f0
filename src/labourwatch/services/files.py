"""Writing outputs: whole or not at all, with the permissions any new file would get."""

from __future__ import annotations

import os
import queue
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from labourwatch.core.errors import LabourwatchError, Message

if sys.platform != "win32":
    import fcntl


STAGING = ".lw-"  # staging files: .lw-<pid>-<random><suffix>
QUEUED = 2  # batches waiting for a background writer: what overlapping costs in memory (one of all packs: ~100 MB)


@contextmanager
def in_background(write: Callable[[Any], None]) -> Iterator[Callable[[Any], None]]:
    """A sink that hands each item to `write` in a thread of its own, so that encoding and writing the
    output (which release the GIL) overlap computing the next batch instead of alternating with it. At
    most QUEUED items wait. An error in `write` is raised in the caller at its next item or at the end;
    the thread drains what is left, so the caller never waits on a writer that has stopped."""
    items: queue.Queue[Any] = queue.Queue(QUEUED)
    failed: list[BaseException] = []
    end = object()

    def work() -> None:
        while (item := items.get()) is not end:
            if not failed:
                try:
                    write(item)
                except BaseException as exc:  # handed to the caller's thread
                    failed.append(exc)

    def put(item: Any) -> None:
        if failed:
            raise failed[0]
        items.put(item)

    thread = threading.Thread(target=work, name="labourwatch-writer", daemon=True)
    thread.start()
    try:
        yield put
    finally:
        items.put(end)
        thread.join()
    if failed:
        raise failed[0]


def temp_beside(target: Path) -> Path:
    """A new empty file in the target's folder (made as needed), with the permissions any new file would
    get: written first, then moved onto the target, so no reader ever sees half an output. It is named
    after its process, so that the next write in the folder removes it if the process was killed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(target.parent, STAGING)
    fd, name = tempfile.mkstemp(prefix=f"{STAGING}{os.getpid()}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    path = Path(name)
    usual_permissions(path)
    return path


def remove_abandoned(folder: Path, prefix: str) -> None:
    """Remove what a killed process of this user left (files or folders named `<prefix><pid>-...`): a
    process that ends normally removes its own, but SIGKILL or a power cut leaves no chance to. Another
    user's are left alone (in a shared temporary folder their process may be one this one cannot see)."""
    for path in folder.glob(f"{prefix}*"):
        pid = path.name[len(prefix) :].partition("-")[0]
        try:
            if not pid.isdigit() or _alive(int(pid)) or not _mine(path):
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        except OSError:  # gone meanwhile, or not ours to remove: never a reason to fail a run
            continue


def _mine(path: Path) -> bool:
    return sys.platform == "win32" or path.lstat().st_uid == os.getuid()


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - signal 0 would end the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


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


def write_whole(target: Path, write: Callable[[Path], object]) -> Path:
    """`write` to a file beside `target`, then moved onto it: on any failure (a full disk) the target
    is as it was, and nothing is left behind."""
    tmp = temp_beside(target)
    try:
        write(tmp)
        tmp.replace(target)
    except OSError as exc:
        raise cannot_write(target, exc) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def cannot_write(target: Path, exc: OSError) -> LabourwatchError:
    """A write that failed (a full disk, a file-size limit, no permission), named by its output."""
    return LabourwatchError(Message("cannot_write", {"path": target, "reason": exc.strerror or str(exc)}))


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
