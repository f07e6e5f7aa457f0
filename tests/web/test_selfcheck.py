"""The worker's self-check (cases/selfcheck.py): public pages in six languages that keep nothing unless
the worker asks for help, light enough for a cheap phone on a slow network."""

from __future__ import annotations

import gzip
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from labourwatch.forms.definition import question_text
from labourwatch.i18n import number
from labourwatch.packs import load_packs, load_schema
from labourwatch_web.cases import selfcheck, services
from labourwatch_web.cases.models import AuditEvent, Case, NameToken, Person

LANGS = list(selfcheck.languages())
PAGE_LIMIT = 30 * 1024  # bytes, compressed
ANSWERS = {  # SYNTHETIC: a worker with no day off, 12-hour days, passport held, pay owed
    "age": "30", "citizenship": "UZB", "entry_date": "2026-01-10", "migration_card": "yes",
    "residence_registration": "yes", "work_permit_own": "yes", "written_contract": "no",
    "documents_held_by_employer": "yes", "hours_per_day": "12", "rest_days_per_week": "0", "night_work": "no",
    "monthly_pay": "150000", "pay_currency": "KZT", "pay_method": "cash", "pay_timing": "monthly",
    "pay_late": "no", "pay_withheld": "no", "threats": "yes", "violence": "dont_know", "confinement": "no",
    "isolated": "no", "must_work_off_debt": "no", "deceived_about_job": "no", "can_leave_employer_freely": "yes",
    "period_start": "2026-05-01", "period_end": "2026-10-31", "agreed_pay": "150000", "agreed_pay_per": "month",
    "pay_received": "300000",
}  # fmt: skip
LAST = str(len(selfcheck.screens()) - 1)


@pytest.fixture(autouse=True)
def _no_requests_sent_yet():
    """The count of requests for help by address lives in the cache: each test starts from none."""
    cache.clear()


def _stored() -> tuple[int, int, int, int]:
    return Case.objects.count(), Person.objects.count(), NameToken.objects.count(), AuditEvent.objects.count()


def _result(client, lang: str, answers=ANSWERS):
    return client.post(f"/check/{lang}/", {**answers, "at": LAST, "go": "result"})


def _pages(client, lang: str):
    """Every page a worker meets: the intro, each screen, the result, the request for help, and sent."""
    yield client.get(f"/check/{lang}/")
    for at in range(-1, len(selfcheck.screens()) - 1):
        yield client.post(f"/check/{lang}/", {**ANSWERS, "at": str(at), "go": "next"})
    yield _result(client, lang)
    yield client.post(f"/check/{lang}/help/", ANSWERS)


# --- the pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_is_light_has_no_script_and_sets_no_cookie(seeded, client, lang):
    for response in _pages(client, lang):
        html = response.content.decode()
        assert response.status_code == 200
        assert not response.cookies, response.cookies  # no session, no CSRF cookie: nothing to track
        assert "<script" not in html and "src=" not in html  # nothing to run, nothing else to load
        assert f'<html lang="{lang}">' in html
        assert len(gzip.compress(response.content)) < PAGE_LIMIT
        assert response["Cache-Control"] == "no-store"  # a shared phone keeps no page


def test_the_server_compresses_the_pages_a_worker_sees_and_only_those(seeded, client, login):
    assert client.get("/check/ru/", HTTP_ACCEPT_ENCODING="gzip")["Content-Encoding"] == "gzip"
    staff = login("caseworker").get("/cases/", HTTP_ACCEPT_ENCODING="gzip")  # holds a CSRF token: BREACH
    assert staff.status_code == 200 and not staff.has_header("Content-Encoding")


@pytest.mark.parametrize("lang", LANGS)
def test_a_draft_translation_says_so_in_its_own_language(seeded, client, lang):
    html = client.get(f"/check/{lang}/").content.decode()
    assert ('class="note"' in html) == selfcheck.is_draft(lang)
    if selfcheck.is_draft(lang):
        assert selfcheck.text("draft", lang) in html


def test_the_start_page_offers_the_six_languages_in_their_own_names(client):
    html = client.get("/check/").content.decode()
    for code, name in selfcheck.languages().items():
        assert f'href="/check/{code}/"' in html and name in html


