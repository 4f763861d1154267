"""Staff flows in a real browser: a DPO reads the overview and processes an erasure request to its
receipt; a steward overrides a column's classification; an analyst runs a DP query."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select
from tests.support.veil_cli import veil_json

from .conftest import (
    PURPOSE,
    Site,
    axe,
    by_label,
    downloaded,
    follow,
    h1,
    link,
    navigate,
    press,
    shot,
    staff_sign_in,
    visit,
)


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


def test_dpo_reads_the_overview_charts(browser: WebDriver, site: Site) -> None:
    staff_sign_in(browser, site, "dpo")  # a DPO lands on the overview
    assert browser.current_url.rstrip("/").endswith("/ui"), browser.current_url
    axe(browser)
    assert h1(browser) == "Overview"
    charts = browser.find_elements(By.CSS_SELECTOR, "figure img")
    assert len(charts) >= 2
    for chart in charts:
        src = chart.get_attribute("src") or ""
        assert src.startswith("data:image/svg+xml;base64,"), src[:60]
        svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
        assert "<svg" in svg and "<title" in svg  # drawn on the server, with a text alternative
        assert browser.execute_script("return arguments[0].naturalWidth", chart) > 0  # the browser drew it
        assert len(chart.get_attribute("alt") or "") > 20
    coverage = browser.find_element(By.XPATH, "//table[caption[normalize-space()='Consent coverage now']]")
    assert PURPOSE in coverage.text
    shot(browser, "dpo-00-overview")
    follow(browser, "Audit log")
    axe(browser)
    assert h1(browser) == "Audit log"
    shot(browser, "dpo-05-audit-log")


def test_steward_overrides_a_column_classification(browser: WebDriver, site: Site) -> None:
    staff_sign_in(browser, site, "steward")
    visit(browser, site, "/ui/datasets", "steward-01-datasets")
    follow(browser, "people")
    axe(browser)
    assert h1(browser) == "Dataset people"
    before = _category(browser, "ward")
    select = Select(by_label(browser, "New category for ward"))
    choice = next(o for o in select.options if not o.is_selected())
    new = choice.text
    select.select_by_visible_text(new)
    by_label(browser, "Reason for visits (optional, kept with the evidence)").send_keys(
        "counts, not identifying"
    )
    shot(browser, "steward-02-override")
    press(browser, "Save the category of ward")
    axe(browser)
    notice = browser.find_element(By.CSS_SELECTOR, "main .notice[role=status]").text
    assert "Column ward is now" in notice, notice
    assert _category(browser, "ward") == new != before
    shot(browser, "steward-03-saved")
    seq = int(notice.rsplit("audit entry ", 1)[1].split(".")[0])
    entry = next(e for e in veil_json("audit", "log", ws=site.root) if e["seq"] == seq)
    assert "ward" in json.dumps(entry)


def _category(driver: WebDriver, column: str) -> str:
    row = driver.find_element(By.XPATH, f"//table//tr[th[normalize-space()='{column}']]")
    return str(row.find_elements(By.TAG_NAME, "td")[0].text)


def test_analyst_runs_a_dp_query_and_sees_intervals(browser: WebDriver, site: Site) -> None:
    staff_sign_in(browser, site, "analyst")
    visit(browser, site, "/ui/query")
    assert h1(browser) == "Differentially private query"
    sql = by_label(browser, "SQL")
    sql.clear()
    sql.send_keys("SELECT COUNT(*) AS n, AVG(visits) AS visits FROM people")
    Select(by_label(browser, "Dataset")).select_by_visible_text("people")
    Select(by_label(browser, "Purpose")).select_by_visible_text(PURPOSE)
    eps = by_label(browser, "Privacy loss ε")
    eps.clear()
    eps.send_keys("1")
    shot(browser, "analyst-01-query")
    press(browser, "Run the query")
    axe(browser)
    result = browser.find_element(
        By.XPATH, "//table[caption[starts-with(normalize-space(), 'Noisy answer')]]"
    )
    headers = [th.text for th in result.find_elements(By.TAG_NAME, "th")]
    assert "n: 95 % interval" in headers, headers
    low, high = (
        float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", result.find_elements(By.TAG_NAME, "td")[1].text)
    )
    assert low <= float(result.find_elements(By.TAG_NAME, "td")[0].text) <= high
    assert "Budget left on people: ε = 2" in browser.find_element(By.TAG_NAME, "main").text
    shot(browser, "analyst-02-result", at=result)

    # more than the budget left: refused, and the page says why
    eps = by_label(browser, "Privacy loss ε")
    eps.clear()
    eps.send_keys("5")
    press(browser, "Run the query")
    axe(browser)
    alert = browser.find_element(By.CSS_SELECTOR, "main [role=alert]").text
    assert "The query was refused" in alert and "budget_exceeded" in alert, alert
    shot(browser, "analyst-03-refused")

    # the requests queue is not an analyst's: a page that says so (the same scopes as the API)
    browser.get(site.url("/ui/requests"))
    axe(browser)
    assert h1(browser) == "Not allowed"
    assert not browser.find_elements(By.XPATH, "//table//a[contains(@href, '/ui/requests/')]")
