"""The load of benchmarks/bench_web.py: each simulated user is one member of staff who logs in with the
password and the code of their authenticator, then reads the case list, searches a name (in the other
script) and opens one of their cases, pausing between pages as a person does (BENCH_WEB_PAUSE, seconds:
"1,5" is a pause of 1 to 5 s, Locust's usual)."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

from django_otp.oath import totp
from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["BENCH_WEB_PLAN"]).read_text(encoding="utf-8"))
FREE = list(PLAN["users"])  # each simulated user takes one member of staff
LOGGED_IN: list[str] = []
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Staff(HttpUser):
    wait_time = between(*(float(s) for s in os.environ.get("BENCH_WEB_PAUSE", "1,5").split(",")))

    def on_start(self) -> None:
        me = FREE.pop(0) if FREE else random.choice(PLAN["users"])
        self.cases = me["cases"]
        form = self.client.get("/login/", name="login").text
        self.client.post(
            "/login/",
            {"username": me["name"], "password": PLAN["password"], "csrfmiddlewaretoken": _token(form)},
            name="login",
        )
        page = self.client.get("/two-factor/", name="login").text
        code = f"{totp(bytes.fromhex(me['key'])):06d}"
        self.client.post("/two-factor/", {"code": code, "csrfmiddlewaretoken": _token(page)}, name="login")
        self.token = _token(self.client.get("/cases/", name="login").text)  # the search form's
        LOGGED_IN.append(me["name"])
        if len(LOGGED_IN) == int(os.environ["BENCH_WEB_USERS"]):
            self.environment.stats.reset_all()  # measure from when everyone is in: logins hash passwords

    @task
    def case_list(self) -> None:
        self.client.get("/cases/", name="case list")

    @task
    def search(self) -> None:
        names = PLAN["full_names"] if random.random() < 0.5 else PLAN["names"]
        self.client.post(
            "/cases/", {"q": random.choice(names), "csrfmiddlewaretoken": self.token}, name="search by name"
        )

    @task
    def case_page(self) -> None:
        self.client.get(f"/cases/{random.choice(self.cases)}/", name="case page")


def _token(page: str) -> str:
    found = TOKEN.search(page)
    if found is None:
        raise RuntimeError("no CSRF token on the page: is the server up and the login page served?")
    return found.group(1)
