"""Writing outputs: whole or not at all, with the permissions any new file would get."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
