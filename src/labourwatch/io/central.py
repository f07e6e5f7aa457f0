"""Submissions pulled straight from an ODK Central server with pyodk, ODK's own client: the OData
`Submissions` table with its repeat groups expanded, page by page. The server, the account and the
default project come from pyodk's configuration file (`~/.pyodk_config.toml`, or the file given)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labourwatch.i18n import t
from labourwatch.io.optional import require
from labourwatch.io.readers import InputError
from labourwatch.io.submissions import Submissions, from_json

PAGE = 1000  # rows per request: small enough for a slow connection to finish each one


def pull(
    form_id: str,
    *,
    project_id: int | None = None,
    config_path: Path | None = None,
    cache_path: Path | None = None,
    lang: str = "en",
) -> Submissions:
    client_module, errors, requests = require("pyodk.client"), require("pyodk.errors"), require("requests")
    Client, PyODKError, RequestException = client_module.Client, errors.PyODKError, requests.RequestException

    try:
        with Client(config_path=config_path, cache_path=cache_path, project_id=project_id) as client:
            rows: list[Any] = []
            while True:  # a short page is the last one
                page = client.submissions.get_table(form_id=form_id, expand="*", top=PAGE, skip=len(rows))
                rows += page.get("value", [])
                if len(page.get("value", [])) < PAGE:
                    break
            label = f"{client.config.central.base_url} [{form_id}]"
    except (PyODKError, RequestException, OSError) as exc:
        reason = str(exc.args[0] if exc.args else exc).splitlines()[0][:300]
        raise InputError(t("central_failed", lang, form=form_id, reason=reason)) from None
    return from_json({"value": rows}, label=label, lang=lang)
