"""Case management under load (issue #14): 100,000 cases on PostgreSQL, 50 concurrent users (locust) on
the case list, the search by name and the case page, each logged in with the password and the second
factor as staff are. Target: p95 under 200 ms for each. Results go to docs/benchmarks.md.

The application runs as in production: gunicorn, PostgreSQL, a second factor required, every case view
written to the audit log. Its database is made afresh (`--database`, dropped and created); the people
and cases are SYNTHETIC, with encrypted identities and name tokens made as intake makes them.

    python benchmarks/bench_web.py [--cases 100000] [--users 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_assess import write_results

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "out" / "bench-web"
MARK_BEGIN, MARK_END = "<!-- web:begin -->", "<!-- web:end -->"
PASSWORD = "bench-labourwatch-2026"
MEASURED = ("case list", "search by name", "case page")
LOGGING_IN = 30  # seconds allowed for every user to log in; the stats start when the last one is in
SUPERVISOR_EVERY = 5  # one user in five is a supervisor (all cases); the rest caseworkers (their share)
# SYNTHETIC names, each in Cyrillic and in a Latin spelling: searches use the other script.
FIRST = [("Нурлан", "Nurlan"), ("Айгуль", "Aigul"), ("Шухрат", "Shuxrat"), ("Дильноза", "Dilnoza"),
         ("Бахтияр", "Bakhtiyar"), ("Гульнара", "Gulnara"), ("Тимур", "Timur"), ("Жанна", "Zhanna"),
         ("Азамат", "Azamat"), ("Мадина", "Madina"), ("Рустам", "Rustam"), ("Зарина", "Zarina"),
         ("Ғайрат", "G'ayrat"), ("Өмірзақ", "Omirzaq"), ("Фарход", "Farhod"), ("Нилуфар", "Nilufar")]  # fmt: skip
LAST = [("Сапаров", "Saparov"), ("Алиева", "Aliyeva"), ("Каримов", "Karimov"), ("Нуров", "Nurov"),
        ("Сейткали", "Seitkali"), ("Оспанов", "Ospanov"), ("Юсупова", "Yusupova"), ("Рахимов", "Rakhimov"),
        ("Тулеуов", "Tuleuov"), ("Исмаилова", "Ismailova"), ("Абдуллаев", "Abdullaev"), ("Ким", "Kim"),
        ("Мамедов", "Mamedov"), ("Жумабаев", "Zhumabaev"), ("Хасанова", "Khasanova"), ("Турсунов", "Tursunov"),
        ("Ибраимов", "Ibraimov"), ("Садыкова", "Sadykova"), ("Бекова", "Bekova"), ("Эргашев", "Ergashev")]  # fmt: skip
ANSWERS = [  # a few kinds of case; each kind's screening is computed once and kept, as a saved case's is
    {"reference_date": "2024-06-03", "age": "34", "hours_per_day": "12", "rest_days_per_week": "0",
     "documents_held_by_employer": "yes", "documents_refused_on_request": "yes",
     "can_leave_employer_freely": "no", "reasons_not_changing_job": "cant_leave_employer"},
    {"reference_date": "2025-03-10", "age": "27", "hours_per_day": "9", "rest_days_per_week": "1",
     "monthly_pay": "150000", "pay_currency": "KZT"},
    {"reference_date": "2025-09-01", "age": "16", "threat_violence": "yes"},
    {"reference_date": "2023-11-20", "written_contract": "no", "hours_per_day": "10"},
]  # fmt: skip


def seed(n: int, users: int, plan: Path) -> None:
    """In a process with Django set up on the benchmark database: migrate, then the organisation, its
    users with their authenticator keys, and `n` cases; what the load needs is written to `plan`."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from labourwatch_web.cases import services
    from labourwatch_web.cases.models import Case, Membership, NameToken, Person, Role

    call_command("migrate", verbosity=0)
    rng = random.Random(14)
    organisation = services.create_organisation("Bench NGO (SYNTHETIC)")
    keys = services.keys_of(organisation)
    hashed = make_password(PASSWORD)
    staff = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"user{i:02d}", password=hashed) for i in range(users)]
    )
    roles = [Role.SUPERVISOR if i % SUPERVISOR_EVERY == 0 else Role.CASEWORKER for i in range(users)]
    Membership.objects.bulk_create(
        Membership(user=u, organisation=organisation, role=r) for u, r in zip(staff, roles, strict=True)
    )
    devices = [TOTPDevice(user=u, name="phone", confirmed=True) for u in staff]
    TOTPDevice.objects.bulk_create(devices)
    caseworkers = [u for u, r in zip(staff, roles, strict=True) if r == Role.CASEWORKER]
    kept = [_screening_of(services, answers) for answers in ANSWERS]
    first_day = date(2020, 1, 1)
    for start in range(0, n, 5000):
        size = min(5000, n - start)
        names = [(rng.choice(FIRST), rng.choice(LAST)) for _ in range(size)]
        people = Person.objects.bulk_create(
            Person(
                organisation=organisation,
                name_sealed=keys.encrypt(f"{first[0]} {last[0]}", "name"),
                document_sealed=keys.encrypt(f"N{start + i:07d}", "document"),
                phone_sealed=keys.encrypt(f"+7 700 {start + i:07d}", "phone"),
                citizenship=rng.choice(["UZB", "KGZ", "TJK"]),
            )
            for i, (first, last) in enumerate(names)
        )
        NameToken.objects.bulk_create(
            NameToken(person=p, token=token)
            for p, (first, last) in zip(people, names, strict=True)
            for token in keys.name_tokens(f"{first[0]} {last[0]}")
        )
        kinds = [rng.randrange(len(ANSWERS)) for _ in range(size)]
        Case.objects.bulk_create(
            Case(
                organisation=organisation,
                person=p,
                number=start + i + 1,
                opened=first_day + timedelta(days=rng.randrange(2500)),
                created_by=(worker := caseworkers[(start + i) % len(caseworkers)]),
                assigned_to=worker,
                answers=ANSWERS[kind],
                screening=kept[kind],
            )
            for i, (p, kind) in enumerate(zip(people, kinds, strict=True))
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as after any bulk load: the planner's statistics
    _write_plan(plan, staff, roles, devices)


def _screening_of(services: object, answers: dict[str, str]) -> dict[str, object]:
    from labourwatch_web.cases.models import Case

    case = Case(answers=answers, version=1)
    found = services._screened(case)  # type: ignore[attr-defined]
    return {"stamp": f"1|{services.packs_stamp()}", **found.__dict__}  # type: ignore[attr-defined]


def _write_plan(plan: Path, staff: list, roles: list, devices: list) -> None:
    from labourwatch_web.cases.models import Case

    sample = {}
    for user, role in zip(staff, roles, strict=True):
        visible = Case.objects.filter(organisation__members__user=user)
        if role != "supervisor":
            visible = Case.objects.filter(assigned_to=user)
        sample[user.username] = list(visible.order_by("?").values_list("pk", flat=True)[:200])
    plan.write_text(
        json.dumps(
            {
                "password": PASSWORD,
                "users": [
                    {"name": u.username, "key": d.key, "cases": sample[u.username]}
                    for u, d in zip(staff, devices, strict=True)
                ],
                "names": [first[1] for first in FIRST] + [last[1] for last in LAST],
                "full_names": [f"{f[1]} {last[1]}" for f in FIRST for last in LAST],
            }
        ),
        encoding="utf-8",
    )


def _fresh_database(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gunicorn", "labourwatch_web.wsgi:application", "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--preload"]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    for _ in range(120):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not start")


def _load(env: dict[str, str], port: int, users: int, seconds: int, pause: str) -> Path:
    prefix = OUT / f"locust-{pause.replace(',', '-')}"
    env = {**env, "BENCH_WEB_PAUSE": pause, "BENCH_WEB_USERS": str(users)}
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "web_locustfile.py"), "--headless",
               "--users", str(users), "--spawn-rate", "10", "--run-time", f"{seconds + LOGGING_IN}s",
               "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary"]  # fmt: skip
    subprocess.run(command, env=env, check=False)  # locust exits 1 when any request failed: read the table
    return prefix.with_name(prefix.name + "_stats.csv")


