"""Commands that judge records and show what they are judged by: assess, explain, sensitivity, packs, variables,
test-packs."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.text import Text

from labourwatch.cli.common import (
    _judgement,
    _lang,
    _report_problems,
    cli,
    encoding_option,
    err,
    judgement_options,
    lang_option,
    out,
    print_note,
    print_tables,
    print_warning,
    progress_bar,
    stdout_is_terminal,
)
from labourwatch.core.errors import DataError, LabourwatchError
from labourwatch.i18n import t

if TYPE_CHECKING:
    from labourwatch.presentation.tables import Column, Shown


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="Result file: .parquet or .csv.")
@click.option("--problems", type=click.Path(path_type=Path), help="Where to list problems in the data (CSV).")
@click.option(
    "--results-only",
    is_flag=True,
    help="Write only the id and the results, not the input's other columns (for large runs; all are still checked).",
)
@judgement_options
@lang_option
@click.pass_context
def assess(
    ctx: click.Context,
    /,
    lang: str | None,
    input_path: Path,
    output: Path,
    problems: Path | None,
    results_only: bool,
    **judged: Any,  # the judgement options
) -> None:
    """Assess every record of INPUT (CSV, Parquet, Excel, SPSS) and write OUTPUT.

    Every input column and row is kept (with --results-only, only the id); one column is added per
    finding (true, false, unknown, or not measured where it rests on questions the survey did not
    ask), with the date and acts each record was judged under and the packs' versions and hashes.
    """
    from labourwatch.presentation.explanations import judgement_text
    from labourwatch.services.assessment import assess_file
    from labourwatch.services.request import Request

    lang = _lang(ctx)
    options = _judgement(**judged)
    try:
        with progress_bar(t("progress_assessing", lang), open_total(input_path)) as advance:
            request = Request(**options, lang=lang)
            written = assess_file(input_path, output, request, progress=advance, results_only=results_only)
    except DataError as exc:
        _report_problems(exc, problems or output.with_name(output.name + ".problems.csv"), lang)
        sys.exit(1)
    for warning in written.warnings:
        print_warning(warning, lang)
    how = judgement_text(written.judgement, lang)
    packs_used = ", ".join(f"{p['id']}@{p['version']}" for p in written.provenance["packs"])
    err.print(t("judged_how", lang, how=how, packs=packs_used))
    out.print(t("wrote", lang, rows=written.rows, path=written.path))


def open_total(path: Path) -> int | None:
    """Rows in the input when known before reading it (Parquet), for the progress bar."""
    from labourwatch.io.readers import open_source

    try:
        return open_source(path).total_rows
    except LabourwatchError:
        return None  # the assessment will report it


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--id", "record_id", required=True, help="The id of the record to explain.")
@click.option("--details", is_flag=True, help="Every rule with its answers, law values and sources, after the summary.")
@click.option("--finding", help="Explain only this finding or classification, in detail.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text (the summary and every rule).")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the explanation to print or hand over: .html or .pdf.",
)
@judgement_options
@lang_option
@click.pass_context
def explain(
    ctx: click.Context,
    /,
    lang: str | None,
    input_path: Path,
    record_id: str,
    details: bool,
    finding: str | None,
    as_json: bool,
    output: Path | None,
    **judged: Any,  # the judgement options
) -> None:
    """Explain one record: first the verdict on one screen (the situation, what holds with the articles
    of the law applied, the money owed where the answers allow it, what is unknown and the answers that
    would settle it, the questions to ask next); then, with --details, every rule: the answers used, the
    law values with their dates, references and verification status, and what was not asked."""
    from labourwatch.presentation.explanations import explanation_dict, explanation_text
    from labourwatch.presentation.reports import worker
    from labourwatch.presentation.verdict import owed_of, verdict, verdict_dict, verdict_text
    from labourwatch.services import assessment
    from labourwatch.services.files import refuse_overwriting
    from labourwatch.services.request import Request

    lang = _lang(ctx)
    options = _judgement(**judged)
    ex = assessment.explain(input_path, record_id, Request(**options, lang=lang))
    known = [r.rule.id for r in ex.rules]
    if finding and finding not in known:
        raise click.BadParameter(f"'{finding}' is not one of: {', '.join(known)}", param_hint="--finding")
    if output is not None and output.suffix.lower() not in worker.SUFFIXES:
        raise click.BadParameter(t("explain_output_suffix", lang, suffixes=", ".join(worker.SUFFIXES)), param_hint="-o")
    summary = verdict(ex, lang, owed_of(dict(ex.answers), record_id, lang))
    if output is not None:
        refuse_overwriting(output, input_path)
        worker.write_explanation(ex, summary, output, lang)
    if as_json:
        data = {"summary": verdict_dict(summary), **explanation_dict(ex, lang)}
        if finding:
            data["results"] = [r for r in data["results"] if r["id"] == finding]
        out.print_json(json.dumps(data, ensure_ascii=False))
    elif finding:
        out.print(explanation_text(ex, lang, only=finding))
    else:
        out.print(verdict_text(summary, lang, details_hint=not details))
        if details:
            out.print(explanation_text(ex, lang, header=False))
    if output is not None:
        err.print(t("wrote_explanation", lang, path=output))


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--pack", "packs", multiple=True, metavar="ID", help="Use only these rule packs (repeatable).")
@encoding_option
@lang_option
@click.pass_context
def sensitivity(
    ctx: click.Context, lang: str | None, input_path: Path, as_json: bool, packs: tuple[str, ...], encoding: str | None
) -> None:
    """How many records get each result under each reading the packs offer: what a figure owes to an
    interpretation. Only results that change are shown."""
    from labourwatch.presentation.tables import Column, Grid
    from labourwatch.services import assessment
    from labourwatch.services.request import Request

    lang = _lang(ctx)
    request = Request(packs=packs or None, encoding=encoding, lang=lang)
    with progress_bar(t("progress_readings", lang), len(assessment.sensitivity_runs(packs or None))) as advance:
        result = assessment.sensitivity(input_path, request, progress=advance)
    if as_json:
        out.print_json(json.dumps(dataclasses.asdict(result), ensure_ascii=False))
        return
    if not result.counts:
        out.print(t("sensitivity_none", lang))
        return
    columns = [
        Column("result", t("result_column", lang), kind="key", group=True),
        Column("value", t("value_column", lang), kind="key"),
        Column("reading", t("reading_column", lang), kind="key"),
        Column("records_default", t("default_column", lang), kind="number"),
        Column("records_reading", t("records_column", lang), kind="number"),
    ]
    rows = [
        (rule_id, value, reading, counts[0], count)
        for rule_id, by_value in result.counts.items()
        for value, counts in sorted(by_value.items())
        for reading, count in zip(result.readings[1:], counts[1:], strict=True)
        if count != counts[0]
    ]
    print_tables(lang, Grid(columns, rows, t("sensitivity_title", lang, records=result.records)))


@cli.command()
@click.argument("pack_id", required=False)
@click.option("--parameter", help="Show only this parameter (e.g. wages.mzp).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@lang_option
@click.pass_context
def packs(ctx: click.Context, lang: str | None, pack_id: str | None, parameter: str | None, as_json: bool) -> None:
    """List the rule packs, their acts, and every parameter's values over time with references."""
    from labourwatch.packs import load_packs
    from labourwatch.presentation.catalogue import pack_dict
    from labourwatch.presentation.tables import Grid

    lang = _lang(ctx)
    loaded = load_packs([pack_id] if pack_id else None)
    data = [pack_dict(p, lang) for p in loaded if not pack_id or p.id == pack_id]
    if parameter:
        for d in data:
            d["parameters"] = [x for x in d["parameters"] if x["name"] == parameter]
        if not any(d["parameters"] for d in data):
            raise click.BadParameter(f"no parameter '{parameter}'", param_hint="--parameter")
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    terminal = stdout_is_terminal()
    for d in data:
        print_note(Text.assemble((d["id"], "bold"), f" {d['version']}  sha256:{d['sha256'][:12]}  {d['title']}"))
        for act in d["acts"]:
            status = t(f"status_{act['status']}", lang)
            print_note(f"  {act['id']}: {act['title']} ({act['from']} – {act['to'] or '…'}; {status})")
        for param in d["parameters"] if terminal else ():
            values = [(v["from"], v["value"], _status(v["status"], lang), v["reference"]) for v in param["values"]]
            columns = parameter_columns(lang)[2:]
            print_tables(lang, Grid(columns, values, f"{param['name']}: {param['description']}"))
        if not parameter:
            for rule in d["rules"]:
                kind = t(f"rule_kind_{rule['kind']}", lang)
                print_note(Text.assemble("  ", (rule["id"], "bold"), f" ({kind}): {rule['label']}"))
    if not terminal:  # every value of every parameter in one table
        rows = [
            (d["id"], param["name"], v["from"], v["value"], v["status"], v["reference"])
            for d in data
            for param in d["parameters"]
            for v in param["values"]
        ]
        print_tables(lang, Grid(parameter_columns(lang), rows))


