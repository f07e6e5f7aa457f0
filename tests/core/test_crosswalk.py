"""One answer, many frameworks (standards.md §8): the cross-walk computed from the packs."""

from __future__ import annotations

import pytest

from labourwatch.core.crosswalk import answers_read, crosswalk, indicators
from labourwatch.packs import load_packs
from labourwatch.presentation.catalogue import FRAMEWORKS

PACKS = load_packs(list(FRAMEWORKS))
TABLE = crosswalk(PACKS, FRAMEWORKS)
RULES = {r.id: r for p in PACKS for r in p.rules.values()}

# Rows of the cross-walk in standards.md §8, as the indicator each framework must read from the answer.
EXPECTED = {
    "documents_held_by_employer": {
        "ilo-ec-2009": "thb_cd_document_confiscation",
        "ilo-2012": "fl12_pen_confiscation_documents",
        "icls-2018": "icls_coe_e_withholding_documents",
        "ilo-11": "ilo11_retention_identity_documents",
        "palermo": "palermo_means_coercion",
    },
    "recruitment_documents_taken": {"ilo-ec-2009": "thb_cr_document_confiscation"},
    "deceived_about_job": {
        "ilo-ec-2009": "thb_dr_job_nature_location_employer",
        "ilo-2012": "fl12_ur_deception_nature_of_work",
        "icls-2018": "icls_inv_b_different_job_than_agreed",
        "ilo-11": "ilo11_deception",
        "palermo": "palermo_means_deception",
    },
    "confinement": {
        "ilo-ec-2009": "thb_cd_isolation_confinement_surveillance",
        "ilo-2012": "fl12_wd_limited_movement_communication",
        "icls-2018": "icls_coe_b_restriction_movement",
        "ilo-11": "ilo11_restriction_of_movement",
        "palermo": "palermo_means_force",
    },
    "threat_denunciation": {
        "ilo-ec-2009": "thb_cd_threat_denunciation",
        "ilo-2012": "fl12_pen_denunciation_authorities",
        "icls-2018": "icls_coe_f_abuse_of_vulnerability",
        "ilo-11": "ilo11_intimidation_threats",
    },
    "must_work_off_debt": {
        "ilo-ec-2009": "thb_cd_debt_bondage",
        "ilo-2012": "fl12_il_indefinite_work_to_repay_debt",
        "icls-2018": "icls_coe_c_debt_bondage_manipulation",
        "ilo-11": "ilo11_debt_bondage",
    },
    "pay_timing": {  # wages deferred to the end of the season
        "ilo-ec-2009": "thb_cd_withholding_wages",
        "ilo-2012": "fl12_pen_withhold_wages",
        "icls-2018": "icls_coe_d_withholding_wages_benefits",
        "ilo-11": "ilo11_withholding_wages",
    },
    "hours_per_day": {"ilo-ec-2009": "thb_ex_excessive_hours_days", "ilo-11": "ilo11_excessive_overtime"},
}


@pytest.mark.parametrize("answer", sorted(EXPECTED))
def test_an_answer_feeds_the_indicator_of_every_framework(answer):
    for framework, indicator in EXPECTED[answer].items():
        assert indicator in TABLE[answer][framework], (answer, framework)


def test_recruitment_and_destination_answers_feed_their_own_phase():
    assert "thb_cd_document_confiscation" not in TABLE["recruitment_documents_taken"]["ilo-ec-2009"]
    assert "thb_cr_document_confiscation" not in TABLE["documents_held_by_employer"]["ilo-ec-2009"]


def test_a_status_is_an_indicator_only_with_the_answer_that_it_was_used_as_leverage():
    for statuses, leverage in (
        ("vulnerabilities_at_work", "employer_used_vulnerability"),
        ("recruitment_vulnerabilities", "recruiter_used_vulnerability"),
    ):
        readers = [r for fw in TABLE[statuses].values() for r in fw]
        assert readers
        for rule_id in readers:
            assert leverage in answers_read(RULES[rule_id], RULES), rule_id


def test_every_indicator_reads_some_answer():
    found = indicators(PACKS, FRAMEWORKS)
    assert len([r for r in found if r.pack == "ilo-ec-2009"]) == 67  # the Delphi list for adults
    for rule in found:
        assert answers_read(rule, RULES), rule.id
