"""The worker's self-check in a real browser at 320 px, in each of its six languages: the worker
answers, sees what the law says and the money owed, asks for help without consent (nothing is stored:
the server's database is read) and with it (the case is in the organisation's queue). Screenshots go
to out/browser/."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from labourwatch_web.cases import selfcheck
from tests.web.test_browser import browser, server, shot  # noqa: F401 (fixtures)
from tests.web.test_selfcheck import ANSWERS


def _database(server_data: Path) -> sqlite3.Connection:
    return sqlite3.connect(server_data / "labourwatch.sqlite3")


def _counts(db: sqlite3.Connection) -> tuple[int, int]:
    return db.execute("SELECT count(*) FROM cases_case").fetchone()[0], db.execute(
        "SELECT count(*) FROM cases_person"
    ).fetchone()[0]


def _answer(page, screen: selfcheck.Screen) -> None:
    for name in screen.questions:
        value = ANSWERS.get(name)
        if value is None:
            continue
        if selfcheck.kind_of(name) != "choice":
            page.fill(f"#{name}", value)
        else:
            page.check(f'input[name="{name}"][value="{value}"]')


LOCALES = {"ru": "ru-RU", "kk": "kk-KZ", "uz": "uz-UZ", "ky": "ky-KG", "tg": "tg-TJ", "en": "en-GB"}  # the phone's


@pytest.mark.parametrize("lang", list(selfcheck.languages()))
def test_a_worker_checks_their_job_and_asks_for_help_at_320_px(server, browser, lang):  # noqa: F811
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale=LOCALES[lang], is_mobile=True)
    page = context.new_page()
    page.goto(f"{server}/check/{lang}/")
    assert context.cookies() == []
    page.click("button")
    for at, screen in enumerate(selfcheck.screens()):
        assert selfcheck.text(f"screen_{screen.id}", lang) in page.inner_text("h1")
        _answer(page, screen)
        if at == 0:
            shot(page, f"selfcheck-{lang}-screen")
        page.click('button[name="go"][value="next"], button[name="go"][value="result"]')
    text = page.inner_text("body")
    expected = selfcheck.result(ANSWERS, lang)
    assert next(b.says for b in expected.breaches if b.rule == "no_weekly_rest_day") in text
    assert expected.owed is not None and expected.owed.total in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # nothing wider than the phone
    assert float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")) >= 18  # large text
    shot(page, f"selfcheck-{lang}-result")

    data = server.data
    with _database(data) as database:
        before = _counts(database)
    page.click(f"text={selfcheck.text('ask_title', lang)}")
    page.check('input[name="organisation"] >> nth=0')
    page.fill("#contact", "+7 701 000 00 99")
    page.click(f"text={selfcheck.text('ask_send', lang)}")
    assert selfcheck.text("need_consent", lang) in page.inner_text(".err")
    with _database(data) as database:
        assert _counts(database) == before  # without consent, nothing stored

    assert page.is_checked('input[name="organisation"] >> nth=0')  # what was chosen stays chosen
    page.check('input[name="consent"]')
    page.click(f"text={selfcheck.text('ask_send', lang)}")
    assert selfcheck.text("sent_title", lang) in page.inner_text("h1")
    shot(page, f"selfcheck-{lang}-sent")
    with _database(data) as database:
        assert _counts(database) == (before[0] + 1, before[1] + 1)
        queued = database.execute(
            "SELECT count(*) FROM cases_case WHERE contact_language = ? AND assigned_to_id IS NULL", (lang,)
        ).fetchone()[0]
    assert queued == 1  # in the organisation's queue, for a supervisor to give to a caseworker
    assert context.cookies() == []
    context.close()