def test_a_language_not_offered_is_not_found(client):
    assert client.get("/check/fr/").status_code == 404


# --- the screens ----------------------------------------------------------------------------------


def test_the_answers_travel_in_the_form_never_in_a_url(seeded, client):
    html = client.post("/check/ru/", {**ANSWERS, "at": "1", "go": "next"}).content.decode()
    assert '<input type="hidden" name="age" value="30">' in html  # an earlier screen's answer, carried
    assert 'method="post"' in html and "?" not in "".join(re.findall(r'action="([^"]*)"', html))


def test_a_value_that_cannot_be_read_is_named_with_its_question_and_the_screen_stays(seeded, client):
    response = client.post("/check/ru/", {**ANSWERS, "at": "1", "go": "next", "hours_per_day": "двенадцать"})
    html = response.content.decode()
    question = question_text(load_schema().variables["hours_per_day"], "ru")
    assert f"«{question}»: не удалось прочитать «двенадцать». Напишите число" in html
    assert selfcheck.text("screen_job", "ru") in html and 'value="двенадцать"' in html  # kept to correct


def test_going_back_keeps_every_answer(seeded, client):
    html = client.post("/check/ru/", {**ANSWERS, "at": "2", "go": "back"}).content.decode()
    assert selfcheck.text("screen_job", "ru") in html
    assert 'name="hours_per_day" inputmode="decimal" value="12"' in html
    assert '<input type="hidden" name="monthly_pay" value="150000">' in html


def test_dont_know_is_no_answer():
    assert "violence" not in selfcheck.read({"violence": "dont_know", "age": " 30 "})
    assert selfcheck.read({"age": " 30 ", "not_a_question": "x"}) == {"age": "30"}


# --- the result -----------------------------------------------------------------------------------


def test_the_result_says_what_the_law_says_with_the_article_and_the_money_owed(seeded, client):
    html = _result(client, "ru").content.decode()
    assert "У вас должен быть хотя бы 1 выходной в неделю." in html and "ст. 84" in html
    assert "Работодатель обязан заключить с вами письменный договор." in html and "ст. 33" in html
    assert "Хранит ли работодатель ваш паспорт" in html  # a sign of forced labour, in the worker's words
    owed = selfcheck.result(ANSWERS, "ru").owed
    assert owed is not None and owed.owes
    assert f"вам могут быть должны {owed.total}" in html and owed.total.endswith(" тенге")


def test_the_money_owed_is_the_arrears_services_in_the_languages_signs(seeded):
    from labourwatch.services import arrears

    fields = {**arrears.claim_fields(ANSWERS), "pay_currency": "KZT"}
    claim = arrears.arrears(arrears.claim_table(fields)).claims.to_pylist()[0]
    for lang in LANGS:
        owed = selfcheck.result(ANSWERS, lang).owed
        assert owed is not None and owed.total == selfcheck.text("money", lang, amount=number(claim["owed"], lang, 0))
    assert "\u00a0" in number(claim["owed"], "kk", 0) and "," in number(claim["owed"], "en", 0)


def test_what_the_money_owed_still_needs_is_asked_for(seeded):
    partial = {k: v for k, v in ANSWERS.items() if k not in ("agreed_pay", "agreed_pay_per")}
    result = selfcheck.result(partial, "uz")
    assert result.owed is None
    assert question_text(load_schema().variables["agreed_pay"], "uz") in result.owed_needs


def test_a_worker_who_skips_the_money_is_told_nothing_of_it(seeded):
    skipped = {k: v for k, v in ANSWERS.items() if k not in ("period_start", "period_end", "agreed_pay")}
    result = selfcheck.result({k: v for k, v in skipped.items() if k != "agreed_pay_per"}, "ru")
    assert result.owed is None and not result.owed_needs and not result.owed_failed


def test_nothing_found_is_said_plainly(seeded):
    fine = {"age": "30", "hours_per_day": "8", "rest_days_per_week": "2", "written_contract": "yes"}
    result = selfcheck.result(fine, "ru")
    assert result.breaches == () and result.signs == ()


