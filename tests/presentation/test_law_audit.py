"""presentation/law_audit.py: every legal value with its status and the kind of its source; the audit
page is generated (docs/reference/law-audit.md) and holds the packs to account."""

from __future__ import annotations

from labourwatch.core.model import Status
from labourwatch.presentation.law_audit import (
    LEGAL_PACKS,
    audit_rows,
    law_audit_markdown,
    source_kind,
    verified_on_secondary_sources,
)

# The verified share of each pack of national law, as of 2026-11-30, after the values seen only in the
# press were marked partly verified (as core.model.Status defines): it may rise, never fall.
VERIFIED_SHARE = {"kz-labour": 0.32, "kz-migration": 0.11}


def test_sources_are_told_apart_by_their_host():
    assert source_kind(("https://adilet.zan.kz/rus/docs/K1500000414",)) == "primary"
    assert source_kind(("http://kontrast.enbek.gov.kz/en/node/359105",)) == "primary"  # a subdomain of gov.kz
    assert source_kind(("https://tengrinews.kz/x", "https://online.zakon.kz/Document/?doc_id=1")) == "primary"
    assert source_kind(("https://www.zakon.kz/news",)) == "secondary"  # the news pages, not the database
    assert source_kind(("https://16news.kz./x",)) == "secondary"
    assert source_kind(()) == "none"


def test_every_verified_value_of_national_law_has_a_link():
    rows = [r for r in audit_rows() if r.pack in LEGAL_PACKS and r.status is Status.VERIFIED]
    assert rows and [(r.pack, r.parameter, r.start) for r in rows if not r.links] == []


def test_no_value_is_verified_on_secondary_sources_only():
    found = [(r.pack, r.parameter, r.start) for r in verified_on_secondary_sources(audit_rows())]
    assert found == [], f"verified without an official source (mark them partly_verified): {found}"


def test_the_verified_share_has_not_fallen():
    rows = audit_rows()
    for pack, floor in VERIFIED_SHARE.items():
        mine = [r for r in rows if r.pack == pack]
        share = sum(r.status is Status.VERIFIED for r in mine) / len(mine)
        assert share >= floor, (pack, share)


def test_the_page_reports_shares_and_what_is_left_to_source():
    page = law_audit_markdown()
    assert "| `kz-labour` |" in page and "## Verified without an official source (0)" in page
    assert "## Partly verified: left to source" in page and "| `kz-labour` | `wages.mzp` | 2025-01-01 |" in page
    assert "wages.avg_monthly_hours" in page and "mintax.kz" in page
