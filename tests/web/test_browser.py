"""In a real browser (Playwright driving Debian's Chromium, as a caseworker's phone would): log in,
open a case, enter answers, see the findings and the money owed, print the claim, plan a service,
close the case; at 360 px, in Russian. Screenshots go to out/browser/ as artefacts.

The application runs as `labourwatch serve` starts it, in its own process, on SQLite with the demo."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.utils.timezone import localdate  # the application's day (Asia/Almaty), not the machine's

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SHOTS = Path("out/browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served(str):
    """The address of the running application; `data`: the folder of its SQLite database."""

    data: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        if os.environ.get("LABOURWATCH_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests need Debian's chromium at {CHROMIUM} (LABOURWATCH_REQUIRE_BROWSER is set)")
        pytest.skip(f"no {CHROMIUM}: apt-get install chromium (CI does, and requires it)")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # its own SQLite, never the test server's
    env["LABOURWATCH_WEB_DATA"] = str(tmp_path_factory.mktemp("web"))
    command = [sys.executable, "-m", "labourwatch", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    address = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail(f"labourwatch serve did not start: {process.stdout.read() if process.stdout else ''}")
    served = Served(address)
    served.data = Path(env["LABOURWATCH_WEB_DATA"])
    yield served
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A phone, in Russian."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU", is_mobile=True)
    yield context.new_page()
    context.close()


def log_in(page, server: str, name: str) -> None:
    page.goto(server + "/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", "demo-labourwatch-2026")
    page.click("button.primary")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_caseworker_handles_a_case_from_login_to_closure_on_a_phone_in_russian(server, page):
    log_in(page, server, "caseworker")
    assert page.locator("h1").inner_text() == "Дела"
    shot(page, "1-cases")

    page.click("text=+ Новое дело")
    page.fill("#name", "Айгуль Сейткали")
    page.fill("#document", "N1234567")
    page.click("button.primary")
    assert "Айгуль Сейткали" in page.locator("h1").inner_text()

    page.click("text=Внести или изменить ответы")
    page.fill("#reference_date", "2024-06-03")
    page.fill("#age", "24")
    assert not page.locator("#documents_refused_on_request").is_visible()  # skipped until the passport is held
    page.select_option("#documents_held_by_employer", "yes")  # htmx asks the server which questions follow
    page.select_option("#documents_refused_on_request", "yes")
    page.select_option("#can_leave_employer_freely", "no")
    page.check("input[name=reasons_not_changing_job][value=cant_leave_employer]")  # several answers: boxes
    for name, value in {"period_start": "2024-03-01", "period_end": "2024-03-31"}.items():
        page.fill(f"#{name}", value)
    page.fill("#hours_per_day", "10")
    page.fill("#rest_days_per_week", "0")
    page.fill("#holidays_worked", "0")
    page.fill("#agreed_pay", "70000")
    page.press("#agreed_pay", "Tab")  # leaving the field is the change that shows the follow-up
    page.select_option("#agreed_pay_per", "month")
    page.fill("#pay_received", "40000")
    shot(page, "2-answers")
    page.click("button.primary")

    body = page.locator("main").inner_text()
    assert "Принудительный труд (МКСТ 2018)" in body and "Что спросить дальше" in body
    shot(page, "3-case")

    page.click("text=Расчёт задолженности для печати")
    statement = page.locator("body").inner_text()
    assert "Задолженность" in statement and "414-V" in statement
    shot(page, "4-claim")
    page.go_back()

    page.select_option("#kind", "documents")
    page.fill("#due", "2026-12-15")
    page.click("text=Добавить в план")
    assert "15.12.2026" in page.locator("main").inner_text()

    page.fill("#text", "Работодатель обещал вернуть паспорт в пятницу")
    page.click("text=Добавить заметку")
    assert "обещал вернуть паспорт" in page.locator("main").inner_text()

    page.fill("#reason", "документы возвращены")
    page.click("button.primary >> text=Закрыть дело")
    assert "запрошено закрытие" in page.locator("main").inner_text()  # a supervisor approves it
    shot(page, "5-closed")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone


def test_an_admin_and_a_researcher_in_english_and_a_supervisor_on_a_desktop(server, browser):
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB", is_mobile=True)
    page = phone.new_page()
    log_in(page, server, "admin")
    assert page.locator("h1").inner_text() == "People and permissions"
    page.fill("#username", "aigul")
    page.select_option("#role", "lawyer")
    page.click("button.primary")
    assert "aigul: added as lawyer" in page.locator("main").inner_text()
    assert "/welcome/" in page.locator("#password-link").inner_text()  # she chooses her own password there
    shot(page, "6-people-en")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("text=Log out")
    log_in(page, server, "researcher")
    assert page.locator("h1").inner_text() == "Counts" and "×" in page.locator("main").inner_text()
    shot(page, "7-counts-en")
    phone.close()
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = desk.new_page()
    log_in(page, server, "supervisor")
    page.get_by_role("link", name="1", exact=True).click()
    assert "Who looked at this case" in page.locator("main").inner_text()
    shot(page, "8-case-desktop-en")
    desk.close()


def test_a_case_is_referred_with_consent_and_accepted_by_the_other_organisation(server, page):
    log_in(page, server, "caseworker")
    page.get_by_role("link", name="1", exact=True).click()
    page.click("text=Направить или передать")
    page.select_option("#refer-kind", "referral")
    page.select_option("#refer-service", "legal_claim")
    for share in ("name", "screening"):
        page.check(f"#refer-to ~ fieldset input[value={share}]")
    page.click("button.primary >> text=Направить или передать")
    assert "Отказано: согласие работника" in page.locator("main").inner_text()  # no consent yet
    shot(page, "9-referral-refused")

    page.click("text=Записать согласие работника")
    page.select_option("#consent-to", label="Другая НКО (SYNTHETIC)")
    for share in ("name", "screening"):
        page.check(f"#consent-to ~ fieldset input[value={share}]")
    page.fill("#consent-on", localdate().isoformat())
    page.select_option("#consent-how", "signed")
    page.click("button.primary >> text=Записать согласие работника")
    assert "Подписанная форма" in page.locator("main").inner_text()
    page.click("text=Направить или передать")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#consent").screenshot(path=str(SHOTS / "referral-form-ru-phone.png"))

    page.select_option("#refer-service", "legal_claim")
    for share in ("name", "screening"):
        page.check(f"#refer-to ~ fieldset input[value={share}]")
    page.click("button.primary >> text=Направить или передать")
    assert "ожидает ответа" in page.locator("main").inner_text()
    shot(page, "10-referral-made")
    page.click("text=Выйти")

    log_in(page, server, "other-caseworker")
    page.click("header >> text=Направления")
    page.get_by_role("link", name="Направление № 1").click()
    shared = page.locator("main").inner_text()
    assert "Нурлан Сапаров" in shared and "N0000001" not in shared  # the name shared, the document not
    page.click("text=Принять")
    assert "принято" in page.locator("main").inner_text()
    shot(page, "11-referral-accepted")
    page.set_viewport_size({"width": 360, "height": 640})
    page.screenshot(path=str(SHOTS / "referral-received-ru-phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_transferred_case_becomes_a_claim_with_its_stages_and_deadline_reminder(server, page):
    log_in(page, server, "caseworker")
    page.get_by_role("link", name="2", exact=True).click()
    page.click("text=Записать согласие работника")
    page.select_option("#consent-to", label="Другая НКО (SYNTHETIC)")
    for share in ("name", "contacts", "answers"):
        page.check(f"#consent-to ~ fieldset input[value={share}]")
    page.fill("#consent-on", localdate().isoformat())
    page.click("button.primary >> text=Записать согласие работника")
    page.click("text=Направить или передать")
    page.select_option("#refer-kind", "transfer")
    page.select_option("#refer-service", "legal_claim")
    for share in ("name", "contacts", "answers"):
        page.check(f"#refer-to ~ fieldset input[value={share}]")
    page.click("button.primary >> text=Направить или передать")
    assert "ожидает ответа" in page.locator("main").inner_text()
    page.click("text=Выйти")

    log_in(page, server, "other-caseworker")
    page.click("header >> text=Направления")
    page.get_by_role("link", name="Передача дела", exact=False).first.click()
    page.click("text=Принять")
    page.click("text=Дело теперь у вашей организации: открыть.")
    assert "Dilnoza Aliyeva" in page.locator("h1").inner_text()

    start = date.fromordinal(localdate().toordinal() - 355)  # the one-year limit passes in about ten days
    page.click("text=Внести или изменить ответы")
    end = date.fromordinal(start.toordinal() + 60)
    answers = {"period_start": start.isoformat(), "period_end": end.isoformat(), "hours_per_day": "10",
               "rest_days_per_week": "0", "holidays_worked": "0", "agreed_pay": "70000"}  # fmt: skip
    for name, value in answers.items():
        page.fill(f"#{name}", value)
    page.press("#agreed_pay", "Tab")
    page.select_option("#agreed_pay_per", "month")
    page.fill("#pay_received", "40000")
    page.click("button.primary")
    page.click("text=Составить иск по этим суммам")
    claim = page.locator("#legal-claim").inner_text()
    assert "Задолженность" in claim and "осталось дней" in claim and "ст. 160" in claim  # the reminder, the article
    page.select_option("#stage-kind", "hearing")
    page.fill("#stage-on", localdate().isoformat())
    page.fill("#stage-note", "Медеуский районный суд, зал 3")
    page.click("text=Добавить этап")
    assert "Судебное заседание · Медеуский районный суд" in page.locator("#legal-claim").inner_text()
    page.locator("#legal-claim").screenshot(path=str(SHOTS / "claim-ru-phone.png"))
    page.click("header >> text=Иски")
    listed = page.locator("main").inner_text()
    assert "Обращение в согласительную комиссию" in listed and "Заявлено" in listed
    shot(page, "12-claims")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_supervisor_approves_a_plan_and_reads_the_dashboard_on_a_phone(server, page):
    log_in(page, server, "supervisor")
    page.get_by_role("link", name="3", exact=True).click()
    page.select_option("#kind", "shelter")
    page.click("text=Добавить в план")
    page.click("text=Утвердить план")
    assert "План утверждён." in page.locator("main").inner_text() and "утверждено" in page.locator("main").inner_text()
    page.click("header >> text=Сводка")
    board = page.locator("main").inner_text()
    assert "Открытые дела по кейс-менеджерам" in board and "Дней от приёма до закрытия" in board
    shot(page, "13-dashboard")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
