"""The data-subject portal in a real browser: sign-in with the code the SMTP server caught,
consent withdrawal, export download, erasure fulfilled by a DPO in a second browser."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from tests.support.veil_cli import veil_json

from .conftest import (
    ALICE,
    EMAILS,
    NAMES,
    PURPOSE,
    Site,
    axe,
    by_label,
    downloaded,
    follow,
    h1,
    link,
    press,
    shot,
    staff_sign_in,
    subject_sign_in,
    visit,
)


def _cell(driver: WebDriver, row_text: str, column: int) -> str:
    row = driver.find_element(By.XPATH, f"//tr[td[normalize-space()='{row_text}']]")
    return str(row.find_elements(By.TAG_NAME, "td")[column].text)


def test_subject_withdraws_consent_downloads_export_and_is_erased(
    browser: WebDriver, second_browser: WebDriver, site: Site, downloads: Path
) -> None:
    before = len(site.smtp.messages)
    subject_sign_in(browser, site, ALICE)
    assert site.smtp.recipients[before] == [EMAILS[ALICE]]  # the address the vault holds
    page = browser.find_element(By.TAG_NAME, "main").text
    assert f"{NAMES[ALICE]} Example" in page and EMAILS[ALICE] in page  # decrypted for them
    shot(browser, "portal-01-your-data")

    # withdraw consent
    follow(browser, "Your consents")
    axe(browser)
    assert _cell(browser, PURPOSE, 2) == "Given"
    press(browser, f"Withdraw consent to {PURPOSE}")
    axe(browser)
    assert _cell(browser, PURPOSE, 2) == "Not given"
    history = browser.find_element(By.XPATH, "//table[caption[starts-with(., 'Every consent decision')]]")
    assert [r.text.split()[-1] for r in history.find_elements(By.CSS_SELECTOR, "tbody tr")] == [
        "Given",
        "Withdrawn",
    ]
    shot(browser, "portal-02-consent-withdrawn")

    # a copy of my data: fulfilled at once, downloaded
    follow(browser, "Your requests: copy, erasure")
    axe(browser)
    by_label(browser, "A copy of my data (access)").click()
    press(browser, "Send the request")
    axe(browser)
    assert h1(browser) == "Your access request"
    shot(browser, "portal-03-access-request")
    link(browser, "JSON (machine-readable)").click()
    package = downloaded(downloads, ".json")
    export = json.loads(package.read_text(encoding="utf-8"))
    assert EMAILS[ALICE] in json.dumps(export)
    assert not any(p["email"] != EMAILS[ALICE] for p in _people_rows(export)), "another subject's data"

    # erasure: requested here, fulfilled by a DPO in another browser, followed here
    follow(browser, "Your requests: copy, erasure")
    by_label(browser, "Erase my data (erasure)").click()
    press(browser, "Send the request")
    axe(browser)
    assert h1(browser) == "Your erasure request"
    request_id = browser.current_url.rstrip("/").rsplit("/", 1)[-1]
    # the erasure ends the session and the address codes go to: a link to keep follows the request
    keep = browser.find_element(
        By.XPATH, "//h2[normalize-space()='Keep this link']/following-sibling::p[1]/a"
    )
    receipt_link = keep.get_attribute("href") or ""
    assert f"/portal/receipts/{request_id}/" in receipt_link
    shot(browser, "portal-04-erasure-requested", at=keep)

    staff_sign_in(second_browser, site, "dpo")
    visit(second_browser, site, f"/ui/requests/{request_id}")
    # the portal's sign-in verified the requester: the request waits in progress for the controller
    assert "in progress" in second_browser.find_element(By.TAG_NAME, "dl").text
    press(second_browser, "Fulfil the erasure request")
    shot(second_browser, "portal-05-dpo-fulfils")
    assert "fulfilled" in second_browser.find_element(By.TAG_NAME, "dl").text

    browser.get(site.url("/portal"))
    assert "/portal/sign-in" in browser.current_url  # the erasure ended the subject's session
    browser.get(receipt_link)
    axe(browser)
    assert h1(browser) == "Your erasure request"
    assert "fulfilled" in browser.find_element(By.TAG_NAME, "dl").text
    status = browser.find_element(By.CSS_SELECTOR, "main [role=status]").text
    shot(browser, "portal-06-erasure-fulfilled")
    link(browser, "Download the signed receipt (JSON)").click()
    receipt = downloaded(downloads, ".json", besides={package})
    assert set(json.loads(receipt.read_text(encoding="utf-8"))) == {"receipt", "signature"}
    checked = veil_json("receipt", "verify", str(receipt), ws=site.root)
    assert checked["valid"] is True and checked["request_id"] == request_id, status

    # and Veil holds no address to send a code to any more: the same answer as for anyone
    before = len(site.smtp.messages)
    browser.get(site.url("/portal/sign-in"))
    by_label(browser, "Your subject id", prefix=True).send_keys(ALICE)
    site.before_code_request()
    press(browser, "Send me a code")
    assert h1(browser) == "Enter your code"
    time.sleep(2)
    assert len(site.smtp.messages) == before
    shot(browser, "portal-07-no-code-after-erasure")


def _people_rows(export: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the people dataset in an export package, wherever the package keeps them."""
    found: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "email" in node and isinstance(node["email"], str):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(export)
    assert found, "no people rows in the export"
    return found
