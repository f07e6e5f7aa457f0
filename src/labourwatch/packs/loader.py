"""Read the variables schema and the rule packs, check them, and build core objects.

Everything a pack author can get wrong is reported as a PackError naming the file and line.
"""

from __future__ import annotations

import dataclasses
import graphlib
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from importlib.metadata import entry_points, version
from pathlib import Path
from typing import Any

from labourwatch.core.columns import MONTH_WORKING_DAYS
from labourwatch.core.errors import Location, PackError
from labourwatch.core.expr import nodes as n
from labourwatch.core.expr.parser import parse
from labourwatch.core.expr.typecheck import PARAM_PREFIX, Scope, Symbol, check
from labourwatch.core.model import (
    VARIABLE_KINDS,
    Act,
    Case,
    LegalRef,
    Pack,
    Parameter,
    ParamValue,
    Presumption,
    Rule,
    RuleKind,
    Schema,
    Status,
    Variable,
)
from labourwatch.core.periods import THIS_JOB, PeriodJoin, Periods, periods_of
from labourwatch.core.types import Text, ValueType
from labourwatch.i18n import LANGUAGES
from labourwatch.packs import cache
from labourwatch.packs.calendar import load_calendar, month_working_days
from labourwatch.packs.paths import RULEPACKS_ROOT, SCHEMA_PATH
from labourwatch.packs.yamlio import LocatedStr, line_of, load_yaml

_SCHEMA: Schema | None = None


