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

# Values of national law marked verified whose sources are all secondary (the press, a summary), as of
# 2026-11-30: to be sourced again from the act's text or an official publication. The list may shrink
# (remove an entry when its value gets an official link, or is downgraded), never grow.
SECONDARY_ONLY = {
    ("kz-labour", "hours.weekly_norm_age_16_18", "2016-01-01"),
    ("kz-labour", "hours.weekly_norm_hazardous", "2000-01-01"),
    ("kz-labour", "hours.weekly_norm_hazardous", "2016-01-01"),
    ("kz-labour", "premiums.night", "2016-01-01"),
    ("kz-labour", "wages.mzp", "2009-01-01"),
    ("kz-labour", "wages.mzp", "2011-01-01"),
    ("kz-labour", "wages.mzp", "2016-01-01"),
    ("kz-labour", "wages.mzp", "2018-01-01"),
    ("kz-labour", "wages.mzp", "2020-01-01"),
    ("kz-labour", "wages.mzp", "2023-01-01"),
    ("kz-labour", "wages.mzp", "2025-01-01"),
    ("kz-labour", "wages.mzp", "2026-01-01"),
    ("kz-labour", "wages.mci", "2009-07-01"),
    ("kz-labour", "wages.mci", "2011-01-01"),
    ("kz-labour", "wages.mci", "2016-01-01"),
    ("kz-labour", "wages.mci", "2018-01-01"),
    ("kz-labour", "wages.mci", "2020-01-01"),
    ("kz-labour", "wages.mci", "2023-01-01"),
    ("kz-labour", "wages.mci", "2025-01-01"),
    ("kz-labour", "wages.mci", "2026-01-01"),
    ("kz-migration", "registration.deadline_days", "2026-07-01"),
    ("kz-migration", "registration.extended_deadline_countries", "2012-01-01"),
    ("kz-migration", "registration.extended_deadline_countries", "2015-08-12"),
    ("kz-migration", "registration.extended_deadline_days", "2012-01-01"),
    ("kz-migration", "stay.limit_days_eaeu", "2023-01-27"),
    ("kz-migration", "work.eaeu_members", "2015-08-12"),
    ("kz-migration", "work.employer_permit_quota", "2012-01-01"),
    ("kz-migration", "work.employer_permit_quota", "2015-01-01"),
    ("kz-migration", "work.employer_permit_quota", "2017-01-01"),
    ("kz-migration", "work.employer_permit_quota", "2020-01-01"),
    ("kz-migration", "work.employer_permit_quota", "2021-01-01"),
    ("kz-migration", "work.employer_permit_quota", "2024-01-01"),
    ("kz-migration", "work.employer_permit_quota", "2025-01-17"),
    ("kz-migration", "work.employer_permit_quota", "2026-01-02"),
}

# The verified share of each pack of national law, as of 2026-11-30: it may rise, never fall.
VERIFIED_SHARE = {"kz-labour": 0.41, "kz-migration": 0.47}


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


def test_no_new_value_is_verified_on_secondary_sources_only():
    found = {(r.pack, r.parameter, r.start) for r in verified_on_secondary_sources(audit_rows())}
    assert found <= SECONDARY_ONLY, f"verified without an official source: {sorted(found - SECONDARY_ONLY)}"


def test_the_verified_share_has_not_fallen():
    rows = audit_rows()
    for pack, floor in VERIFIED_SHARE.items():
        mine = [r for r in rows if r.pack == pack]
        share = sum(r.status is Status.VERIFIED for r in mine) / len(mine)
        assert share >= floor, (pack, share)


def test_the_page_reports_shares_and_what_is_left_to_source():
    page = law_audit_markdown()
    assert "| `kz-labour` |" in page and f"## Verified on secondary sources only ({len(SECONDARY_ONLY)})" in page
    assert "wages.avg_monthly_hours" in page and "mintax.kz" in page
