"""The queries an engine runs for a plan, as sqlglot trees: the input typed, the law of each record's
interval, the rules in layers, the result columns and provenance, the validation flags, the rows with
problems, and one record. Rules are compiled in engines/compiler.py; sqlglot writes every tree in the
backend's dialect, and `Dialect` holds the little that sqlglot cannot translate."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from labourwatch.core.columns import ID, NOT_MEASURED, REFERENCE_DATE, ROW
from labourwatch.core.model import MonthSeries, Rule, RuleKind
from labourwatch.core.timeline import Timeline
from labourwatch.core.types import ValueType
from labourwatch.core.values import NOT_MEASURED_LABEL, UNKNOWN_LABEL
from labourwatch.engines.compiler import (
    Absence,
    Measured,
    SqlCompiler,
    VariableFor,
    as_sql,
    literal,
    typed_null,
)
from labourwatch.engines.inputs import (
    Check,
    case,
    column,
    func,
    sql_type,
    string,
    text_of,
    typed,
    typed_name,
    typed_projection,
)
from labourwatch.engines.plan import ACTS, UNVERIFIED, Plan, param_column

SRC = "lw_source"  # the name under which a backend attaches the input
INTERVAL, LAW = "__lw_iv", "__lw_law"
BAD, ID_HASH = "__lw_bad", "__lw_id_hash"
ROW_ALIAS = "row"  # the record number, in the queries that list problems
LAW_TYPES = {ValueType.NUMBER: "DOUBLE", ValueType.BOOL: "BOOLEAN", ValueType.DATE: "DATE", ValueType.LIST: "VARCHAR[]"}


class Dialect:
    """What one SQL engine writes differently beyond what sqlglot translates; a backend subclasses it."""

    name = "duckdb"

    def categorical(self, value: exp.Expression, labels: Sequence[str]) -> exp.Expression:
        """A text with few distinct values on every row, stored as cheaply as the engine can."""
        return value

    def hash64(self, value: exp.Expression) -> exp.Expression:
        return func("hash", value)


def _star_with(columns: Sequence[exp.Expr], inner: exp.Expression | str) -> exp.Select:
    return exp.select(exp.Star(), *columns, copy=False).from_(
        exp.to_table(inner) if isinstance(inner, str) else _sub(inner), copy=False
    )


def _sub(query: exp.Expression) -> exp.Subquery:
    """A query in FROM, named t (rules read their inputs as t.column)."""
    return exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier("t")))


def _as(value: exp.Expr, name: str) -> exp.Expr:
    return exp.alias_(value, name, quoted=True, copy=False)


def typed_select(p: Plan, source: exp.Expression | str = SRC) -> exp.Select:
    """The input's number and variables (or a query of it) with the typed value of every variable beside
    its column; the input's other columns are left out (see engines.base._Carried)."""
    projection = typed_projection(p.schema, p.source.columns)
    raw = [column(c) for c in (ROW, *p.present)]
    typed_values = [_as(sql, typed_name(name)) for name, sql in projection.items()]
    inner = exp.to_table(source) if isinstance(source, str) else _sub(source)
    return exp.select(*raw, *typed_values, copy=False).from_(inner, copy=False)


def _interval(timeline: Timeline) -> exp.Expression:
    """The index of the interval of law that holds each record's date."""
    if timeline.judgement.as_of is not None:
        return exp.Literal.number(0)
    day = typed(REFERENCE_DATE)
    whens: list[tuple[exp.Expression, exp.Expression]] = [
        (exp.Is(this=day, expression=exp.null()), exp.null()),
        (exp.LT(this=day.copy(), expression=literal(timeline.starts[0])), exp.null()),
    ]
    for iv in timeline.intervals[:-1]:
        assert iv.end is not None
        whens.append((exp.LT(this=day.copy(), expression=literal(iv.end)), exp.Literal.number(iv.index)))
    return case(whens, exp.Literal.number(timeline.intervals[-1].index))


def _law(p: Plan, names: Sequence[str]) -> list[exp.Expr]:
    """The law in force for each record, one column per value the query reads. A projection, not a
    join, so rows stream through in input order (engines do not promise order through a join). Most
    values change a few times over the timeline: a CASE on the interval's index over those changes costs
    a few comparisons; a value that changes often (a minimum wage, the acts in force) is picked from a
    constant list by the index. (One struct of every value per record cost DuckDB 4x the scan.)"""
    interval = column(INTERVAL)
    picked: list[exp.Expr] = []
    for name in names:
        kind = sql_type(LAW_TYPES.get(p.law.types[name], "VARCHAR"))
        raw = p.law.columns[name]
        values = [exp.cast(literal(v), kind, copy=False) for v in raw]
        changes = [i for i in range(len(raw)) if i == 0 or raw[i] != raw[i - 1]]
        if len(changes) <= CASE_CHANGES:  # from the last change back: an unknown interval matches none
            at = [(exp.GTE(this=interval.copy(), expression=exp.Literal.number(i)), values[i]) for i in changes]
            value: exp.Expression = case(at[::-1])
        else:
            position = exp.Add(this=interval.copy(), expression=exp.Literal.number(1))
            # offset=1: the position counts from 1, as DuckDB's lists do (sqlglot converts it for 0-based engines)
            value = exp.Bracket(
                this=exp.paren(exp.Array(expressions=values), copy=False), expressions=[position], offset=1
            )
        picked.append(_as(value, _law_column(name)))
    return picked


