"""A subject can never see or act on another subject's data: another subject's request ids in
the portal's URLs and a tampered form get exactly what an id that does not exist gets."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from tests.support.veil_cli import veil_json

from .conftest import BOB, ERIN, PURPOSE, Site, axe, by_label, follow, h1, press, shot, subject_sign_in


def _main(driver: WebDriver) -> str:
    return str(driver.find_element(By.TAG_NAME, "main").text)


def test_another_subjects_ids_get_nothing(browser: WebDriver, second_browser: WebDriver, site: Site) -> None:
    # Erin has a fulfilled access request (a package to download) made through the portal
    subject_sign_in(second_browser, site, ERIN, check_axe=False)
    follow(second_browser, "Your requests: copy, erasure")
    by_label(second_browser, "A copy of my data (access)").click()
    press(second_browser, "Send the request")
    erins = second_browser.current_url.rstrip("/").rsplit("/", 1)[-1]
    assert h1(second_browser) == "Your access request"

    subject_sign_in(browser, site, BOB)
    browser.get(site.url("/portal/requests/" + "0" * 32))
    nothing = _main(browser)
    assert h1(browser) == "Not found"
    others = {r["id"] for r in veil_json("request", "list", "--limit", "500", ws=site.root)["items"]} | {
        erins
    }
    assert erins in others and len(others) >= 2
    for rid in sorted(others):
        for path in (f"/portal/requests/{rid}", f"/portal/requests/{rid}/receipt"):
            browser.get(site.url(path))
            assert h1(browser) == "Not found" and _main(browser) == nothing, path
        wrong_key = "0" * 40  # a receipt link with a key that is not this request's
        for path in (f"/portal/receipts/{rid}/{wrong_key}", f"/portal/receipts/{rid}/{wrong_key}/download"):
            browser.get(site.url(path))
            assert h1(browser) == "Not found" and _main(browser) == nothing, path
        for fmt in ("json", "csv", "html"):
            browser.get(site.url(f"/portal/requests/{rid}/package?format={fmt}"))
            assert h1(browser) == "Not found" and _main(browser) == nothing, fmt
    axe(browser)
    shot(browser, "isolation-01-another-subjects-request")

    # a form tampered with to name another subject acts on the signed-in subject only
    before = {r["id"] for r in veil_json("request", "list", "--limit", "500", ws=site.root)["items"]}
    browser.get(site.url("/portal/requests"))
    form = browser.find_element(By.XPATH, "//form[@action='/portal/requests']")
    for name, value in (("subject", ERIN), ("subject_id", ERIN), ("pseudonym", ERIN), ("identifier", ERIN)):
        browser.execute_script(
            "const i = document.createElement('input'); i.type = 'hidden';"
            "i.name = arguments[1]; i.value = arguments[2]; arguments[0].appendChild(i);",
            form,
            name,
            value,
        )
    press(browser, "Send the request")
    made = {r["id"] for r in veil_json("request", "list", "--limit", "500", ws=site.root)["items"]} - before
    assert len(made) == 1
    (rid,) = made
    assert h1(browser) == "Your access request" and browser.current_url.endswith(rid)
    second_browser.get(site.url(f"/portal/requests/{rid}"))  # Erin cannot see it: it is Bob's
    assert h1(second_browser) == "Not found"

    follow(browser, "Your consents")
    form = browser.find_element(By.XPATH, f"//form[contains(@action, '/portal/consent/{PURPOSE}/')]")
    browser.execute_script(
        "const i = document.createElement('input'); i.type = 'hidden'; i.name = 'subject';"
        "i.value = arguments[1]; arguments[0].appendChild(i);",
        form,
        ERIN,
    )
    press(browser, f"Withdraw consent to {PURPOSE}")
    assert veil_json("consent", "show", BOB, ws=site.root)["state"][PURPOSE] is False
    assert veil_json("consent", "show", ERIN, ws=site.root)["state"][PURPOSE] is True
    shot(browser, "isolation-02-own-consent-only")
