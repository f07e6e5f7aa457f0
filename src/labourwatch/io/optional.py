"""Packages that only some commands need come as extras (`pip install labourwatch[spss]`); `make`
installs them all. A missing one is named with the extra that brings it, never a traceback."""

from __future__ import annotations

import importlib
from types import ModuleType

from labourwatch.core.errors import LabourwatchError, Message

EXTRAS = {
    "pyreadstat": "spss",  # SPSS and Stata files in and out
    "pyodk": "kobo",  # pulls from ODK Central
    "requests": "kobo",  # pyodk's HTTP client
    "weasyprint": "reports",  # PDF reports
    "polars": "polars",  # results as Polars frames
    "django": "web",  # labourwatch serve: the case-management web application
    "labourwatch_web": "web",
}


def require(module: str) -> ModuleType:
    """The module, or an error naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.partition(".")[0]
        raise LabourwatchError(Message("needs_extra", {"module": top, "extra": EXTRAS[top]})) from None