def table(runs: dict[str, Path], n: int, users: int, seconds: int, workers: int) -> str:
    lines = [
        f"{n:,} cases on PostgreSQL, {users} concurrent users for about {seconds} s once all are logged in, "
        f"gunicorn with {workers} workers, all on one machine (locust, the server and PostgreSQL share its cores).",
        "",
        "| pause between pages | operation | requests | failures | median ms | p95 ms | p99 ms | requests/s "
        "| p95 < 200 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for pause, stats in runs.items():
        for row in (r for r in csv.DictReader(stats.open(encoding="utf-8")) if r["Name"] in MEASURED):
            p95 = float(row["95%"])
            cells = [f"{pause.replace(',', '-')} s", row["Name"], f"{int(row['Request Count']):,}",
                     row["Failure Count"], row["Median Response Time"], row["95%"], row["99%"],
                     f"{float(row['Requests/s']):.1f}", "yes" if p95 < 200 else "no"]  # fmt: skip
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--pauses", nargs="+", default=["1,5", "0.5,2"], help="each user's pause between pages, seconds (a run each)"
    )
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/labourwatch_bench")
    parser.add_argument("--seed", nargs=3, metavar=("N", "USERS", "PLAN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed(int(args.seed[0]), int(args.seed[1]), Path(args.seed[2]))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    plan = OUT / "plan.json"
    data = tempfile.mkdtemp(prefix="lw-bench-web-")
    env = {**os.environ, "DATABASE_URL": args.database, "DJANGO_SETTINGS_MODULE": "labourwatch_web.settings",
           "LABOURWATCH_WEB_DATA": data, "LABOURWATCH_TWO_FACTOR": "required", "BENCH_WEB_PLAN": str(plan)}  # fmt: skip
    _fresh_database(args.database)
    started = time.perf_counter()
    seeding = [sys.executable, __file__, "--seed", str(args.cases), str(args.users), str(plan)]
    subprocess.run(seeding, env=env, check=True)
    print(f"seeded {args.cases:,} cases in {time.perf_counter() - started:.0f} s")
    port = _free_port()
    server = _serve(env, port, args.workers)
    try:
        runs = {pause: _load(env, port, args.users, args.seconds, pause) for pause in args.pauses}
    finally:
        server.terminate()
        server.wait(timeout=30)
    results = table(runs, args.cases, args.users, args.seconds, args.workers)
    print(results)
    write_results(MARK_BEGIN, MARK_END, results)


if __name__ == "__main__":
    main()