def parameter_columns(lang: str) -> list[Column]:
    from labourwatch.presentation.tables import Column

    return [
        Column("pack", t("col_pack", lang), kind="key"),
        Column("parameter", t("col_parameter", lang), kind="key"),
        Column("from", t("col_from", lang), kind="key"),
        Column("value", t("col_value", lang)),
        Column("status", t("col_status", lang)),
        Column("reference", t("col_reference", lang)),
    ]


def _status(code: str, lang: str) -> Shown:
    from labourwatch.presentation.tables import Shown

    return Shown(t(f"status_{code}", lang), code)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@lang_option
@click.pass_context
def variables(ctx: click.Context, lang: str | None, as_json: bool) -> None:
    """List the canonical variables: type, allowed values and the question asked."""
    from labourwatch.packs import load_schema
    from labourwatch.presentation.catalogue import variable_dict
    from labourwatch.presentation.tables import Column, Grid, Shown

    lang = _lang(ctx)
    data = [variable_dict(v, lang) for v in load_schema().variables.values()]
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    columns = [
        Column("name", t("col_name", lang), kind="key"),
        Column("type", t("col_type", lang)),
        Column("label", t("col_variable_label", lang)),
        Column("values", t("col_values", lang)),
    ]
    rows = [
        (v["name"], Shown(t(f"var_kind_{v['type']}", lang), v["type"]), v["label"], ", ".join(v["values"]))
        for v in data
    ]
    print_tables(lang, Grid(columns, rows))


@cli.command("test-packs")
@click.argument("pack_ids", nargs=-1)
def test_packs(pack_ids: tuple[str, ...]) -> None:
    """Run the YAML rule tests that live beside each pack, on DuckDB and the reference evaluator."""
    from labourwatch.services.packtests import load_cases, run_pack_tests

    failures = 0
    lang = _lang(click.get_current_context())
    with progress_bar(t("progress_pack_tests", lang), len(load_cases(pack_ids or None))) as advance:
        results = run_pack_tests(pack_ids or None, progress=advance)
    for r in results:
        if not r.ok:
            failures += 1
            out.print(Text.assemble(("FAIL", "red"), f" {r.case.location}: {r.case.name}\n  {r.message}"))
    out.print(f"{len(results) - failures} passed, {failures} failed")
    if failures:
        sys.exit(1)