@pytest.mark.parametrize("lang", LANGS)
def test_the_result_shows_the_organisations_and_the_hotline(seeded, client, settings, lang):
    settings.LABOURWATCH_HOTLINE = "+7 000 (SYNTHETIC)"
    html = _result(client, lang).content.decode()
    assert selfcheck.text("hotline", lang, number="+7 000 (SYNTHETIC)") in html
    a, _ = seeded
    assert a.name in html and "+7 700 000 00 10" in html and selfcheck.languages()["uz"] in html


# --- asking for help ------------------------------------------------------------------------------


def _ask(client, to, **fields):
    form = {**ANSWERS, "send": "1", "organisation": str(to.pk), "contact": "+7 701 000 00 99"}
    return client.post("/check/ky/help/", {**form, **fields})


def test_without_consent_nothing_is_stored(seeded, client):
    a, _ = seeded
    before = _stored()
    html = _ask(client, a, name="Айбек").content.decode()
    assert selfcheck.text("need_consent", "ky") in html
    assert _stored() == before


@pytest.mark.parametrize(
    ("fields", "why"), [({"contact": " "}, "need_contact"), ({"organisation": "999"}, "need_organisation")]
)
def test_without_a_contact_or_an_organisation_nothing_is_stored(seeded, client, fields, why):
    a, _ = seeded
    before = _stored()
    assert selfcheck.text(why, "ky") in _ask(client, a, consent="yes", **fields).content.decode()
    assert _stored() == before


def test_answers_that_cannot_be_read_are_not_stored(seeded, client):
    a, _ = seeded
    before = _stored()
    html = _ask(client, a, consent="yes", hours_per_day="много").content.decode()
    assert "«много»" in html and _stored() == before


def test_an_organisation_that_takes_no_requests_cannot_be_sent_one(seeded, client):
    a, _ = seeded
    type(a).objects.filter(pk=a.pk).update(takes_self_check=False)
    before = _stored()
    assert selfcheck.text("need_organisation", "ky") in _ask(client, a, consent="yes").content.decode()
    assert _stored() == before


def test_with_consent_the_case_reaches_the_organisations_queue(seeded, client, login):
    a, b = seeded
    html = _ask(client, a, consent="yes", name="Айбек Токтогулов").content.decode()
    assert selfcheck.text("sent_title", "ky") in html and a.contact in html
    case = Case.objects.get(organisation=a, contact_language="ky")
    assert case.created_by is None and case.assigned_to is None
    assert case.answers["hours_per_day"] == "12" and "violence" not in case.answers  # "don't know": no answer
    who = services.identity_of(case.person)
    assert who.name == "Айбек Токтогулов" and who.phone == "+7 701 000 00 99"
    assert b"+7 701" not in bytes(case.person.phone_sealed)  # sealed like every identity
    events = AuditEvent.objects.filter(case=case).values_list("action", flat=True)
    assert set(events) == {AuditEvent.Action.CREATE_CASE, AuditEvent.Action.CONSENT}
    supervisor = get_user_model().objects.get(username="supervisor")
    caseworker = get_user_model().objects.get(username="caseworker")
    assert case in Case.objects.visible_to(supervisor) and case not in Case.objects.visible_to(caseworker)
    assert not Case.objects.filter(organisation=b, contact_language="ky").exists()
    page = login("supervisor").get("/cases/").content.decode()
    assert "Ждут сотрудника: 1" in page
    detail = login("supervisor").get(f"/cases/{case.pk}/").content.decode()
    assert "Айбек Токтогулов" in detail and "Кыргызча" in detail


def test_a_worker_may_send_no_name(seeded, client):
    a, _ = seeded
    _ask(client, a, consent="yes", name="")
    case = Case.objects.get(organisation=a, contact_language="ky")
    assert services.identity_of(case.person).name == ""


def test_one_address_cannot_flood_a_queue(seeded, client, settings):
    a, _ = seeded
    settings.SELF_CHECK_SENDS_PER_HOUR = 2
    for _ in range(2):
        _ask(client, a, consent="yes")
    before = _stored()
    assert selfcheck.text("too_many", "ky") in _ask(client, a, consent="yes").content.decode()
    assert _stored() == before


# --- what the organisation shows -----------------------------------------------------------------