CASE_CHANGES = 8  # up to so many changes over the timeline, a value is a CASE rather than a list lookup


def _law_column(name: str) -> str:
    return f"{LAW}_{name}"


def law_field(name: str) -> exp.Expression:
    return column(_law_column(name), "t")


def month_value(series: MonthSeries, day: exp.Expression) -> exp.Expression:
    """The series' value for the month of a date (each record's reference date), picked from a constant
    list as `_law` is; null outside the series."""
    months = exp.Add(
        this=exp.Mul(
            this=exp.paren(exp.Sub(this=exp.Year(this=day), expression=exp.Literal.number(series.first_year))),
            expression=exp.Literal.number(12),
        ),
        expression=exp.Month(this=day.copy()),
    )
    values = exp.Array(expressions=[exp.Literal.number(v) for v in series.values])
    value = exp.Bracket(this=exp.paren(values, copy=False), expressions=[months], offset=1)
    inside = exp.Between(this=months.copy(), low=exp.Literal.number(1), high=exp.Literal.number(len(series.values)))
    return exp.cast(case([(inside, value)], exp.null()), sql_type("DOUBLE"), copy=False)


def _variable(p: Plan) -> VariableFor:
    """A variable as the rules read it: its typed value when asked; when not asked, the value the law
    presumes (while the pack's reading holds), else nothing: not measured. What a pack gives from the
    month of the record's date is measured on every record that does not hold it."""
    by_month = p.by_month

    def variable(name: str) -> Measured:
        if name in by_month:
            given = month_value(by_month[name], typed(REFERENCE_DATE, "t"))
            return Measured(func("coalesce", typed(name, "t"), given) if name in p.present else given)
        if p.instrument.was_asked(name):
            return Measured(typed(name, "t"))
        if name in p.presumptions:
            return Measured(literal(p.presumptions[name].value))
        return Measured(typed_null(p.schema.variables[name].type), True)

    return variable


def _absent_column(rule_id: str) -> str:
    return f"__n_{rule_id}"


def assessment(
    p: Plan,
    dialect: Dialect,
    *,
    for_csv: bool = False,
    checks: Sequence[Check] = (),
    carried: Sequence[str] = (),
    results_only: bool = False,
) -> exp.Select:
    """Every input column (canonical ones typed; with `results_only` the id alone), one column per
    result, the provenance of each row, and with `checks` whether any value of the row is invalid and a
    hash of its id, and the row number (for the engine to put the rows in input order). The `carried`
    columns, which no rule reads, are left out for the engine to put back."""
    read: dict[str, None] = dict.fromkeys([ACTS, UNVERIFIED])  # the law's values the rules read, in order

    def parameter(pack: str, name: str) -> exp.Expression:
        read[param_column(pack, name)] = None
        return law_field(param_column(pack, name))

    compiler = SqlCompiler(
        {r.id: r for pack in p.packs for r in pack.rules.values()},
        variable=_variable(p),
        parameter=parameter,
        computed=lambda rule_id, absent: column(_absent_column(rule_id) if absent else f"__r_{rule_id}", "t"),
        readings=p.timeline.readings,
    )
    layers: list[list[exp.Expr]] = []
    for layer in compiler.layers([r.id for r in p.outputs]):
        computed: list[exp.Expr] = []
        for rule_id in layer:
            m = compiler.rule(rule_id)
            computed.append(_as(m.value, f"__r_{rule_id}"))
            if not isinstance(m.absent, bool):
                computed.append(_as(m.absent, _absent_column(rule_id)))
        layers.append(computed)
        compiler.available.update(layer)
    inner = _star_with([_as(_interval(p.timeline), INTERVAL)], typed_select(p))
    inner = _star_with(_law(p, list(read)), inner)
    for computed in layers:
        inner = _star_with(computed, inner)
    select: list[exp.Expr] = [_as(column(ROW, "t"), ROW)]
    for col in p.source.columns:
        if col in carried or (results_only and col != ID):
            continue
        value: exp.Expression = typed(col, "t") if col in p.present else column(col, "t")
        if for_csv and col in p.present and p.schema.variables[col].kind == "multiple":
            value = func("array_to_string", value, string(" "))  # back to the codes separated by spaces
        select.append(_as(value, col))
    absences: list[tuple[str, Absence]] = []
    for rule in p.outputs:
        m = compiler.rule(rule.id)
        absences.append((rule.id, m.absent))
        select.append(_as(_result(rule, m, for_csv), rule.id))
    as_of = p.timeline.judgement.as_of
    select.append(_as(literal(as_of) if as_of else typed(REFERENCE_DATE, "t"), "lw_judged_on"))
    texts = {
        "lw_law_basis": (law_field(ACTS), p.law.columns[ACTS]),
        "lw_unverified": (law_field(UNVERIFIED), p.law.columns[UNVERIFIED]),
        "lw_packs": (string(p.stamp), [p.stamp]),
    }
    for name, (text, values) in texts.items():
        select.append(_as(text if for_csv else dialect.categorical(text, values), name))
    select.append(_as(_not_measured(absences), NOT_MEASURED))
    if checks:
        record_id = typed(ID, "t")
        select.append(_as(any_invalid(checks), BAD))
        hashed = case(
            [(exp.not_(exp.Is(this=record_id, expression=exp.null()), copy=False), dialect.hash64(record_id.copy()))]
        )
        select.append(_as(hashed, ID_HASH))
    return exp.select(*select, copy=False).from_(_sub(inner), copy=False)


