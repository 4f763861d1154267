"""The core flows with JavaScript switched off in the browser: every page is a plain form
and a redirect (a subject's sign-in, consent, export and erasure request; a DPO fulfilling it)."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from .conftest import (
    CAROL,
    EMAILS,
    PURPOSE,
    Site,
    by_label,
    downloaded,
    follow,
    h1,
    press,
    shot,
    staff_sign_in,
    subject_sign_in,
)


def _no_check(driver: WebDriver) -> None:
    """axe-core cannot finish without JavaScript: the same pages are checked in the other tests."""


def test_core_flows_work_without_javascript(nojs_browser: WebDriver, site: Site, downloads: Path) -> None:
    b = nojs_browser
    b.get("data:text/html,<title>before</title><script>document.title = 'ran'</script>")
    assert b.title == "before", "JavaScript is on in the no-JS browser"

    subject_sign_in(b, site, CAROL, check_axe=False)
    follow(b, "Your consents")
    press(b, f"Withdraw consent to {PURPOSE}")
    assert "Give consent to research" in b.find_element(By.TAG_NAME, "main").text
    shot(b, "nojs-01-consent-withdrawn")

    follow(b, "Your requests: copy, erasure")
    by_label(b, "A copy of my data (access)").click()
    press(b, "Send the request")
    assert h1(b) == "Your access request"
    b.find_element(By.XPATH, "//a[normalize-space()='CSV (spreadsheet)']").click()
    assert EMAILS[CAROL] in downloaded(downloads, ".csv").read_text(encoding="utf-8")

    follow(b, "Your requests: copy, erasure")
    by_label(b, "Erase my data (erasure)").click()
    press(b, "Send the request")
    assert h1(b) == "Your erasure request"
    erasure = b.current_url
    shot(b, "nojs-02-erasure-requested")
    press(b, "Sign out")
    b.get(erasure)
    assert "/portal/sign-in" in b.current_url  # signed out: the page asks to sign in again

    staff_sign_in(b, site, "dpo", check=_no_check)
    b.get(site.url("/ui/requests/" + erasure.rstrip("/").rsplit("/", 1)[-1]))
    press(b, "Fulfil the erasure request")
    assert "fulfilled" in b.find_element(By.TAG_NAME, "dl").text
    assert b.find_elements(By.XPATH, "//a[normalize-space()='Download the signed erasure receipt (JSON)']")
    shot(b, "nojs-03-dpo-fulfilled")
    press(b, "Sign out")
    b.get(site.url("/ui/requests"))
    assert "/ui/sign-in" in b.current_url
