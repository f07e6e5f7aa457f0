"""YAML (and JSON) files that users give (a mapping, a claim): safe types only, and no anchors or
aliases. A few hundred bytes of nested aliases make a document of billions of nodes; no file a user
writes for labourwatch needs them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class AliasesRefused(yaml.YAMLError):
    def __init__(self, line: int) -> None:
        super().__init__(f"anchors and aliases (&name, *name) are not accepted here (line {line})")


def load_user_yaml(path: Path) -> Any:
    """The document of `path`; yaml.YAMLError (AliasesRefused among them) or OSError when it cannot be."""
    text = path.read_text(encoding="utf-8")
    for event in yaml.parse(text, Loader=yaml.SafeLoader):  # read lazily: stops at the first alias
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise AliasesRefused(event.start_mark.line + 1 if event.start_mark else 0)
    return yaml.safe_load(text)
