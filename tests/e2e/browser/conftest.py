"""Fixtures of the browser tests: a live ``veil serve`` over a workspace with data, staff keys
made with the CLI, a real SMTP server (aiosmtpd) catching the portal's codes, and headless
Chromium driven by Selenium (Debian's ``chromium`` and ``chromium-driver``; nothing is
downloaded at run time).

Every page a test visits goes through :func:`axe` (axe-core, vendored) and :func:`shot`
saves screenshots to ``$VEIL_TEST_ARTEFACTS`` (default ``test-artefacts/`` at the repository
root). Under ``CI=true`` a missing browser or driver fails the tests instead of skipping them.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Collection, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait
from test_serve import serving
from tests.support.smtp import SmtpCatcher, code_in
from tests.support.veil_cli import veil_json

from veil.web.portal_signin import PER_CLIENT

os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager never fetches a browser or driver

REPO = Path(__file__).resolve().parents[3]
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("VEIL_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("VEIL_CHROMEDRIVER", "/usr/bin/chromedriver")
#: Headless, no sandbox (CI runs as root in a container), a fixed window for the screenshots.
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--window-size=1280,1000",
    "--lang=en-GB",
    "--no-first-run",
    "--disable-extensions",
)
PURPOSE = "research"
#: Subjects of the test workspace, each used by one flow (the flows change what they touch).
ALICE, BOB, CAROL, DAVE, ERIN = "S-0001", "S-0002", "S-0003", "S-0004", "S-0005"
NAMES = {ALICE: "Alice", BOB: "Bob", CAROL: "Carol", DAVE: "Dave", ERIN: "Erin"}
EMAILS = {sid: f"{name.lower()}@example.org" for sid, name in NAMES.items()}


def _missing(what: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} under CI=true: .ci/run installs chromium and chromium-driver")
    pytest.skip(f"{what}: apt-get install chromium chromium-driver")


def artefacts_dir() -> Path:
    """Where screenshots go: ``$VEIL_TEST_ARTEFACTS``, else ``test-artefacts/`` at the repository root."""
    where = Path(os.environ.get("VEIL_TEST_ARTEFACTS") or REPO / "test-artefacts")
    where.mkdir(parents=True, exist_ok=True)
    return where


def shot(driver: WebDriver, name: str, at: WebElement | None = None) -> Path:
    """Save a screenshot of the window as ``<artefacts>/<name>.png`` (scrolled to ``at`` if given)."""
    if at is not None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", at)
    path = artefacts_dir() / f"{name}.png"
    assert driver.save_screenshot(str(path)), f"no screenshot for {name}"
    return path


def axe(driver: WebDriver) -> None:
    """Run axe-core on the current page; fail on any serious or critical violation."""
    driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    results: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(done, e => done({error: String(e)}));"
    )
    assert "error" not in results, results.get("error")
    bad = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in bad
    )
    assert not bad, f"axe on {driver.current_url}:\n{report}"


def _driver(downloads: Path, *, javascript: bool) -> WebDriver:
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not (Path(exe).is_file() and os.access(exe, os.X_OK)):
            _missing(f"no {exe}")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    prefs: dict[str, Any] = {
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
        "safebrowsing.enabled": False,
    }
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    return driver


@dataclass
class Site:
    """The live service the browser talks to, and what the tests need to drive it."""

    base: str
    root: Path
    smtp: SmtpCatcher
    keys: dict[str, str]
    _tokens: float = float(PER_CLIENT)
    _stamp: float = field(default_factory=time.monotonic)

    def url(self, path: str) -> str:
        return self.base + path

    def before_code_request(self) -> None:
        """Wait, if need be, so that a code request stays within the portal's per-client limit
        (every browser here is the client 127.0.0.1): the same token bucket as the server's."""
        rate = PER_CLIENT / 60.0
        now = time.monotonic()
        self._tokens = min(float(PER_CLIENT), self._tokens + (now - self._stamp) * rate)
        if self._tokens < 1.0:
            time.sleep((1.0 - self._tokens) / rate + 0.5)
            now = time.monotonic()
            self._tokens = min(float(PER_CLIENT), self._tokens + (now - self._stamp) * rate)
        self._tokens -= 1.0
        self._stamp = now

    def code_for(self, before: int) -> str:
        """The sign-in code of the first message the SMTP server got after ``before`` messages."""
        return code_in(self.smtp.wait_for(before + 1, timeout=20)[before])


