"""YAML (and JSON) files that users give (a mapping, a claim): safe types only, and no anchors or
aliases. A few hundred bytes of nested aliases make a document of billions of nodes; no file a user
writes for labourwatch needs them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class _UserLoader(yaml.SafeLoader):
    """Safe types, with dates left as the text written: the readers check a date whole (2016-02-30 is
    refused there, by row and column, instead of failing inside the YAML parser)."""


def _as_written(loader: _UserLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)  # type: ignore[arg-type]  # a timestamp node is a scalar node


_UserLoader.add_constructor("tag:yaml.org,2002:timestamp", _as_written)


class AliasesRefused(yaml.YAMLError):
    def __init__(self, line: int) -> None:
        super().__init__(f"anchors and aliases (&name, *name) are not accepted here (line {line})")


def load_user_yaml(path: Path) -> Any:
    """The document of `path`; yaml.YAMLError (AliasesRefused among them) or OSError when it cannot be."""
    text = path.read_text(encoding="utf-8")
    for event in yaml.parse(text, Loader=yaml.SafeLoader):  # read lazily: stops at the first alias
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise AliasesRefused(event.start_mark.line + 1 if event.start_mark else 0)
    return yaml.load(text, Loader=_UserLoader)