class _Ctx:
    """Where we are reading, to build error locations."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def at(self, mapping: Any, key: Any = None) -> Location:
        return Location(str(self.path), line_of(mapping, key) if key is not None else getattr(mapping, "line", None))

    def fail(self, message: str, mapping: Any, key: Any = None) -> PackError:
        return PackError(message, self.at(mapping, key))

    def mapping(self, value: Any, what: str, parent: Any, key: Any) -> Mapping[Any, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(f"{what} must be a mapping", parent, key)
        return value

    def text(self, value: Any, what: str, parent: Any, key: Any, *, required: bool = True) -> Text | None:
        if value is None and not required:
            return None
        m = self.mapping(value, f"{what} (a text in {', '.join(LANGUAGES)})", parent, key)
        missing = [lang for lang in LANGUAGES if not m.get(lang)]
        if missing:
            raise self.fail(f"{what} lacks a text in: {', '.join(missing)}", parent, key)
        return {str(k): str(v) for k, v in m.items()}

    def known_keys(self, value: Mapping[Any, Any], allowed: Iterable[str], what: str) -> None:
        for key in value:
            if key not in allowed:
                raise self.fail(f"unknown key '{key}' in {what} (allowed: {', '.join(sorted(allowed))})", value, key)


# --- schema ----------------------------------------------------------------------------------------

_VARIABLE_KEYS = {
    "type",
    "module",
    "label",
    "question",
    "description",
    "values",
    "phase",
    "unit",
    "min",
    "max",
    "required",
    "ask_if",
    "if_skipped",
    "repeat",
    "period",
}
PHASES = {"recruitment", "during_work", "leaving"}


def load_schema(path: Path = SCHEMA_PATH) -> Schema:
    """The canonical variables. The built-in schema is read once per process."""
    global _SCHEMA
    if path == SCHEMA_PATH and _SCHEMA is not None:
        return _SCHEMA
    ctx = _Ctx(path)
    doc = load_yaml(path)
    value_sets = {
        name: _codes(ctx, codes, f"value set '{name}'", doc["value_sets"], name)
        for name, codes in doc.get("value_sets", {}).items()
    }
    periods = _codes(ctx, doc.get("periods", {}), "the periods of answers", doc, "periods")
    if THIS_JOB not in periods:
        raise ctx.fail(f"periods must name '{THIS_JOB}', the job of the record", doc, "periods")
    variables = {}
    for name, spec in ctx.mapping(doc.get("variables"), "variables", doc, "variables").items():
        spec = ctx.mapping(spec, f"variable '{name}'", doc["variables"], name)
        ctx.known_keys(spec, _VARIABLE_KEYS, f"variable '{name}'")
        kind = spec.get("type")
        if kind not in VARIABLE_KINDS:
            raise ctx.fail(f"variable '{name}': type must be one of {', '.join(VARIABLE_KINDS)}", spec, "type")
        raw_values = spec.get("values", {})
        if isinstance(raw_values, str):
            if raw_values not in value_sets:
                raise ctx.fail(f"variable '{name}': unknown value set '{raw_values}'", spec, "values")
            values = value_sets[raw_values]
        else:
            values = _codes(ctx, raw_values, f"variable '{name}'", spec, "values")
        if kind in ("category", "multiple") and not values:
            raise ctx.fail(f"variable '{name}' of type {kind} needs values", spec, "type")
        if spec.get("phase") is not None and spec["phase"] not in PHASES:
            raise ctx.fail(f"variable '{name}': phase must be one of {', '.join(sorted(PHASES))}", spec, "phase")
        period = spec.get("period", THIS_JOB if spec.get("phase") else None)
        if period is not None and period not in periods:
            raise ctx.fail(f"variable '{name}': period must be one of {', '.join(periods)}", spec, "period")
        variables[name] = Variable(
            name=name,
            kind=kind,
            label=ctx.text(spec.get("label"), f"label of '{name}'", spec, "label") or {},
            module=str(spec.get("module", "other")),
            question=ctx.text(spec.get("question"), f"question of '{name}'", spec, "question", required=False),
            description=ctx.text(
                spec.get("description"), f"description of '{name}'", spec, "description", required=False
            ),
            values=values,
            phase=spec.get("phase"),
            unit=spec.get("unit"),
            minimum=spec.get("min"),
            maximum=spec.get("max"),
            required=bool(spec.get("required", False)),
            ask_if=spec.get("ask_if"),
            if_skipped=spec.get("if_skipped"),
            repeat=spec.get("repeat"),
            period=period,
        )
    for name, var in variables.items():
        for ref in re.findall(r"\$\{(\w+)\}", var.ask_if or ""):
            if ref not in variables:
                raise ctx.fail(
                    f"variable '{name}': ask_if names unknown variable '{ref}'", doc["variables"][name], "ask_if"
                )
    non_answers = frozenset(str(c) for c in doc.get("non_answers", []))
    version = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    schema = Schema(variables, version=version, non_answers=non_answers, periods=periods)
    if path == SCHEMA_PATH:
        _SCHEMA = schema
    return schema


def _codes(ctx: _Ctx, raw: Any, what: str, parent: Any, key: Any) -> dict[str, Text]:
    m = ctx.mapping(raw, f"values of {what}", parent, key)
    return {
        str(code): ctx.text(label, f"label of value '{code}' of {what}", m, code) or {} for code, label in m.items()
    }


# --- packs -----------------------------------------------------------------------------------------


ENTRY_POINTS = "labourwatch.packs"


def builtin_pack_dirs() -> list[Path]:
    """The folders of the packs installed: every distribution registers a function in the entry-point
    group `labourwatch.packs` that gives its folders (labourwatch's own packs are registered the same
    way, in pyproject.toml), so a country's pack can ship as a distribution of its own."""
    found: set[Path] = set()
    for entry in entry_points(group=ENTRY_POINTS):
        found.update(Path(folder) for folder in entry.load()())
    return sorted(found, key=lambda folder: (folder.name, str(folder)))


def packaged_folders() -> list[Path]:
    """labourwatch's own packs (the entry point `builtin`)."""
    return sorted(p.parent for p in RULEPACKS_ROOT.glob("*/pack.yaml"))


_BUILTIN: dict[tuple[str, ...], list[Pack]] = {}  # the built-in packs are package files: read once a process


