"""Commands over an assessed file: estimate, crosstab, anonymity, export and report."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from labourwatch.cli.common import (
    _lang,
    ci_option,
    cli,
    design_options,
    encoding_option,
    err,
    lang_option,
    out,
    print_note,
    print_tables,
    print_warning,
    progress_bar,
    stdout_is_terminal,
    threshold_option,
    write_csv,
)
from labourwatch.i18n import number, t

if TYPE_CHECKING:
    from labourwatch.presentation.tables import Grid, Value
    from labourwatch.services.statistics import Estimates
    from labourwatch.stats.prevalence import Row


def _proportion(ctx: click.Context, param: click.Parameter, value: float) -> float:
    """A confidence level: a number strictly between 0 and 1 (not NaN, which every comparison lets by)."""
    if not 0 < value < 1:
        raise click.BadParameter(f"{value!r} is not a number between 0 and 1")
    return value


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@design_options
@click.option("--nest", is_flag=True, help="PSU ids repeat across strata.")
@click.option(
    "--lonely-psu",
    type=click.Choice(["fail", "remove", "certainty", "adjust", "average"]),
    default="fail",
    show_default=True,
    help="What a stratum with one PSU contributes to the variance.",
)
@click.option("--by", metavar="COLUMN", help="Estimate in each domain of this column, and test the association.")
@click.option("--finding", "findings", multiple=True, metavar="ID", help="Only these findings (repeatable).")
@ci_option
@click.option("--level", type=float, default=0.95, show_default=True, callback=_proportion)
@threshold_option
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the estimates as CSV.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@encoding_option
@lang_option
@click.pass_context
def estimate(
    ctx: click.Context, /, lang: str | None, input_path: Path, output: Path | None, as_json: bool, **options: Any
) -> None:
    """Prevalence of the findings of an assessed file, with design-based standard errors, confidence
    intervals and design effects that agree with R's survey package; by domain with --by, with the
    Rao–Scott test of association."""
    from labourwatch.presentation.coverage import coverage_dict, coverage_text
    from labourwatch.services.files import refuse_overwriting, write_whole
    from labourwatch.services.statistics import estimate_findings

    lang = _lang(ctx)
    options["findings"] = options["findings"] or None
    result = estimate_findings(input_path, lang=lang, **options)
    rows = [dataclasses.asdict(r) for r in result.rows]
    if output is not None:
        refuse_overwriting(output, input_path)
        write_whole(output, lambda tmp: _write_rows(tmp, rows))
    covered = {r.variable: result.coverage[r.variable] for r in result.rows if r.variable in result.coverage}
    if as_json:
        tests = {k: dataclasses.asdict(v) if v else None for k, v in result.tests.items()}
        data = {
            "estimates": rows,
            "tests": tests,
            "coverage": {name: coverage_dict(c) for name, c in covered.items()},
            "notes": result.notes,
            "policy": result.policy.describe(),
        }
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    for note in result.notes:
        print_note(note)
    level = round(options["level"] * 100)
    print_tables(lang, _estimates_grid(result, options["by"], level, options["method"], lang))
    partial = {name: c for name, c in covered.items() if not c.complete}
    if partial:
        print_note(f"{t('coverage_title', lang)}:")
        for name, c in partial.items():
            print_note(f"  {name}: {coverage_text(coverage_dict(c), lang)}")
    if result.tests and stdout_is_terminal():  # in a pipe, the tests are columns of the estimates
        print_tables(lang, _tests_grid(result, options["by"], lang))


def _write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    from labourwatch.io.formulas import defuse_rows

    safe, _ = defuse_rows([list(r.values()) for r in rows])  # domain labels come from the data
    write_csv(path, list(rows[0]), safe)


def _percent(value: float | None) -> float | None:
    return None if value is None else 100 * value


def _ci_text(row: Row, lang: str) -> str | None:
    """The interval as a person reads it, * where it is Clopper-Pearson (an estimate of 0 or 1)."""
    if row.lower is None or row.upper is None:
        return None
    ends = (number(100 * row.lower, lang, 1), number(100 * row.upper, lang, 1))
    return "–".join(ends) + ("*" if row.fallback else "")


def _estimates_grid(result: Estimates, by: str | None, level: int, method: str, lang: str) -> Grid:
    """Estimates, a line per finding and domain; in a pipe the interval's ends (and, with --by, the
    finding's test of association) in columns of their own."""
    from labourwatch.presentation.names import value_labels
    from labourwatch.presentation.tables import Column, Grid, Shown
    from labourwatch.stats.prevalence import ALL

    columns = [
        Column("finding", t("col_finding", lang), kind="key", group=True),
        Column("domain", t("col_domain", lang), kind="key"),
        Column("known", t("col_known", lang), kind="number"),
        Column("unknown", t("col_unknown", lang), kind="number"),
        Column("not_measured", t("col_not_measured", lang), kind="number"),
        Column("percent", t("col_percent", lang), kind="number", digits=1),
        Column("ci", t("col_ci", lang, level=level, method=method), kind="number", shown="terminal"),
        Column("ci_lower", kind="number", digits=1, shown="pipe"),
        Column("ci_upper", kind="number", digits=1, shown="pipe"),
        Column("fallback", shown="pipe"),
        Column("deff", t("col_deff", lang), kind="number", digits=2),
    ]
    tested = bool(result.tests)
    if tested:
        columns += [
            Column("f", kind="number", digits=3, shown="pipe"),
            Column("p", kind="number", digits=4, shown="pipe"),
        ]
    rows = []
    domains = value_labels(by, lang) if by else {ALL: t("report_all", lang)}
    for r in result.rows:
        test = result.tests.get(r.variable) if tested else None
        domain = Shown(domains.get(r.domain, r.domain), r.domain)
        row: list[Value] = [r.variable, domain, r.known, r.unknown, r.not_measured, _percent(r.estimate)]
        row += [_ci_text(r, lang), _percent(r.lower), _percent(r.upper), r.fallback, r.deff]
        row += [test.value if test else None, test.p_value if test else None] if tested else []
        rows.append(row)
    return Grid(columns, rows, t("estimates_title", lang))


