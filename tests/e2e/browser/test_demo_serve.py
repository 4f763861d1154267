"""``veil demo --serve``: the demo workspace served, a DPO key printed once, and the dashboard
it signs in to in a real browser (the README's screenshot of the dashboard comes from here)."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
from selenium.webdriver.remote.webdriver import WebDriver
from tests.support.smtp import SmtpCatcher, code_in
from tests.support.veil_cli import VEIL, veil_env

from .conftest import axe, by_label, h1, press, shot


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_serve_prints_a_dpo_key_and_serves_the_dashboard(
    browser: WebDriver, second_browser: WebDriver, tmp_path: Path
) -> None:
    with SmtpCatcher() as smtp:
        _demo(browser, second_browser, tmp_path, smtp)


def _demo(browser: WebDriver, second_browser: WebDriver, tmp_path: Path, smtp: SmtpCatcher) -> None:
    port = _free_port()
    args = ["--patients", "80", "--port", str(port), "--keep", str(tmp_path / "demo")]
    proc = subprocess.Popen(
        [VEIL, "demo", "--serve", *args, "--smtp", f"127.0.0.1:{smtp.port}"],
        env={**veil_env("e2e-demo"), "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    lines: list[str] = []
    assert proc.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, "".join(lines)
            try:
                if httpx.get(f"{base}/ui/sign-in", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.5)
        out = "".join(lines)
        assert f"{base}/ui" in out and f"{base}/portal" in out
        keys = re.findall(r"\bvk_[0-9a-f]{12}_[A-Za-z0-9_-]+", out)
        assert len(keys) == 1, out

        browser.get(f"{base}/ui/sign-in")
        by_label(browser, "API key or token").send_keys(keys[0])
        press(browser, "Sign in")
        axe(browser)
        assert h1(browser) == "Overview"
        shot(browser, "demo-dashboard")

        # a demo patient signs in to the portal with the code sent through --smtp
        second_browser.get(f"{base}/portal/sign-in")
        by_label(second_browser, "Your subject id", prefix=True).send_keys("P0000002")
        press(second_browser, "Send me a code")
        by_label(second_browser, "One-time code").send_keys(code_in(smtp.wait_for(1, timeout=20)[0]))
        press(second_browser, "Sign in")
        axe(second_browser)
        assert h1(second_browser) == "Your data"
        shot(second_browser, "demo-portal")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        proc.stdout.close()
