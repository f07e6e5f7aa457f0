"""One worker's explanation as a page to print or hand over (HTML, or PDF from it): the one-screen
verdict first, then every rule with the answers it read, the law values with their sources, and what
would settle it, grouped by framework."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from labourwatch import __version__
from labourwatch.core.explain import Explanation
from labourwatch.core.types import pick
from labourwatch.i18n import t
from labourwatch.presentation.explanations import explanation_dict, rule_heading, rule_lines
from labourwatch.presentation.reports import write_pdf
from labourwatch.presentation.verdict import Verdict, owed_lines, unsettled_lines
from labourwatch.services.files import write_whole

TEMPLATES = Path(__file__).with_name("templates")
SUFFIXES = (".html", ".pdf")


def _details(ex: Explanation, lang: str) -> list[dict[str, Any]]:
    """Per pack, each result that holds or is unknown with its lines (those that hold open); the rest
    (no, not measured) by name only: a lawyer reads the first, the second only show what was checked."""
    items = dict(zip((r.rule.id for r in ex.rules), explanation_dict(ex, lang)["results"], strict=True))
    out = []
    for pack in ex.packs:
        mine = [rx for rx in ex.rules if rx.rule.id in pack.rules]
        detailed = [rx for rx in mine if not rx.result.absent and rx.result.value is not False]
        if not mine:
            continue
        out.append(
            {
                "id": pack.id,
                "title": pick(pack.title, lang),
                "rules": [
                    {
                        "heading": rule_heading(items[rx.rule.id], rx, lang),
                        "lines": rule_lines(items[rx.rule.id], rx, lang),
                        "holds": rx.result.value is True,
                    }
                    for rx in detailed
                ],
                "others": [rule_heading(items[rx.rule.id], rx, lang) for rx in mine if rx not in detailed],
            }
        )
    return out


def render_explanation(ex: Explanation, v: Verdict, lang: str = "en") -> str:
    generated = datetime.now(UTC).date().isoformat()
    context = {
        "lang": lang,
        "v": v,
        "title": t("explain_title", lang, id=v.record_id),
        "header": t("record_header", lang, id=v.record_id, where=t("where_row", lang, row=v.row), how=v.judged),
        "owed": owed_lines(v.owed, lang) if v.owed else [],
        "unknown": unsettled_lines(v.unsettled, lang, shown=100),
        "packs": _details(ex, lang),
        "tx": {
            k: t(k, lang)
            for k in ("acts_applied", "verdict_situation", "verdict_money", "verdict_nothing_holds", "ask_next")
        }
        | {
            "unknown": t("verdict_unknown", lang, count=sum(len(u.results) for u in v.unsettled)),
            "not_measured": t("verdict_not_measured", lang, count=v.not_measured),
            "details": t("explain_details_title", lang),
            "generated": t("explain_generated", lang, version=__version__, date=generated),
        },
    }
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("worker_explanation.html.j2").render(**context)


def write_explanation(ex: Explanation, v: Verdict, path: Path, lang: str = "en") -> Path:
    """Written whole or not at all (services.files.write_whole)."""
    html = render_explanation(ex, v, lang)
    if path.suffix.lower() == ".pdf":
        return write_whole(path, lambda tmp: write_pdf(html, tmp, lang))
    return write_whole(path, lambda tmp: tmp.write_text(html, encoding="utf-8"))