def load_packs(ids: Sequence[str] | None = None, dirs: Sequence[Path] | None = None) -> list[Pack]:
    """Load packs (all built-in ones by default) in dependency order, checking that the names of their
    findings and classifications are unique, since each becomes a result column."""
    if dirs is None:
        key = tuple(ids or ())
        if key not in _BUILTIN:
            found = builtin_pack_dirs()
            # what a pack is made from: its files, the schema, and the holiday library its calendar counts with
            made_from = [*key, SCHEMA_PATH.read_text(encoding="utf-8"), f"holidays {version('holidays')}"]
            made_from += [f"{d}:{content_hash(d)}" for d in found]
            _BUILTIN[key] = cache.cached(cache.key("packs", made_from), lambda: _load_packs(ids, found))
        return list(_BUILTIN[key])
    return _load_packs(ids, dirs)


def _load_packs(ids: Sequence[str] | None, dirs: Sequence[Path]) -> list[Pack]:
    schema = load_schema()
    available = {_pack_id(d): d for d in dirs}
    wanted = list(ids) if ids else list(available)
    for pack_id in wanted:
        if pack_id not in available:
            raise PackError(f"unknown pack '{pack_id}'; available: {', '.join(sorted(available))}")
    loaded: dict[str, Pack] = {}

    def visit(pack_id: str, chain: tuple[str, ...]) -> None:
        if pack_id in loaded:
            return
        if pack_id in chain:
            raise PackError(f"packs require each other in a cycle: {' -> '.join((*chain, pack_id))}")
        if pack_id not in available:
            raise PackError(f"pack '{chain[-1]}' requires '{pack_id}', which is not available")
        for dep in _requires(available[pack_id]):
            visit(dep, (*chain, pack_id))
        loaded[pack_id] = load_pack(available[pack_id], schema, loaded)

    for pack_id in wanted:
        visit(pack_id, ())
    owners: dict[str, str] = {}
    for pack in loaded.values():
        for rule in pack.rules.values():
            if rule.id in owners:
                raise PackError(f"rule '{rule.id}' is defined by both {owners[rule.id]} and {pack.id}", rule.location)
            owners[rule.id] = pack.id
    return list(loaded.values())


def _pack_id(directory: Path) -> str:
    doc = load_yaml(directory / "pack.yaml")
    return str(doc.get("id", directory.name))


def _requires(directory: Path) -> list[str]:
    return [str(x) for x in load_yaml(directory / "pack.yaml").get("requires", [])]


def content_hash(directory: Path) -> str:
    """SHA-256 over the files that determine results (pack.yaml, parameters/, rules/, data/), by relative path."""
    digest = hashlib.sha256()
    paths = [directory / "pack.yaml", *sorted((directory / "parameters").glob("*.yaml"))]
    paths += sorted((directory / "rules").glob("*.yaml")) + sorted((directory / "data").glob("*"))
    for path in paths:
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


_PACK_KEYS = {"id", "version", "title", "description", "scope", "jurisdiction", "requires", "acts", "presumptions"}


def load_pack(directory: Path, schema: Schema, loaded: Mapping[str, Pack]) -> Pack:
    ctx = _Ctx(directory / "pack.yaml")
    doc = ctx.mapping(load_yaml(ctx.path), "pack.yaml", None, None)
    ctx.known_keys(doc, _PACK_KEYS, "pack.yaml")
    pack_id = str(doc.get("id") or "")
    version = str(doc.get("version") or "")
    if not pack_id or len(version.split(".")) != 3:
        raise ctx.fail("a pack needs an id and a semantic version (MAJOR.MINOR.PATCH)", doc)
    acts = {str(a["id"]): _act(ctx, a) for a in doc.get("acts", [])}
    parameters: dict[str, Parameter] = {}
    for path in sorted((directory / "parameters").glob("*.yaml")):
        parameters.update(_parameters(_Ctx(path), pack_id, path.stem, acts))
    requires = tuple(str(x) for x in doc.get("requires", []))
    closure = _closure(requires, loaded)
    visible: dict[str, Rule] = {r.id: r for dep in closure for r in loaded[dep].rules.values()}
    # `p.NAME` reads the pack's own parameter, else one of a required pack (the nearest first).
    inherited = {
        name: (dep, param.symbol) for dep in reversed(closure) for name, param in loaded[dep].parameters.items()
    }
    citable = {a.id: a for dep in closure for a in loaded[dep].acts.values()} | acts  # acts a rule may cite
    rules = _rules(directory, pack_id, schema, parameters, citable, visible, inherited)
    calendar = directory / "data" / "calendar.yaml"
    return Pack(
        id=pack_id,
        version=version,
        title=ctx.text(doc.get("title"), "title", doc, "title") or {},
        description=ctx.text(doc.get("description"), "description", doc, "description", required=False),
        scope=ctx.text(doc.get("scope"), "scope", doc, "scope", required=False),
        jurisdiction=doc.get("jurisdiction"),
        acts=acts,
        parameters=parameters,
        rules=rules,
        content_hash=content_hash(directory),
        requires=requires,
        presumptions=_presumptions(ctx, doc, pack_id, schema, parameters),
        by_month={MONTH_WORKING_DAYS: month_working_days(load_calendar(calendar))} if calendar.exists() else {},
    )


