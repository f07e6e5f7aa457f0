"""What labourwatch works out the same way every run, kept on disk between runs: the packs as loaded
(0.7 s of YAML and expression parsing) and the SQL compiled from them. An entry's name is a hash of
everything it was made from (the packs' and the schema's content, the code that reads them, labourwatch's
and Python's versions), so a changed pack or a new release simply makes a new entry: there is nothing to
invalidate by hand.

Where: $LABOURWATCH_CACHE, else the user's cache folder (~/.cache/labourwatch, or %LOCALAPPDATA%).
`LABOURWATCH_CACHE=off` turns it off. A folder that cannot be written only costs the time saved.

Entries are pickles, which run code when read: an entry is read only from a folder and a file that
this user owns and nobody else can write to, as labourwatch makes them.

Hand-written: the libraries that do this (diskcache, joblib.Memory) key on the function's arguments, not
on the content of files they read."""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from labourwatch import __version__
from labourwatch.packs.paths import PACKAGE_ROOT

T = TypeVar("T")
OFF = "off"
KEPT = 16  # entries of each kind: the latest written
# The code whose objects an entry holds: a change to it makes new entries.
CODE = ("core", "packs", "engines")


def cache_dir() -> Path | None:
    """The cache folder, or None when turned off."""
    chosen = os.environ.get("LABOURWATCH_CACHE")
    if chosen == OFF:
        return None
    if chosen:
        return Path(chosen)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "labourwatch" / "cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "labourwatch"


def key(kind: str, parts: Iterable[str]) -> str:
    """An entry's name: its kind and the hash of what it was made from and of the code that made it."""
    digest = hashlib.sha256(f"{kind}\0{__version__}\0{sys.version}\0{code_hash()}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode())
    return f"{kind}-{digest.hexdigest()[:32]}"


_CODE_HASH: list[str] = []


def code_hash() -> str:
    """The hash of labourwatch's code that loads packs and compiles them (read once a process)."""
    if not _CODE_HASH:
        digest = hashlib.sha256()
        for path in sorted(p for folder in CODE for p in (PACKAGE_ROOT / folder).rglob("*.py")):
            digest.update(path.relative_to(PACKAGE_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
        _CODE_HASH.append(digest.hexdigest())
    return _CODE_HASH[0]


def cached(name: str, make: Callable[[], T]) -> T:
    """The entry `name`, else `make()`, kept as that entry for the next run."""
    folder = cache_dir()
    if folder is None:
        return make()
    path = folder / f"{name}.pickle"
    if _ours(folder) and _ours(path):
        try:
            with path.open("rb") as fh:
                found: T = pickle.load(fh)
            return found
        except Exception:  # an entry cut short or from an incompatible build: made again below
            pass
    value = make()
    _keep(folder, path, value)
    return value


def _ours(path: Path) -> bool:
    """Whether `path` exists, belongs to this user and only they can write to it."""
    try:
        st = path.stat()
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return owner_ok and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _keep(folder: Path, path: Path, value: object) -> None:
    """Write the entry whole (another process sees the old file or the new one, never half of one)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")  # made with mode 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        _prune(folder, path.name.split("-")[0])
    except (OSError, pickle.PicklingError, RecursionError):  # a read-only home or an object pickle refuses
        return


def _prune(folder: Path, kind: str) -> None:
    """Only the latest KEPT entries of a kind: the others were made from packs or code since changed, or
    for files assessed long ago."""
    entries = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEPT:]:
        old.unlink(missing_ok=True)
