"""Reports (survey estimates), statements (money owed) and one worker's explanation: HTML, PDF, Excel."""

from __future__ import annotations

from pathlib import Path

from labourwatch.core.errors import LabourwatchError
from labourwatch.i18n import t
from labourwatch.io.optional import require


def write_pdf(html: str, path: Path, lang: str) -> None:
    """HTML laid out for print by WeasyPrint (it needs Pango, a system library)."""
    try:
        html_class = require("weasyprint").HTML
    except OSError as exc:  # the Python package is installed, the system library is not
        raise LabourwatchError(t("pdf_needs_pango", lang, reason=str(exc).splitlines()[0])) from None
    html_class(string=html).write_pdf(path)
