"""Keyboard only: the skip link comes first, and staff and subjects sign in with Tab, typing
and Enter (no mouse)."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from .conftest import BOB, Site, axe, h1, navigate, shot


def _tab_to(driver: WebDriver, element_id: str, limit: int = 15) -> WebElement:
    """Press Tab until the control ``element_id`` has the focus, and return it."""
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        active = driver.switch_to.active_element
        if active.get_attribute("id") == element_id:
            return active
    raise AssertionError(f"Tab never reached #{element_id} on {driver.current_url}")


def test_skip_link_is_first_and_moves_to_main(browser: WebDriver, site: Site) -> None:
    browser.get(site.url("/ui/sign-in"))
    ActionChains(browser).send_keys(Keys.TAB).perform()
    first = browser.switch_to.active_element
    assert first.text == "Skip to main content" and first.is_displayed()  # visible when focused
    shot(browser, "keyboard-01-skip-link")
    first.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"


def test_staff_signs_in_with_the_keyboard(browser: WebDriver, site: Site) -> None:
    browser.get(site.url("/ui/sign-in"))
    axe(browser)
    field = _tab_to(browser, "credential")
    field.send_keys(site.keys["dpo"])
    navigate(browser, field, key=Keys.ENTER)
    assert "/ui/sign-in" not in browser.current_url
    assert h1(browser) == "Overview"
    shot(browser, "keyboard-02-staff-signed-in")


def test_subject_signs_in_with_the_keyboard(browser: WebDriver, site: Site) -> None:
    browser.get(site.url("/portal/sign-in"))
    field = _tab_to(browser, "identifier")
    field.send_keys(BOB)
    before = len(site.smtp.messages)
    site.before_code_request()
    navigate(browser, field, key=Keys.ENTER)
    assert h1(browser) == "Enter your code"
    code = _tab_to(browser, "code")
    code.send_keys(site.code_for(before))
    navigate(browser, code, key=Keys.ENTER)
    assert h1(browser) == "Your data"
    nav = browser.find_element(By.CSS_SELECTOR, "nav[aria-label='Your data']")
    assert nav.find_elements(By.TAG_NAME, "a")
    shot(browser, "keyboard-03-subject-signed-in")
