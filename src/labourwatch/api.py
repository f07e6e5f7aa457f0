"""The Python API: the stable public face of the services. The CLI and the web application call the
services themselves; scripts and notebooks call these.

Every function that judges records takes the same keywords (`Options`): `as_of`, `law`, `verified_only`,
`packs`, `settings`, `encoding` and `lang`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Unpack

from labourwatch.core.explain import Explanation
from labourwatch.core.types import Progress
from labourwatch.presentation.explanations import explanation_dict, explanation_text
from labourwatch.presentation.verdict import Verdict, owed_of, verdict_dict, verdict_text
from labourwatch.presentation.verdict import verdict as make_verdict
from labourwatch.services import assessment
from labourwatch.services.assessment import Assessment, Sensitivity, Written
from labourwatch.services.exporting import QUASI_IDENTIFIERS, Export, export
from labourwatch.services.importing import Imported, import_submissions, pull_central, suggest_mapping
from labourwatch.services.request import Options, Request
from labourwatch.services.statistics import (
    NON_PROBABILITY,
    ClassShares,
    CrossTable,
    Estimates,
    anonymity,
    classification_shares,
    crosstab,
    estimate_findings,
)

__all__ = [
    "NON_PROBABILITY",
    "QUASI_IDENTIFIERS",
    "Assessment",
    "ClassShares",
    "CrossTable",
    "Estimates",
    "Explanation",
    "Export",
    "Imported",
    "Options",
    "Request",
    "Sensitivity",
    "Verdict",
    "Written",
    "anonymity",
    "assess",
    "assess_file",
    "classification_shares",
    "crosstab",
    "estimate_findings",
    "explain",
    "explanation_dict",
    "explanation_text",
    "export",
    "import_submissions",
    "pull_central",
    "sensitivity",
    "suggest_mapping",
    "verdict",
    "verdict_dict",
    "verdict_text",
]


def assess(data: Any, **options: Unpack[Options]) -> Assessment:
    """Assess a pandas / Polars / Arrow table or a file (CSV, Parquet, Excel, SPSS) into an Arrow table.

    Each record is judged under the law in force on its `reference_date`, unless `as_of` fixes one date
    for all, or `law` names an act as the yardstick (e.g. "kz-labour-code-2007"). Raises DataError
    listing every invalid value; nothing is assessed then.
    """
    return assessment.assess(data, Request.of(options))


def assess_file(
    data: Any,
    output: str | Path,
    *,
    progress: Progress | None = None,
    results_only: bool = False,
    **options: Unpack[Options],
) -> Written:
    """Assess an input of any size into Parquet or CSV, streaming (memory does not grow with the input).
    The output appears only when complete and valid; CSV gets its provenance in a `.provenance.json`.
    `results_only`: of the input's columns write only the id (for large runs; every value is still
    checked)."""
    return assessment.assess_file(data, output, Request.of(options), progress, results_only=results_only)


def explain(data: Any, record_id: str, **options: Unpack[Options]) -> Explanation:
    """Why the record with this id gets the results it gets."""
    return assessment.explain(data, record_id, Request.of(options))


def verdict(data: Any, record_id: str, **options: Unpack[Options]) -> Verdict:
    """The one-screen summary of a record, as `labourwatch explain` prints it first: the situation, what
    holds with its articles, the money owed (or the answers it needs), what is unknown and what would
    settle it. `verdict_text` and `verdict_dict` render it; `explanation_text(explain(...))` the details."""
    ex = explain(data, record_id, **options)
    lang = options.get("lang") or "en"
    return make_verdict(ex, lang, owed_of(dict(ex.answers), str(record_id), lang))


def sensitivity(data: Any, *, progress: Progress | None = None, **options: Unpack[Options]) -> Sensitivity:
    """How many results change under each other reading the packs offer (one changed at a time);
    `progress` is called with 1 after each assessment."""
    return assessment.sensitivity(data, Request.of(options), progress)