def _write_people(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["subject_id", "full_name", "email", "age", "visits", "ward"])
        for sid, name in NAMES.items():
            w.writerow([sid, f"{name} Example", EMAILS[sid], 30 + len(name), 3, "A"])
        for i in range(6, 120):
            w.writerow([f"S-{i:04d}", f"Person {i}", f"p{i}@example.org", 18 + i % 60, i % 9, "ABC"[i % 3]])


def _make_workspace(root: Path, smtp: SmtpCatcher) -> dict[str, str]:
    """A workspace with people (e-mail addresses), a consent purpose, an open erasure request,
    and one API key per staff role, all made with the CLI."""
    from tests.support.veil_cli import veil

    veil("init", ws=root)
    with (root / "veil.toml").open("a", encoding="utf-8") as f:
        f.write(
            f'\n[notify.smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\nstarttls = false\n'
            'from = "privacy@example.org"\n'
        )
    veil("purpose", "add", PURPOSE, "--basis", "consent", "--retention-days", "365", ws=root)
    people = root.parent / "people.csv"
    _write_people(people)
    veil("ingest", str(people), "--dataset", "people", "--subject-column", "subject_id", ws=root)
    for sid in (ALICE, BOB, CAROL, DAVE, ERIN):
        veil("consent", "grant", sid, PURPOSE, ws=root)
    veil("dataset", "set", "people", "--max-rows-per-subject", "1", "--bounds", "visits=0:10", ws=root)
    veil("budget", "set", "people", "--epsilon", "3", "--delta", "1e-5", ws=root)
    veil("request", "create", "--subject", DAVE, "--type", "erasure", ws=root)
    keys: dict[str, str] = {}
    for role in ("dpo", "steward", "analyst", "admin"):
        extra = ["--purpose", PURPOSE] if role == "analyst" else []
        keys[role] = veil_json("keys", "create", "--role", role, *extra, ws=root)["key"]
    return keys


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One ``veil serve`` for the whole session (the flows touch different subjects)."""
    root = tmp_path_factory.mktemp("browser") / "ws"
    with SmtpCatcher() as smtp:
        keys = _make_workspace(root, smtp)
        with serving(root) as (base, _proc):
            yield Site(base, root, smtp, keys)


@pytest.fixture
def downloads() -> Iterator[Path]:
    where = Path(tempfile.mkdtemp(prefix="veil-downloads-"))
    try:
        yield where
    finally:
        shutil.rmtree(where, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test, so a browser fixture knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@contextlib.contextmanager
def _browser(
    request: pytest.FixtureRequest, downloads: Path, name: str, *, javascript: bool
) -> Iterator[WebDriver]:
    driver = _driver(downloads, javascript=javascript)
    try:
        yield driver
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:  # what the browser showed when the test failed
            with contextlib.suppress(Exception):
                shot(driver, f"FAILED-{request.node.name}-{name}")
        driver.quit()


@pytest.fixture
def browser(request: pytest.FixtureRequest, downloads: Path) -> Iterator[WebDriver]:
    """Headless Chromium with JavaScript on."""
    with _browser(request, downloads, "browser", javascript=True) as driver:
        yield driver


@pytest.fixture
def second_browser(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WebDriver]:
    """Another Chromium (its own profile and cookies): a second person at the same time."""
    with _browser(request, tmp_path, "second", javascript=True) as driver:
        yield driver


@pytest.fixture
def nojs_browser(request: pytest.FixtureRequest, downloads: Path) -> Iterator[WebDriver]:
    """Headless Chromium with JavaScript switched off (pages must work as plain forms)."""
    with _browser(request, downloads, "nojs", javascript=False) as driver:
        yield driver


def by_label(driver: WebDriver, text: str, *, prefix: bool = False) -> WebElement:
    """The control a <label> with exactly ``text`` (or, with ``prefix``, starting with it) names."""
    test = "starts-with(normalize-space(), {})" if prefix else "normalize-space()={}"
    labels = driver.find_elements(By.XPATH, f"//label[{test.format(_xpath_str(text))}]")
    assert len(labels) == 1, f"{len(labels)} labels {text!r} on {driver.current_url}"
    label = labels[0]
    target = label.get_attribute("for")
    assert target, f"label {text!r} names no control"
    return driver.find_element(By.ID, target)


def button(driver: WebDriver, text: str) -> WebElement:
    """The button whose text is ``text`` (exactly, spaces normalised)."""
    return driver.find_element(By.XPATH, f"//button[normalize-space()={_xpath_str(text)}]")


def _gone(element: WebElement) -> bool:
    """Whether ``element``'s document was replaced (Chromium reports it as stale, or, while the next
    page replaces it, as a node that "does not belong to the document")."""
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc):
            return True
        raise
    return False


def navigate(driver: WebDriver, element: WebElement, *, key: str | None = None) -> None:
    """Click ``element`` (or press ``key`` on it) and wait for the next page to load."""
    old = driver.find_element(By.TAG_NAME, "html")
    if key is None:
        element.click()
    else:
        element.send_keys(key)
    WebDriverWait(driver, 30).until(lambda _: _gone(old))
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def press(driver: WebDriver, text: str) -> None:
    """Press the button ``text`` and wait for the page it leads to."""
    navigate(driver, button(driver, text))


def follow(driver: WebDriver, text: str) -> None:
    """Follow the link ``text`` to its page."""
    navigate(driver, link(driver, text))


def link(driver: WebDriver, text: str) -> WebElement:
    return driver.find_element(By.XPATH, f"//a[normalize-space()={_xpath_str(text)}]")


def h1(driver: WebDriver) -> str:
    heads = driver.find_elements(By.TAG_NAME, "h1")
    assert len(heads) == 1, f"{len(heads)} h1 on {driver.current_url}"
    return heads[0].text


def _xpath_str(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    parts = text.split("'")
    return "concat(" + ', "\'", '.join(f"'{p}'" for p in parts) + ")"


def visit(driver: WebDriver, site: Site, path: str, name: str | None = None) -> None:
    """Open ``path``, check it with axe, and screenshot it as ``name`` when given."""
    driver.get(site.url(path))
    axe(driver)
    if name:
        shot(driver, name)


def staff_sign_in(
    driver: WebDriver, site: Site, role: str, *, check: Callable[[WebDriver], None] = axe
) -> None:
    """Sign in at /ui/sign-in with the role's API key, through the form."""
    driver.get(site.url("/ui/sign-in"))
    check(driver)
    by_label(driver, "API key or token").send_keys(site.keys[role])
    press(driver, "Sign in")
    if "/ui/sign-in" in driver.current_url:
        alerts = driver.find_elements(By.CSS_SELECTOR, "[role=alert]")
        main = driver.find_element(By.TAG_NAME, "main").text
        pytest.fail(f"{role} not signed in: {[a.text for a in alerts]} {main[:500]!r}")


def downloaded(where: Path, suffix: str, *, besides: Collection[Path] = (), timeout: float = 20.0) -> Path:
    """The one finished download ending in ``suffix`` in ``where`` other than ``besides`` (waiting)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        names = list(where.iterdir())
        done = [p for p in names if p.name.endswith(suffix) and p not in besides]
        if done and not any(p.name.endswith(".crdownload") for p in names):
            assert len(done) == 1, done
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no new {suffix} download in {where}: {sorted(p.name for p in where.iterdir())}")


def subject_sign_in(driver: WebDriver, site: Site, subject_id: str, *, check_axe: bool = True) -> None:
    """Sign ``subject_id`` in to the portal with the code the test SMTP server catches."""
    driver.get(site.url("/portal/sign-in"))
    if check_axe:
        axe(driver)
    before = len(site.smtp.messages)
    by_label(driver, "Your subject id", prefix=True).send_keys(subject_id)
    site.before_code_request()
    press(driver, "Send me a code")
    assert h1(driver) == "Enter your code"
    if check_axe:
        axe(driver)
    code = site.code_for(before)
    by_label(driver, "One-time code").send_keys(code)
    press(driver, "Sign in")
    assert h1(driver) == "Your data", driver.current_url
