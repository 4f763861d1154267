"""Staff flows in a real browser: a DPO processes an erasure request to its receipt."""

from __future__ import annotations

import json
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from veil_cli import veil_json

from .conftest import Site, axe, downloaded, h1, link, navigate, press, shot, staff_sign_in, visit


def test_dpo_processes_an_erasure_request_to_the_receipt(
    browser: WebDriver, site: Site, downloads: Path
) -> None:
    staff_sign_in(browser, site, "dpo")
    visit(browser, site, "/ui/requests", "dpo-01-requests")
    assert h1(browser) == "Data-subject requests"
    rows = browser.find_elements(By.XPATH, "//table//a[starts-with(normalize-space(), 'erasure')]")
    assert len(rows) == 1
    navigate(browser, rows[0])
    axe(browser)
    assert h1(browser).startswith("Erasure request")
    shot(browser, "dpo-02-request")
    press(browser, "Start verifying the requester's identity")
    axe(browser)
    press(browser, "Identity verified: start the work")
    axe(browser)
    shot(browser, "dpo-03-in-progress")
    press(browser, "Fulfil the erasure request")
    axe(browser)
    assert "fulfilled" in browser.find_element(By.TAG_NAME, "dl").text
    shot(browser, "dpo-04-fulfilled")
    link(browser, "Download the signed erasure receipt (JSON)").click()
    receipt = downloaded(downloads, ".json")
    assert set(json.loads(receipt.read_text(encoding="utf-8"))) == {"receipt", "signature"}
    checked = veil_json("receipt", "verify", str(receipt), ws=site.root)
    assert checked["valid"] is True and checked["request_id"] in browser.current_url, checked
