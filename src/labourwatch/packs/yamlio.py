"""YAML that remembers where things are: every mapping knows the line of each of its keys, and every
string knows its line, so that errors in packs point at file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from labourwatch.core.errors import Location, PackError
from labourwatch.i18n.yamlfiles import FAST_SAFE_LOADER


class LocatedStr(str):
    line: int
    block: bool  # a `|` or `>` scalar: its text starts on the next line

    def first_line(self) -> int:
        return self.line + 1 if self.block else self.line


class LocatedDict(dict[Any, Any]):
    lines: dict[Any, int]
    line: int


_Base: Any = FAST_SAFE_LOADER


class _Loader(_Base):  # type: ignore[misc]
    pass


def _str(loader: _Loader, node: yaml.ScalarNode) -> LocatedStr:
    s = LocatedStr(loader.construct_scalar(node))
    s.line = node.start_mark.line + 1
    s.block = node.style in ("|", ">")
    return s


def _map(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    d = LocatedDict()
    d.lines = {}
    d.line = node.start_mark.line + 1
    explicit = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)  # keys merged in (`<<: *base`) come first and may be overridden
    merged = len(node.value) - explicit
    from_merge: set[Any] = set()
    for i, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        if key in d and key not in from_merge:
            raise PackError(f"duplicate key '{key}'", Location(loader.name, key_node.start_mark.line + 1))
        if i < merged:
            from_merge.add(key)
        else:
            from_merge.discard(key)
        d[key] = loader.construct_object(value_node, deep=True)
        d.lines[key] = key_node.start_mark.line + 1
    return d


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise PackError(f"not a date: {node.value} ({exc})", Location(loader.name, node.start_mark.line + 1)) from None


_Loader.add_constructor("tag:yaml.org,2002:str", _str)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor("tag:yaml.org,2002:map", _map)


def load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(f"not UTF-8 text: {exc}", Location(str(path))) from None
    loader = _Loader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise PackError(f"invalid YAML: {exc.problem}", Location(str(path), line)) from None
    finally:
        loader.dispose()


def line_of(mapping: Any, key: Any) -> int | None:
    lines = getattr(mapping, "lines", None)
    return lines.get(key) if lines else getattr(mapping, "line", None)