def _result(rule: Rule, m: Measured, for_csv: bool) -> exp.Expression:
    """A result column: a classification says `not_measured` in words, and so does a finding in CSV,
    where a finding is `true`, `false` or `unknown`."""
    absent = exp.paren(as_sql(m.absent), copy=False)
    if rule.kind is RuleKind.CLASSIFICATION and m.absent is not False:
        return case([(absent, string(NOT_MEASURED_LABEL))], m.value)
    if not (for_csv and rule.kind is RuleKind.FINDING):
        return m.value
    value = exp.paren(m.value, copy=False)
    whens = [(value, string("true")), (exp.not_(value.copy(), copy=False), string("false"))]
    if m.absent is not False:
        whens.insert(0, (absent, string(NOT_MEASURED_LABEL)))
    return case(whens, string(UNKNOWN_LABEL))


def _not_measured(absences: Sequence[tuple[str, Absence]]) -> exp.Expression:
    """The ids of the results not measured on the row, separated by spaces ('' when all were): one
    CONCAT_WS, which skips what is NULL, rather than a concatenation per result."""
    fixed = " ".join(rule_id for rule_id, a in absences if a is True)
    varying = [
        case([(exp.paren(as_sql(a), copy=False), string(rule_id))])
        for rule_id, a in absences
        if not isinstance(a, bool)
    ]
    if not varying:
        return string(fixed)
    parts = [string(fixed), *varying] if fixed else varying
    # written by name: sqlglot's ConcatWs would make the whole NULL when any part is
    return exp.Anonymous(this="CONCAT_WS", expressions=[string(" "), *parts])


def any_invalid(checks: Sequence[Check]) -> exp.Expr:
    """True when any check fails (an unknown check does not)."""
    if not checks:
        return exp.false()
    return exp.or_(*(_failed(c) for c in checks), copy=False)


def invalid_rows(p: Plan, checks: Sequence[Check]) -> exp.Select:
    """Only the rows with a problem: their number, the raw text of each checked column (`v<i>`, one per
    column) and the result of each check (`c<i>`, one per check)."""
    columns = list(dict.fromkeys(c.column for c in checks))
    select: list[exp.Expr] = [_as(column(ROW), ROW_ALIAS)]
    select += [_as(exp.cast(column(name), sql_type("VARCHAR"), copy=False), f"v{i}") for i, name in enumerate(columns)]
    select += [_as(_failed(c), f"c{i}") for i, c in enumerate(checks)]
    return (
        exp.select(*select, copy=False).from_(_sub(typed_select(p)), copy=False).where(any_invalid(checks), copy=False)
    )


def problem_counts(p: Plan, checks: Sequence[Check]) -> exp.Select:
    """How many values fail each check (`n<i>`), over the whole input."""
    counts = [
        _as(exp.Sum(this=case([(_failed(c), exp.Literal.number(1))], exp.Literal.number(0))), f"n{i}")
        for i, c in enumerate(checks)
    ]
    return exp.select(*counts, copy=False).from_(_sub(typed_select(p)), copy=False)


def _failed(check: Check) -> exp.Expression:
    return exp.Coalesce(this=check.condition, expressions=[exp.false()])


def ids(p: Plan) -> exp.Select:
    """Every record's number and id, read as its typed value is (no other column typed)."""
    return exp.select(_as(column(ROW), ROW_ALIAS), _as(text_of(ID), "id"), copy=False).from_(SRC, copy=False)


def record(p: Plan, record_id: str, *, stored_as_asked: bool = False) -> exp.Select:
    """The number and typed answers of the first record with this id (the id is read as its typed value
    is, and only that record is typed). `stored_as_asked`: only among the records whose id column holds
    exactly `record_id`, a test the engine runs on the column as stored, skipping the parts of a Parquet
    file whose ids cannot match and reading the other columns of the matching rows only."""
    select = [column(ROW), *(typed(name) for name in p.schema.variables)]
    found: exp.Expression = exp.false()
    if ID in p.source.columns:
        found = exp.EQ(this=text_of(ID), expression=string(record_id))
    if stored_as_asked:
        found = exp.And(this=exp.EQ(this=column(ID), expression=string(record_id)), expression=found)
    one = exp.select(exp.Star(), copy=False).from_(SRC, copy=False).where(found, copy=False)
    return exp.select(*select, copy=False).from_(_sub(typed_select(p, one)), copy=False).limit(1, copy=False)
