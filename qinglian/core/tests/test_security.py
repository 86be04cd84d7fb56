"""Security properties of the whole site: no calls out, headers, CSRF, lockout, idle timeout, 2FA."""

import base64
import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinglian.accounts.roles import ROLES, ScopeKind
from qinglian.audit.models import AuditEvent
from qinglian.core.navigation import navigation_for
from qinglian.testing.browser import totp_token

PACKAGE = Path(settings.PACKAGE_DIR)
PASSWORD = "pw-test-123456"  # conftest's make_user
LOGIN = "/accounts/login/"
TWO_FACTOR = "/accounts/two-factor/"


def frozen_clock():
    """Stop the clock at the present (users and their roles are created in the real present)."""
    return time_machine.travel(timezone.now(), tick=False)


# --- (a) nothing is fetched from another host ----------------------------------------------------

URL_ATTRIBUTE = re.compile(
    r"""\b(?:src|href|action|formaction|poster|data|srcset|background|xlink:href)\s*=\s*(["'])(.*?)\1""",
    re.IGNORECASE | re.DOTALL,
)
CSS_URL = re.compile(r"""url\(\s*(["']?)\s*([^"')\s]*)""", re.IGNORECASE)
CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(["']?)\s*([^"');\s]*)""", re.IGNORECASE)
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
XML_NAMESPACES = ("http://www.w3.org/",)


def is_external(value: str) -> bool:
    """Anything but a relative URL or a data: URI (namespace strings are names, not fetches)."""
    value = value.strip()
    if value.startswith(XML_NAMESPACES):
        return False
    if value.startswith("//") or value.startswith("\\\\"):
        return True  # protocol-relative: another host
    match = SCHEME.match(value)
    return bool(match) and match.group(1).lower() != "data"


def external_references(text: str, *, html: bool = True) -> list[str]:
    found = []
    if html:
        found += [m.group(2) for m in URL_ATTRIBUTE.finditer(text)]
    found += [m.group(2) for m in CSS_URL.finditer(text)]
    found += [m.group(2) for m in CSS_IMPORT.finditer(text)]
    return sorted({v for v in found if is_external(v)})


@pytest.mark.parametrize(
    ("snippet", "external"),
    [
        ('<script src="https://cdn.example.com/x.js"></script>', True),
        ("<link href='//fonts.example.com/a.css'>", True),
        ('<a href="javascript:alert(1)">', True),
        ("<style>@import 'https://example.com/a.css';</style>", True),
        (
            '<div class="x" data-x="1"><img src=\'x.png\'></div><i style="background: url(http://e.com/b.png)">',
            True,
        ),
        ('<img src="/static/a.png"><a href="?page=2"></a><a href="{% url \'core:home\' %}">', False),
        ('<img src="data:image/svg+xml;base64,AAAA"><svg xmlns="http://www.w3.org/2000/svg">', False),
    ],
)
def test_external_reference_detector_tells_local_from_remote(snippet, external):
    assert bool(external_references(snippet)) is external


def test_no_template_references_another_host():
    templates = sorted(PACKAGE.glob("**/templates/**/*.html"))
    assert any(t.name == "base.html" for t in templates), "the scan must see the project's templates"
    offenders = {
        str(t.relative_to(PACKAGE)): refs
        for t in templates
        if (refs := external_references(t.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_no_stylesheet_loads_from_another_host():
    sheets = sorted(PACKAGE.glob("**/static/**/*.css"))
    assert any(s.name == "bootstrap.min.css" for s in sheets)
    offenders = {
        str(s.relative_to(PACKAGE)): refs
        for s in sheets
        if (refs := external_references(s.read_text(encoding="utf-8"), html=False))
    }
    assert offenders == {}


def _anchor_for(role, tree):
    return {
        ScopeKind.SUBTREE: tree.root,
        ScopeKind.UNIT: tree.dept_a1,
        ScopeKind.SUPERVISED: tree.pz1,
    }.get(role.scope)


def test_rendered_pages_of_every_role_reference_no_other_host(tree, make_user, client, login):
    """Every page in every role's navigation, plus the frame pages, as that role sees them."""
    pages: dict[str, str] = {}
    client.logout()
    pages[LOGIN] = client.get(LOGIN).content.decode()
    enrolling = make_user("petitions_intake", tree.root)
    client.force_login(enrolling)
    pages[TWO_FACTOR] = client.get(TWO_FACTOR).content.decode()
    for code, role in ROLES.items():
        user = make_user(code, _anchor_for(role, tree))
        login(user)
        urls = [
            "/",
            "/accounts/me/",
            "/accounts/password/",
            "/no-such-page/",
            f"/people/units/{tree.root.pk}/",
        ]
        urls += [e["url"] for s in navigation_for(user) for e in s["entries"]]
        for url in urls:
            if url in pages:
                continue
            response = client.get(url)
            assert response.status_code in (200, 403, 404), f"{url} as {code}: {response.status_code}"
            if response.status_code == 200 or url == "/no-such-page/":
                pages[url] = response.content.decode()
    assert {"/people/units/", "/accounts/users/", "/no-such-page/"} <= set(pages)
    offenders = {url: refs for url, html in pages.items() if (refs := external_references(html))}
    assert offenders == {}


# --- (b) headers and CSRF -------------------------------------------------------------------------


def csp_directives(header: str) -> dict[str, list[str]]:
    parts = [p.split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def assert_security_headers(response):
    csp = csp_directives(response.headers.get("Content-Security-Policy", ""))
    assert csp.get("default-src") == ["'self'"]
    assert csp.get("script-src") == ["'self'"]  # no 'unsafe-inline', no other origin
    assert "'unsafe-inline'" not in csp.get("style-src", [])
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


def test_login_page_sends_security_headers(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert_security_headers(response)


def test_signed_in_page_sends_security_headers(tree, make_user, login):
    client = login(make_user("leadership", tree.county_a))
    response = client.get("/people/units/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_login_post_without_csrf_token_is_rejected(tree, make_user):
    make_user("leadership", tree.county_a, username="lingdao")
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(LOGIN, {"username": "lingdao", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in browser.session


def test_login_post_with_csrf_token_signs_in(tree, make_user):
    make_user("leadership", tree.county_a, username="lingdao")
    browser = Client(enforce_csrf_checks=True)
    browser.get(LOGIN)
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    response = browser.post(
        LOGIN, {"username": "lingdao", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in browser.session


# --- (c) lockout after repeated failures ------------------------------------------------------------


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_password(tree, make_user, client):
    make_user("leadership", tree.county_a, username="lingdao")
    make_user("leadership", tree.county_a, username="tongshi")
    with frozen_clock() as clock:
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            response = client.post(LOGIN, {"username": "lingdao", "password": f"wrong-{attempt}"})
            assert "_auth_user_id" not in client.session
        response = client.post(LOGIN, {"username": "lingdao", "password": PASSWORD})
        assert response.status_code == 429
        assert "该账号已被暂时锁定" in response.content.decode()
        assert "_auth_user_id" not in client.session

        # The lockout is per user name: a colleague at the same workstation still signs in.
        assert client.post(LOGIN, {"username": "tongshi", "password": PASSWORD}).status_code == 302
        client.logout()

        clock.shift(timedelta(hours=settings.AXES_COOLOFF_TIME, seconds=1))
        assert client.post(LOGIN, {"username": "lingdao", "password": PASSWORD}).status_code == 302


def test_failed_logins_are_audited_without_the_client_address(tree, make_user, client):
    make_user("leadership", tree.county_a, username="lingdao")
    for attempt in range(2):
        client.post(LOGIN, {"username": "lingdao", "password": f"wrong-{attempt}"}, REMOTE_ADDR="10.1.2.3")
    failed = AuditEvent.objects.filter(action="auth.login_failed")
    assert failed.count() == 2
    assert [e.extra.get("username") for e in failed] == ["lingdao", "lingdao"]
    assert all(e.source_ip is None for e in failed)
    # A successful sign-in by staff does keep the workstation's address.
    client.post(LOGIN, {"username": "lingdao", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert AuditEvent.objects.get(action="auth.login").source_ip == "10.1.2.3"


def test_lockout_records_keep_no_client_address(tree, make_user, client):
    make_user("leadership", tree.county_a, username="lingdao")
    client.post(LOGIN, {"username": "lingdao", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    attempts = list(AccessAttempt.objects.values_list("username", "ip_address"))
    assert attempts == [("lingdao", None)]


# --- (d) idle timeout ---------------------------------------------------------------------------------


def session_expiry(client) -> datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_session_expires_after_idle_time_and_is_renewed_by_each_request(tree, make_user, login):
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with frozen_clock() as clock:
        start = timezone.now()
        client = login(make_user("leadership", tree.county_a))
        assert client.get("/").status_code == 200
        assert session_expiry(client) == start + idle

        clock.shift(idle - timedelta(minutes=1))  # still active: this request renews the session
        assert client.get("/").status_code == 200
        assert session_expiry(client) == start + 2 * idle - timedelta(minutes=1)

        clock.shift(idle - timedelta(minutes=1))  # past the first expiry, within the renewed one
        assert client.get("/").status_code == 200

        clock.shift(idle + timedelta(seconds=1))  # idle too long
        response = client.get("/people/units/")
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next=/people/units/"


# --- (e) two-factor sign-in for sealed-read roles --------------------------------------------------


@pytest.fixture
def intake_officer(tree, make_user):
    return make_user("petitions_intake", tree.county_a)


def next_of(response) -> str:
    location = urlsplit(response["Location"])
    assert location.path == TWO_FACTOR
    return parse_qs(location.query)["next"][0]


def test_sealed_reader_without_second_factor_is_sent_to_verify(intake_officer, login):
    client = login(intake_officer, two_factor=False)
    response = client.get("/people/units/")
    assert response.status_code == 302
    assert next_of(response) == "/people/units/"


def test_second_factor_redirect_keeps_the_whole_query_string(intake_officer, login):
    client = login(intake_officer, two_factor=False)
    response = client.get("/people/units/", {"q": "甲", "kind": "township"})
    assert next_of(response) == "/people/units/?q=%E7%94%B2&kind=township"


def test_api_refuses_an_unverified_session_of_a_sealed_reader(intake_officer, login):
    client = login(intake_officer, two_factor=False)
    response = client.get("/api/v1/units/")
    assert response.status_code == 403
    assert "双因素认证" in response.json()["detail"]


def test_verified_sealed_reader_opens_pages_and_api(intake_officer, login):
    client = login(intake_officer)
    assert client.get("/people/units/").status_code == 200
    assert client.get("/api/v1/units/").status_code == 200


def test_role_without_sealed_reads_is_not_asked_for_a_second_factor(tree, make_user, login):
    client = login(make_user("leadership", tree.county_a), two_factor=False)
    assert client.get("/people/units/").status_code == 200
    assert client.get("/api/v1/units/").status_code == 200


@override_settings(REQUIRE_2FA=False)
def test_demo_mode_asks_nobody_for_a_second_factor(intake_officer, login):
    client = login(intake_officer, two_factor=False)
    assert client.get("/people/units/").status_code == 200
    assert client.get("/api/v1/units/").status_code == 200


# --- (f) enrolling a phone authenticator ---------------------------------------------------------


def wrong_code(device) -> str:
    right = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{(right + 1) % 10**device.digits:0{device.digits}d}"


def test_first_two_factor_visit_enrols_a_device_and_the_right_code_confirms_it(intake_officer, client):
    client.force_login(intake_officer)
    with frozen_clock() as clock:
        assert next_of(client.get("/people/units/")) == "/people/units/"
        page = client.get(TWO_FACTOR, {"next": "/people/units/"})
        html = page.content.decode()
        device = TOTPDevice.objects.get(user=intake_officer)
        assert not device.confirmed
        assert re.search(r'<img src="data:image/svg\+xml;charset=utf-8,%3Csvg%20xmlns', html)
        assert base64.b32encode(device.bin_key).decode() in html

        response = client.post(TWO_FACTOR, {"token": wrong_code(device), "next": "/people/units/"})
        assert response.status_code == 200
        assert "验证码不正确或已过期" in response.content.decode()
        device.refresh_from_db()
        assert not device.confirmed
        assert client.get("/people/units/").status_code == 302

        clock.shift(timedelta(seconds=5))  # past django-otp's throttle after one failure
        response = client.post(TWO_FACTOR, {"token": totp_token(device), "next": "/people/units/"})
        assert response.status_code == 302
        assert response["Location"] == "/people/units/"
        device.refresh_from_db()
        assert device.confirmed
        assert client.get("/people/units/").status_code == 200
        assert AuditEvent.objects.filter(action="user.2fa_enrol", actor=intake_officer).exists()


def test_two_factor_code_must_be_six_digits(intake_officer, client):
    client.force_login(intake_officer)
    response = client.post(TWO_FACTOR, {"token": "12ab56"})
    assert response.status_code == 200
    assert "验证码为6位数字" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=intake_officer, confirmed=True).exists()


def test_csrf_failure_page_is_chinese_and_frameable_by_nobody(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode() and "<style" not in response.content.decode()