def _presumptions(
    ctx: _Ctx, doc: Mapping[Any, Any], pack: str, schema: Schema, parameters: Mapping[str, Parameter]
) -> dict[str, Presumption]:
    """`presumptions:` of pack.yaml: for a question, the value the law presumes when it was not asked,
    the pack's true/false reading that switches it on (its reference is the legal basis), and what it
    means, as explanations say it."""
    raw = ctx.mapping(doc.get("presumptions") or {}, "presumptions", doc, "presumptions")
    out = {}
    for name, spec in raw.items():
        spec = ctx.mapping(spec, f"presumption of '{name}'", raw, name)
        ctx.known_keys(spec, {"value", "reading", "explanation"}, f"presumption of '{name}'")
        variable = schema.variables.get(str(name))
        if variable is None:
            raise ctx.fail(f"presumption of '{name}': no such variable in the schema", raw, name)
        value = spec.get("value")
        if _value_type(value) is not variable.type:
            raise ctx.fail(f"presumption of '{name}': {value!r} is not a {variable.kind}", spec, "value")
        reading = parameters.get(str(spec.get("reading")))
        if reading is None or reading.type is not ValueType.BOOL or reading.values[-1].status is not Status.READING:
            raise ctx.fail(f"presumption of '{name}': 'reading' must name a true/false reading of the pack", spec)
        explanation = ctx.text(spec.get("explanation"), f"explanation of presumption '{name}'", spec, "explanation")
        out[str(name)] = Presumption(str(name), value, pack, reading.name, explanation or {})
    return out


def _closure(requires: Iterable[str], loaded: Mapping[str, Pack]) -> list[str]:
    """The packs required, directly or through other packs: their rules are all in scope."""
    seen: dict[str, None] = {}
    stack = list(requires)
    while stack:
        dep = stack.pop()
        if dep not in seen:
            seen[dep] = None
            stack.extend(loaded[dep].requires)
    return list(seen)


