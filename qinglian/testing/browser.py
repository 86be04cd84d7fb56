"""Browser tests: Playwright drives the system Chromium against pytest-django's live server.

Loaded as a pytest plugin from the root conftest.py. Every page a test opens is guarded:

- a console error (Content-Security-Policy violations and failed loads included) or an uncaught
  page error fails the test;
- a request to any host other than 127.0.0.1/localhost is aborted, recorded, and fails the test:
  the platform runs on offline intranets (no CDN, no web fonts, no calls out).

Fixtures: `browser` (one Chromium per test process, so each xdist worker has its own browser and
its own live server), `new_page` (a factory: a fresh context and page per call), `page` (one
such page), `browser_guard` (the recorder; `allow_console_error(regex)` for a test that expects
one, such as a deliberate 404). Helpers: `login_via_form`, `totp_device_for`, `totp_token`,
`snap`. Mark browser tests with `@pytest.mark.browser`; deselect them with `-m "not browser"`.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("QINGLIAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Set to a directory to keep screenshots taken with `snap()` (for looking at the pages).
SCREENSHOT_DIR = os.environ.get("QINGLIAN_SCREENSHOT_DIR", "")


class BrowserGuard:
    """Records what must not happen in a page: console errors, page errors, requests out."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.external_requests: list[str] = []
        self.pages: list = []
        self._allowed: list[re.Pattern] = []
        self.checked = False

    def allow_console_error(self, pattern: str) -> None:
        """Tolerate console errors matching `pattern` (e.g. the 404 of a page visited on purpose)."""
        self._allowed.append(re.compile(pattern))

    def watch(self, page) -> None:
        self.pages.append(page)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(f"{exc} @ {page.url}"))

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        loc = msg.location or {}
        text = f"{msg.text} ({loc.get('url', '')}:{loc.get('lineNumber', '')})"
        if not any(p.search(text) for p in self._allowed):
            self.console_errors.append(text)

    def route(self, route) -> None:
        """Let local requests through; abort and record everything else."""
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            self.external_requests.append(url)
            route.abort("blockedbyclient")
            return
        route.continue_()

    def problems(self) -> list[str]:
        return (
            [f"console error: {e}" for e in self.console_errors]
            + [f"page error: {e}" for e in self.page_errors]
            + [f"request leaving 127.0.0.1 (blocked): {u}" for u in self.external_requests]
        )

    def settle(self) -> None:
        """Give late events (a script error after load, a lazy request) a moment to arrive."""
        for page in self.pages:
            if not page.is_closed():
                try:
                    page.wait_for_timeout(100)
                except Exception:  # noqa: S112  (a page closing under us is not the test's problem)
                    continue

    def check(self) -> None:
        self.checked = True
        self.settle()
        if problems := self.problems():
            pytest.fail("The browser reported problems:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM} (set QINGLIAN_CHROMIUM, or deselect with -m 'not browser')",
            pytrace=False,
        )
    # Playwright's sync API keeps an event loop running in this thread; Django would then refuse
    # every ORM call of the test code as "async-unsafe". The test thread never runs async code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    pw = sync_playwright().start()
    try:
        yield pw
    finally:
        pw.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright):
    """The system Chromium, headless; never a downloaded browser."""
    instance = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture
def browser_guard() -> BrowserGuard:
    return BrowserGuard()


@pytest.fixture
def new_page(browser, browser_guard, live_server):
    """`new_page(viewport=PHONE)` opens a fresh context (own cookies) on the live server."""
    contexts = []

    def make(*, viewport: dict | None = None, **context_options):
        context = browser.new_context(
            viewport=viewport or DESKTOP,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            base_url=live_server.url,
            service_workers="block",
            **context_options,
        )
        context.set_default_timeout(15_000)
        context.route("**/*", browser_guard.route)
        contexts.append(context)
        page = context.new_page()
        browser_guard.watch(page)
        return page

    yield make
    if not browser_guard.checked:  # the test failed before the call hook could check
        browser_guard.settle()
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page in its own browser context."""
    return new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a browser test whose pages logged errors or tried to reach another host."""
    result = yield
    guard = getattr(item, "funcargs", {}).get("browser_guard")
    if guard is not None:
        guard.check()
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    guard = getattr(item, "funcargs", {}).get("browser_guard")
    if guard is not None and report.when == "call" and report.failed and (problems := guard.problems()):
        report.sections.append(("browser problems", "\n".join(problems)))
    return report


# --- helpers ---------------------------------------------------------------------------------


def totp_device_for(user, *, name: str = "测试令牌"):
    """A confirmed TOTP device for `user` (what enrolment through the 2FA page would leave)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def totp_token(device) -> str:
    """The code the user's phone would show now, and one the device will still accept.

    django-otp refuses a time step it has already accepted (replay protection) and accepts the
    next step within its tolerance; a second sign-in in the same 30 s uses the next step.
    """
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    if device.last_t >= now + device.tolerance:  # both usable steps spent: wait for a fresh one
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
        now = totp.t()
    if device.last_t >= now:
        totp.drift = device.drift + (device.last_t - now + 1)
    return f"{totp.token():0{device.digits}d}"


def login_via_form(page, live_server, username: str, password: str, *, otp_device=None) -> None:
    """Sign in through the real login form; pass the TOTP step when the user's roles need it.

    Without `otp_device`, the user's confirmed device is used (see `totp_device_for`).
    """
    from django.urls import reverse

    login_path, two_factor_path = reverse("accounts:login"), reverse("accounts:two_factor")
    page.goto(f"{live_server.url}{login_path}")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    path = urlsplit(page.url).path
    if path == login_path:
        errors = page.locator(".alert-danger").all_inner_texts()
        raise AssertionError(f"sign-in as {username!r} failed: {errors}")
    if path != two_factor_path:
        return
    if otp_device is None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        otp_device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if otp_device is None:
            raise AssertionError(
                f"{username!r} must pass two-factor sign-in: give the user a device with totp_device_for()"
            )
    page.get_by_label("动态验证码").fill(totp_token(otp_device))
    with page.expect_navigation():
        page.get_by_role("button", name="验证").click()
    if urlsplit(page.url).path == two_factor_path:
        errors = page.locator(".invalid-feedback").all_inner_texts()
        raise AssertionError(f"two-factor step for {username!r} failed: {errors}")


def snap(page, name: str) -> Path | None:
    """Save a full-page screenshot when QINGLIAN_SCREENSHOT_DIR is set (to look at the pages)."""
    if not SCREENSHOT_DIR:
        return None
    target = Path(SCREENSHOT_DIR) / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    return target
