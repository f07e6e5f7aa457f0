"""Writing outputs: whole or not at all, with the permissions any new file would get."""

from __future__ import annotations

import os
from pathlib import Path


def usual_permissions(path: Path) -> None:
    """mkstemp makes a file private; an output gets the permissions any new file would."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o666 & ~umask)