def _tests_grid(result: Estimates, by: str, lang: str) -> Grid:
    from labourwatch.presentation.names import column_label
    from labourwatch.presentation.tables import Column, Grid

    columns = [
        Column("finding", t("col_finding", lang), kind="key"),
        Column("f", "F", kind="number", digits=3),
        Column("p", t("col_p", lang), kind="number", digits=4),
    ]
    rows = [(name, test.value if test else None, test.p_value if test else None) for name, test in result.tests.items()]
    return Grid(columns, rows, t("tests_title", lang, by=column_label(by, lang)))


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("row")
@click.argument("col")
@click.option("--weights", metavar="COLUMN", help="Sampling weights (default: counts of records).")
@threshold_option
@click.option(
    "--round",
    "round_base",
    type=float,
    default=10,
    show_default=True,
    help="Round weighted counts to this base (0: not).",
)
@click.option("--zeros-disclosive", is_flag=True, help="Treat empty cells as disclosive too.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@encoding_option
@lang_option
@click.pass_context
def crosstab(
    ctx: click.Context, /, lang: str | None, input_path: Path, row: str, col: str, as_json: bool, **options: Any
) -> None:
    """A weighted two-way table of ROW by COL, safe to publish: cells and margins resting on fewer
    respondents than the threshold are suppressed, then enough others that none can be worked out from
    the margins (checked by linear programming), and weighted counts are rounded."""
    from labourwatch.presentation.names import column_label, value_labels
    from labourwatch.presentation.tables import Column, Grid, Shown
    from labourwatch.services.statistics import crosstab as cross_tabulate

    lang = _lang(ctx)
    options["round_base"] = options["round_base"] or None
    result = cross_tabulate(input_path, row, col, lang=lang, **options)
    p = result.table
    shown = [
        [None if p.suppressed[i, j] else float(p.values[i, j]) for j in range(p.values.shape[1])]
        for i in range(p.values.shape[0])
    ]
    if as_json:
        data = {
            "rows": [*result.rows, "total"],
            "cols": [*result.cols, "total"],
            "values": shown,
            "policy": result.policy.describe(),
        }
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    row_names, col_names = value_labels(row, lang), value_labels(col, lang)
    columns = [
        Column(row, "", kind="key"),
        *(Column(code, col_names.get(code, code), kind="number", digits=0) for code in result.cols),
        Column("total", t("total", lang), kind="number", digits=0),
    ]
    labels: list[Value] = [Shown(row_names.get(code, code), code) for code in result.rows]
    labels.append(Shown(t("total", lang), "total"))
    suppressed = Shown("x", "x")
    cells: list[list[Value]] = [
        [label, *(suppressed if v is None else v for v in values)] for label, values in zip(labels, shown, strict=True)
    ]
    title = f"{column_label(row, lang)} × {column_label(col, lang)}"
    print_tables(lang, Grid(columns, cells, title, strong=frozenset({len(cells) - 1})))
    base = f"{result.policy.round_base:g}" if result.policy.round_base else "-"
    print_note(t("crosstab_policy", lang, threshold=result.policy.threshold, base=base))


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "--qi", "quasi_identifiers", multiple=True, required=True, metavar="COLUMN", help="A quasi-identifier (repeatable)."
)
@click.option("-k", "k", type=int, default=5, show_default=True, help="Fewest records a combination may have.")
@click.option("--sensitive", metavar="COLUMN", help="A sensitive variable, for l-diversity.")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write the rows at risk (row numbers only) as CSV."
)
@encoding_option
@lang_option
@click.pass_context
def anonymity(ctx: click.Context, /, lang: str | None, input_path: Path, output: Path | None, **options: Any) -> None:
    """Before sharing microdata: k-anonymity on the quasi-identifiers, l-diversity of a sensitive
    variable, and the records at risk (in combinations shared by fewer than k records)."""
    from labourwatch.services.files import write_whole
    from labourwatch.services.statistics import anonymity as check_anonymity

    lang = _lang(ctx)
    options["quasi_identifiers"] = list(options["quasi_identifiers"])
    result = check_anonymity(input_path, lang=lang, **options)
    out.print(
        t(
            "anonymity_report",
            lang,
            k=result.k,
            wanted=options["k"],
            risk=result.at_risk.size,
            l=result.l_diversity if result.l_diversity is not None else "-",
        )
    )
    if output is not None:
        rows = [[int(i) + 1, int(result.key_sizes[i])] for i in result.at_risk]
        write_whole(output, lambda tmp: write_csv(tmp, ["row", "records_sharing_its_combination"], rows))
        out.print(t("wrote", lang, rows=result.at_risk.size, path=output))


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help=".sav, .dta, .parquet, .csv or .xlsx"
)
@click.option(
    "--qi",
    "quasi_identifiers",
    multiple=True,
    metavar="COLUMN",
    help="Quasi-identifiers to check (default: citizenship, sex, age, region, sector).",
)
@click.option("-k", "k", type=int, default=5, show_default=True, help="Fewest records a combination of them may have.")
@encoding_option
@lang_option
@click.pass_context
def export(
    ctx: click.Context,
    /,
    lang: str | None,
    input_path: Path,
    output: Path,
    quasi_identifiers: tuple[str, ...],
    k: int,
    encoding: str | None,
) -> None:
    """Write an assessed file for SPSS (.sav), Stata (.dta), Excel, Parquet or CSV, with variable and
    value labels in the language chosen, and check k-anonymity on the quasi-identifiers first."""
    from labourwatch.services.exporting import QUASI_IDENTIFIERS
    from labourwatch.services.exporting import export as write_export

    lang = _lang(ctx)
    result = write_export(
        input_path,
        output,
        quasi_identifiers=quasi_identifiers or QUASI_IDENTIFIERS,
        k=k,
        encoding=encoding,
        lang=lang,
    )
    out.print(t("exported", lang, rows=result.written.rows, path=result.written.path))
    if result.written.defused:
        print_warning(t("formulas_defused", lang, path=result.written.path, n=result.written.defused), lang)
    if result.written.renamed:
        err.print(
            t("renamed_for_stata", lang, names=", ".join(f"{a} -> {b}" for a, b in result.written.renamed.items()))
        )
    if result.anonymity is not None:
        check = result.anonymity
        err.print(t("anonymity_report", lang, k=check.k, wanted=k, risk=check.at_risk.size, l="-"))
    if result.risk_report is not None:
        err.print(
            t("wrote", lang, rows=result.anonymity.at_risk.size if result.anonymity else 0, path=result.risk_report)
        )


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="report.html, .pdf or .xlsx")
@click.option("--by", metavar="COLUMN", help="Break every figure down by this column, and test the association.")
@design_options
@ci_option
@threshold_option
@lang_option
@click.pass_context
def report(ctx: click.Context, /, lang: str | None, input_path: Path, output: Path, **options: Any) -> None:
    """A report of an assessed file, safe to publish: prevalence of every finding with confidence
    intervals, every classification, tests of association, a chart and the methods (design, packs,
    readings, disclosure policy). HTML (self-contained, offline), PDF or Excel."""
    from labourwatch.presentation.reports.survey import REPORT_STEPS, build_report

    lang = _lang(ctx)
    design = {k: options.pop(k) for k in ("weights", "strata", "psu", "fpc", "sampling")}
    with progress_bar(t("progress_report", lang), REPORT_STEPS) as advance:
        result = build_report(input_path, output, lang=lang, progress=advance, **options, **design)
    out.print(t("report_written", lang, path=result.path, findings=result.findings, withheld=result.suppressed))