def test_an_admin_sets_what_the_self_check_shows_of_the_organisation(seeded, login, client):
    a, _ = seeded
    login("admin").post("/people/self-check/", {"takes": "1", "contact": "+7 727 000 (SYNTHETIC)",
                                                "languages": ["tg", "ru"]})  # fmt: skip
    a.refresh_from_db()
    assert (a.takes_self_check, a.contact, a.languages) == (True, "+7 727 000 (SYNTHETIC)", "ru tg")
    assert AuditEvent.objects.filter(action="permission", detail__startswith="self-check: takes requests").exists()
    client.post("/people/self-check/", {"takes": "", "contact": ""})
    a.refresh_from_db()
    assert not a.takes_self_check
    assert a.name not in _result(client, "ru").content.decode()  # the worker is no longer offered it


@pytest.mark.parametrize(("form", "why"), [({"takes": "1", "contact": " "}, "Нужны контакты"),
                                            ({"takes": "1", "contact": "x", "languages": ["fr"]}, "fr")])  # fmt: skip
def test_what_the_self_check_cannot_show_is_refused(seeded, login, form, why):
    a, _ = seeded
    page = login("admin").post("/people/self-check/", form, follow=True).content.decode()
    a.refresh_from_db()
    assert why in page and a.contact.startswith("+7 700")  # unchanged


def test_only_an_admin_sets_it(seeded, login):
    a, _ = seeded
    assert login("supervisor").post("/people/self-check/", {"takes": ""}).status_code == 403
    a.refresh_from_db()
    assert a.takes_self_check


# --- the texts ------------------------------------------------------------------------------------


def test_every_text_is_in_every_language():
    data = selfcheck._data()
    for part in ("texts", "situations", "amounts", "countries", "findings"):
        for key, by_lang in data[part].items():
            assert not set(LANGS) - set(by_lang), f"{part}.{key}"
    for key, by_lang in data["texts"].items():
        assert all(by_lang[lang] for lang in LANGS if not (key == "draft" and not selfcheck.is_draft(lang))), key


def test_every_finding_of_the_law_a_worker_can_meet_is_explained_with_its_law_values():
    packs = {p.id: p for p in load_packs(list(selfcheck.LAW_PACKS))}
    findings = selfcheck._data()["findings"]
    for pack in packs.values():
        for rule in pack.rules.values():
            if rule.kind.value == "finding":
                assert rule.id in findings, f"{pack.id}: {rule.id} has no plain words"
    for rule_id, plain in findings.items():
        pack = next(p for p in packs.values() if rule_id in p.rules)
        assert set(plain["law"]) <= set(pack.parameters), rule_id
        named = {key.replace(".", "_") for key in plain["law"]}
        for lang in LANGS:
            assert set(re.findall(r"\{(\w+)\}", plain[lang])) <= named, (rule_id, lang)


def test_every_question_is_the_questionnaires_in_every_language():
    variables = load_schema().variables
    for name in selfcheck.question_names():
        assert variables[name].question, name
        for lang in LANGS:
            assert question_text(variables[name], lang), (name, lang)


def test_every_situation_of_the_typology_is_explained():
    situation = next(p for p in load_packs(["typology"]) if p.id == "typology").rules["situation"]
    assert set(situation.labels) | {"unknown"} == set(selfcheck._data()["situations"])


OFFICIALESE = ("вышеуказанн", "в соответствии с", "осуществля", "данный", "надлежащ", "в целях", "является")
SENTENCE = re.compile(r"[^.!?:]+[.!?:]?")


def _russian_texts() -> list[str]:
    data = selfcheck._data()
    parts = [data["texts"], data["situations"], data["findings"], data["amounts"]]
    return [str(by_lang["ru"]) for part in parts for by_lang in part.values()]


def test_the_russian_is_plain_short_sentences_and_everyday_words():
    """The review for plain language, kept: no sentence over 20 words, none of the officialese that
    makes a notice unreadable, and the worker addressed as "вы"."""
    for text in _russian_texts():
        for sentence in SENTENCE.findall(text):
            assert len(sentence.split()) <= 20, sentence
        assert not [w for w in OFFICIALESE if w in text.lower()], text
        assert " ты " not in f" {text.lower()} ", text
