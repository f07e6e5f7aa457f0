"""The worker's self-check on a slow network (issue #17): Chromium at 320 px, its network throttled
through the DevTools protocol to the profiles below, goes from the first page through every screen to
the result and the request for help. For each page: the bytes that crossed the network (compressed) and
the time from the tap to the page loaded. Target: every page under 30 KB compressed, and usable on 2G.

The application runs as `labourwatch serve` starts it (SQLite, the demo), in its own process.

    python benchmarks/bench_selfcheck.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_assess import write_results

MARK_BEGIN, MARK_END = "<!-- selfcheck:begin -->", "<!-- selfcheck:end -->"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
# Chrome DevTools' former presets: latency is the round trip (ms), throughput in bytes a second.
PROFILES = {
    "unthrottled": None,
    "2G (250 kbit/s, 300 ms)": {"latency": 300, "downloadThroughput": 250_000 / 8, "uploadThroughput": 50_000 / 8},
    "GPRS (50 kbit/s, 500 ms)": {"latency": 500, "downloadThroughput": 50_000 / 8, "uploadThroughput": 20_000 / 8},
}
ANSWERS = {  # SYNTHETIC, as a worker would fill the screens
    "age": "30", "entry_date": "2026-01-10", "hours_per_day": "12", "rest_days_per_week": "0",
    "monthly_pay": "150000", "period_start": "2026-05-01", "period_end": "2026-10-31", "agreed_pay": "150000",
    "pay_received": "300000",
}  # fmt: skip
CHOSEN = {"citizenship": "UZB", "written_contract": "no", "documents_held_by_employer": "yes", "threats": "yes",
          "pay_currency": "KZT", "agreed_pay_per": "month"}  # fmt: skip


def _serve(data: Path) -> tuple[subprocess.Popen[str], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"LABOURWATCH_WEB_DATA": str(data)}
    command = [sys.executable, "-m", "labourwatch", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    for _ in range(120):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("labourwatch serve did not start")


def _loaded(page, step: str, tap) -> tuple[str, float, int]:  # type: ignore[no-untyped-def]
    """Tap, wait for the next page, and read what crossed the network for it."""
    started = time.perf_counter()
    with page.expect_navigation(wait_until="load"):
        tap()
    seconds = time.perf_counter() - started
    size = page.evaluate("performance.getEntriesByType('navigation')[0].transferSize")
    return step, seconds, int(size)


def _walk(page, server: str) -> list[tuple[str, float, int]]:  # type: ignore[no-untyped-def]
    rows = [_loaded(page, "first page", lambda: page.goto(f"{server}/check/ru/"))]
    rows.append(_loaded(page, "screen 1", lambda: page.click("button")))
    for n in range(2, 7):
        for name, value in ANSWERS.items():
            if page.locator(f"#{name}").count():
                page.fill(f"#{name}", value)
        for name, value in CHOSEN.items():
            radio = f'input[type="radio"][name="{name}"][value="{value}"]'
            if page.locator(radio).count():
                page.check(radio)
        step = f"screen {n}" if n < 6 else "the result (findings, money owed)"
        rows.append(_loaded(page, step, lambda: page.click('button[name="go"]:not(.plain)')))
    rows.append(_loaded(page, "ask for help", lambda: page.click("form[action$='/help/'] button")))
    return rows


def main() -> None:
    from playwright.sync_api import sync_playwright

    lines = ["| network | page | KB over the network | seconds |", "|---|---|---:|---:|"]
    with tempfile.TemporaryDirectory() as data:
        process, server = _serve(Path(data))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                for profile, conditions in PROFILES.items():
                    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
                    page = context.new_page()
                    if conditions:
                        cdp = context.new_cdp_session(page)
                        cdp.send("Network.enable")
                        cdp.send("Network.emulateNetworkConditions", {"offline": False, **conditions})
                    for step, seconds, size in _walk(page, server):
                        lines.append(f"| {profile} | {step} | {size / 1024:.1f} | {seconds:.2f} |")
                        print(lines[-1], flush=True)
                    context.close()
                browser.close()
        finally:
            process.terminate()
    write_results(MARK_BEGIN, MARK_END, "\n".join(lines))


if __name__ == "__main__":
    main()