def _date(ctx: _Ctx, value: Any, parent: Any, key: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ctx.fail(f"not a date (YYYY-MM-DD): {value!r}", parent, key) from None


def _status(ctx: _Ctx, value: Any, parent: Any) -> Status:
    try:
        return Status(value)
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise ctx.fail(f"status must be one of {allowed}, not {value!r}", parent, "status") from None


def _act(ctx: _Ctx, spec: Any) -> Act:
    spec = ctx.mapping(spec, "an act", None, None)
    ctx.known_keys(spec, {"id", "title", "from", "to", "status", "links", "note"}, "an act")
    return Act(
        id=str(spec["id"]),
        title=ctx.text(spec.get("title"), f"title of act {spec['id']}", spec, "title") or {},
        start=_date(ctx, spec.get("from"), spec, "from"),
        end=_date(ctx, spec["to"], spec, "to") if spec.get("to") else None,
        status=_status(ctx, spec.get("status"), spec),
        links=tuple(spec.get("links", [])),
        note=ctx.text(spec.get("note"), f"note of act {spec['id']}", spec, "note", required=False),
    )


def _ref(ctx: _Ctx, spec: Any, acts: Mapping[str, Act], parent: Any, key: Any) -> LegalRef:
    spec = ctx.mapping(spec, "a reference", parent, key)
    ctx.known_keys(spec, {"act", "title", "article", "date", "links", "note"}, "a reference")
    act = spec.get("act")
    if act is not None and act not in acts:
        raise ctx.fail(f"reference to unknown act '{act}' (declared: {', '.join(acts)})", spec, "act")
    if act is None and not spec.get("title"):
        raise ctx.fail("a reference names an act of the pack or gives a title", spec)
    return LegalRef(
        act=act,
        title=ctx.text(spec.get("title"), "title of a reference", spec, "title", required=False),
        article=str(spec["article"]) if spec.get("article") is not None else None,
        date=str(spec["date"]) if spec.get("date") is not None else None,
        links=tuple(spec.get("links", [])),
        note=ctx.text(spec.get("note"), "note of a reference", spec, "note", required=False),
    )


def _value_type(value: Any) -> ValueType | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return ValueType.BOOL
    if isinstance(value, int | float):
        return ValueType.NUMBER
    if isinstance(value, date):
        return ValueType.DATE
    if isinstance(value, list | tuple):
        return ValueType.LIST
    return ValueType.STRING


_PARAM_KEYS = {"description", "unit", "follows", "values", "type", "codes"}


def _parameters(ctx: _Ctx, pack: str, group: str, acts: Mapping[str, Act]) -> dict[str, Parameter]:
    doc = ctx.mapping(load_yaml(ctx.path), "a parameter file", None, None)
    out = {}
    for short, spec in doc.items():
        name = f"{group}.{short}"
        spec = ctx.mapping(spec, f"parameter '{name}'", doc, short)
        ctx.known_keys(spec, _PARAM_KEYS, f"parameter '{name}'")
        values = []
        declared = ValueType(spec["type"]) if spec.get("type") else None
        types = set()
        raw_values = ctx.mapping(spec.get("values"), f"values of '{name}'", spec, "values")
        for start, entry in raw_values.items():
            entry = ctx.mapping(entry, f"value of '{name}' from {start}", raw_values, start)
            ctx.known_keys(entry, {"value", "status", "ref"}, f"a value of '{name}'")
            v = entry.get("value")
            if isinstance(v, list):
                v = tuple(str(x) for x in v)
            elif isinstance(v, int) and not isinstance(v, bool):
                v = float(v)
            if (t := _value_type(v)) is not None:
                types.add(t)
            values.append(
                ParamValue(
                    start=_date(ctx, start, raw_values, start),
                    value=v,
                    status=_status(ctx, entry.get("status"), entry),
                    reference=_ref(ctx, entry.get("ref"), acts, entry, "ref"),
                    location=ctx.at(raw_values, start),
                )
            )
        if declared:
            types.add(declared)
        if len(types) != 1:
            raise ctx.fail(
                f"parameter '{name}' needs values of one type (found: {sorted(types) or 'none'})", doc, short
            )
        follows = spec.get("follows", "act")
        if follows not in ("act", "calendar"):
            raise ctx.fail("follows must be 'act' or 'calendar'", spec, "follows")
        out[name] = Parameter(
            pack=pack,
            name=name,
            description=ctx.text(spec.get("description"), f"description of '{name}'", spec, "description") or {},
            type=types.pop(),
            values=tuple(sorted(values, key=lambda v: v.start)),
            unit=spec.get("unit"),
            follows=follows,
            codes=frozenset(spec["codes"]) if spec.get("codes") else None,
        )
    return out


# --- rules -----------------------------------------------------------------------------------------

_RULE_KEYS = {
    "kind",
    "label",
    "description",
    "references",
    "expr",
    "cases",
    "otherwise",
    "values",
    "indicators",
    "period",
}


def _rules(
    directory: Path,
    pack: str,
    schema: Schema,
    parameters: Mapping[str, Parameter],
    acts: Mapping[str, Act],
    visible: Mapping[str, Rule],
    inherited: Mapping[str, tuple[str, Symbol]],
) -> dict[str, Rule]:
    specs: dict[str, tuple[_Ctx, Mapping[Any, Any]]] = {}
    for path in sorted((directory / "rules").glob("*.yaml")):
        ctx = _Ctx(path)
        doc = ctx.mapping(load_yaml(path), "a rules file", None, None)
        for rule_id, spec in doc.items():
            if rule_id in specs or rule_id in visible:
                raise ctx.fail(f"rule '{rule_id}' is defined twice", doc, rule_id)
            if rule_id in schema.variables:
                raise ctx.fail(f"rule '{rule_id}' has the name of a variable", doc, rule_id)
            specs[rule_id] = (ctx, ctx.mapping(spec, f"rule '{rule_id}'", doc, rule_id))
    parsed = {rule_id: _parse_rule(ctx, rule_id, spec) for rule_id, (ctx, spec) in specs.items()}
    groups = {rule_id: _groups(ctx, spec) for rule_id, (ctx, spec) in specs.items()}
    order = graphlib.TopologicalSorter(
        {
            rid: {r for r in _names(nodes) | {m for g in groups[rid].values() for m in g} if r in parsed}
            for rid, (_, nodes) in parsed.items()
        }
    )
    try:
        ordered = list(order.static_order())
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        ctx, spec = specs[cycle[0]]
        raise ctx.fail(f"rules refer to each other in a cycle: {' -> '.join(cycle)}", spec) from None
    symbols: dict[str, Symbol] = {rid: r.symbol for rid, r in visible.items()}
    periods: dict[str, Periods] = {rid: r.periods for rid, r in visible.items()}
    rules: dict[str, Rule] = {}
    for rule_id in ordered:
        ctx, spec = specs[rule_id]
        scope = Scope(
            pack=pack,
            variables=schema.symbols(),
            parameters={k: p.symbol for k, p in parameters.items()},
            rules=dict(symbols),
            file=str(ctx.path),
            non_answers=schema.non_answers,
            groups=groups[rule_id],
            inherited=inherited,
        )
        rule = _build_rule(ctx, pack, rule_id, spec, parsed[rule_id][1], scope, acts)
        rule = dataclasses.replace(rule, periods=_periods(ctx, spec, rule, schema, periods))
        rules[rule_id] = rule
        symbols[rule_id] = rule.symbol
        periods[rule_id] = rule.periods
    return {rule_id: rules[rule_id] for rule_id in specs}  # as declared: the order of result columns


def _periods(ctx: _Ctx, spec: Mapping[Any, Any], rule: Rule, schema: Schema, known: Mapping[str, Periods]) -> Periods:
    """What the rule's result describes (core/periods.py): the period it declares with `period:`, else
    the periods of the answers it reads, which it may gather but never join."""
    declared = spec.get("period")
    if declared is not None:
        if declared not in schema.periods:
            raise ctx.fail(f"rule '{rule.id}': period must be one of {', '.join(schema.periods)}", spec, "period")
        return {str(declared): frozenset({rule.id})}

    def variable(name: str) -> str | None:
        found = schema.variables.get(name)
        return found.period if found else None

    out: dict[str, frozenset[str]] = {}
    for node in rule.nodes():  # a classification's cases are alternatives: gathered
        try:
            found = periods_of(node, variable, known.__getitem__)
        except PeriodJoin as join:
            where = Location(str(ctx.path), join.node.line, join.node.column)
            raise PackError(
                f"rule '{rule.id}' joins answers about different periods ({join}): the facts of one job or "
                "time cannot prove a finding about another. Gather them (any, or), or read them through a "
                "rule that ties them to one period (`period:`)",
                where,
            ) from None
        out |= {p: out.get(p, frozenset()) | names for p, names in found.items()}
    return out


def _groups(ctx: _Ctx, spec: Mapping[Any, Any]) -> dict[str, tuple[str, ...]]:
    """`indicators:` names lists of rules (e.g. strong / medium / weak) that functions such as
    at_least() and count() take by the list's name: the strengths are data, not code."""
    raw = spec.get("indicators")
    if raw is None:
        return {}
    raw = ctx.mapping(raw, "indicators", spec, "indicators")
    out = {}
    for name, members in raw.items():
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise ctx.fail(f"indicators '{name}' must be a list of rule names", raw, name)
        out[str(name)] = tuple(members)
    return out


def _names(nodes: Iterable[n.Node]) -> set[str]:
    return {
        x.name for node in nodes for x in node.walk() if isinstance(x, n.Name) and not x.name.startswith(PARAM_PREFIX)
    }


def _expr(ctx: _Ctx, spec: Mapping[Any, Any], key: Any, what: str) -> tuple[str, n.Node]:
    text = spec.get(key)
    if not isinstance(text, str) or not text.strip():
        raise ctx.fail(f"{what} needs an expression under '{key}'", spec, key)
    first = text.first_line() if isinstance(text, LocatedStr) else (line_of(spec, key) or 1)
    return str(text), parse(str(text), file=str(ctx.path), first_line=first)


def _parse_rule(ctx: _Ctx, rule_id: str, spec: Mapping[Any, Any]) -> tuple[str, list[n.Node]]:
    ctx.known_keys(spec, _RULE_KEYS, f"rule '{rule_id}'")
    kind = spec.get("kind")
    if kind not in {k.value for k in RuleKind}:
        raise ctx.fail(f"rule '{rule_id}': kind must be one of {', '.join(k.value for k in RuleKind)}", spec, "kind")
    if kind == RuleKind.CLASSIFICATION:
        cases = spec.get("cases")
        if not isinstance(cases, list) or not cases:
            raise ctx.fail(f"classification '{rule_id}' needs a list of cases", spec, "cases")
        return kind, [_expr(ctx, c, "when", f"a case of '{rule_id}'")[1] for c in cases]
    return kind, [_expr(ctx, spec, "expr", f"rule '{rule_id}'")[1]]


def _build_rule(
    ctx: _Ctx,
    pack: str,
    rule_id: str,
    spec: Mapping[Any, Any],
    nodes: list[n.Node],
    scope: Scope,
    acts: Mapping[str, Act],
) -> Rule:
    kind = RuleKind(spec["kind"])
    common: dict[str, Any] = {
        "pack": pack,
        "id": rule_id,
        "kind": kind,
        "label": ctx.text(spec.get("label"), f"label of '{rule_id}'", spec, "label"),
        "description": ctx.text(
            spec.get("description"), f"description of '{rule_id}'", spec, "description", required=False
        ),
        "references": tuple(_ref(ctx, r, acts, spec, "references") for r in spec.get("references", [])),
        "location": ctx.at(spec),
        "groups": scope.groups,
    }
    if kind is RuleKind.CLASSIFICATION:
        labels = _codes(ctx, spec.get("values"), f"classification '{rule_id}'", spec, "values")
        if "unknown" in labels:
            raise ctx.fail("'unknown' is added to every classification; do not declare it", spec, "values")
        cases = []
        for case, node in zip(spec["cases"], nodes, strict=True):
            if case.get("value") not in labels:
                raise ctx.fail(f"case value {case.get('value')!r} is not one of {', '.join(labels)}", case, "value")
            cases.append(Case(str(case["value"]), check(node, scope, want=ValueType.BOOL)))
        otherwise = spec.get("otherwise")
        if otherwise not in labels and otherwise != "unknown":
            raise ctx.fail(f"'otherwise' must be one of {', '.join(labels)} or unknown", spec, "otherwise")
        source = "\n".join(f"{c['value']}: {c['when']}".strip() for c in spec["cases"])
        return Rule(
            **common,
            type=ValueType.STRING,
            cases=tuple(cases),
            otherwise=otherwise,
            labels=labels,
            source=source,
        )
    want = {RuleKind.FINDING: ValueType.BOOL, RuleKind.MEASURE: ValueType.NUMBER}.get(kind)
    typed = check(nodes[0], scope, want=want)
    if typed.type in (ValueType.NULL, None):
        raise ctx.fail(f"rule '{rule_id}' is always unknown", spec, "expr")
    return Rule(**common, type=typed.type, expr=typed, source=str(spec["expr"]).strip())
