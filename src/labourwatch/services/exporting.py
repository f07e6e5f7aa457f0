"""Microdata written for others: SPSS, Stata, Excel, Parquet or CSV with labels, after a k-anonymity check."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from labourwatch.core.columns import INTERNAL_PREFIX
from labourwatch.io import exports
from labourwatch.io.readers import open_source
from labourwatch.services.files import refuse_overwriting, write_whole
from labourwatch.services.statistics import coded
from labourwatch.stats import disclosure

QUASI_IDENTIFIERS = ("citizenship", "sex", "age", "region", "sector")  # statistics.md §5.3


@dataclass(frozen=True)
class Export:
    written: exports.Exported
    anonymity: disclosure.Anonymity | None  # on the quasi-identifiers present, None if none is
    quasi_identifiers: list[str]
    risk_report: Path | None  # rows at risk (row numbers only), when there are any


def export(
    data: Any,
    output: str | Path,
    *,
    quasi_identifiers: Sequence[str] = QUASI_IDENTIFIERS,
    k: int = disclosure.Policy().k_anonymity,
    encoding: str | None = None,
    lang: str = "en",
) -> Export:
    """Write `data` (an assessed file, or any with canonical columns) as SPSS, Stata, Parquet, CSV or
    Excel with variable and value labels, and check k-anonymity on the quasi-identifiers it holds: the
    rows at risk are listed (by row number) in OUTPUT.risk.csv."""
    refuse_overwriting(output, data)
    source = open_source(data, encoding=encoding, lang=lang)
    table = source.open().read_all()
    table = table.drop_columns([c for c in table.column_names if c.startswith(INTERNAL_PREFIX)])
    out = Path(output)
    staged: list[exports.Exported] = []
    write_whole(out, lambda tmp: staged.append(exports.export(table, tmp, lang)))
    written = dataclasses.replace(staged[0], path=out)
    present = [q for q in quasi_identifiers if q in table.column_names]
    if not present:
        return Export(written, None, [], None)
    codes = [coded(table, q, source, lang).codes for q in present]
    check = disclosure.anonymity(disclosure.combine_codes(codes), k)
    report = None
    if check.at_risk.size:
        report = out.with_name(out.name + ".risk.csv")
        rows = pa.table(
            {
                "row": pa.array(check.at_risk + 1),
                "records_sharing_its_combination": pa.array(check.key_sizes[check.at_risk]),
            }
        )
        write_whole(report, lambda tmp: pacsv.write_csv(rows, tmp))
    return Export(written, check, present, report)
