"""The public pages as a visitor uses them: form limits, files refused, no trace of the visitor
kept anywhere, posters; and the public-front mode serving nothing else."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from qinglian.front.models import FrontSubmission
from qinglian.front.tests.helpers import REPORT_URL, follow, photo, report_data, solve, submit

VISITOR_IP = "203.0.113.77"
VISITOR_AGENT = "VisitorBrowser/77.7 (UniqueAgentString)"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_report_page_is_public_phone_friendly_and_csp_clean(client, db):
    response = client.get(REPORT_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="viewport"' in html and "<script>" not in html and "style=" not in html
    assert "http://" not in html and "https://" not in html  # nothing loaded from elsewhere
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("no-store")


def test_submit_gives_a_code_shown_once_and_keeps_only_its_hash(client, db):
    response, code = submit(client)
    assert code and len(code.replace("-", "")) == 20
    sub = FrontSubmission.objects.get()
    raw = code.replace("-", "")
    assert raw not in sub.code_hash and raw not in sub.reference
    assert b"\xe7\x8e\x8b" not in bytes(sub.sealed)  # '王' is not readable in the stored row


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"facts": ""}, "请填写反映的问题"),
        ({"facts": "太短"}, "至少 10 个字"),
        ({"facts": "很" * 10_001}, "不能超过 10000 个字"),
        ({"subject_name": "名" * 101}, "不能超过 100 个字"),
        ({"mode": "real"}, "实名举报请填写您的姓名或单位"),
        ({"mode": "real", "reporter_name": "张三", "reporter_phone": "电话"}, "联系电话格式不正确"),
        ({"mode": "bogus"}, "请选择实名或匿名"),
        ({"problem_type": "nonsense"}, "问题类别无效"),
        ({"unit": "nope"}, "所选受理机关无效"),
        ({"challenge": "99"}, "验证题答案不对"),
        ({"challenge": "abc"}, "请用数字回答验证题"),
        ({"challenge_token": "1.2.3"}, "验证题已过期"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_stores_nothing(client, db, overrides, message):
    response, code = submit(client, **overrides)
    assert response.status_code == 200 and code is None
    assert message in response.content.decode()
    assert not FrontSubmission.objects.exists()


def test_a_challenge_token_is_good_once(client, db):
    data = report_data(**solve(client.get(REPORT_URL).content.decode()))
    assert "receipt-code" in client.post(REPORT_URL, data).content.decode()
    assert "验证题已用过" in client.post(REPORT_URL, data).content.decode()
    assert FrontSubmission.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.png", photo().read(), "与内容"),
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
        ("evidence.zip", b"PK\x03\x04" + b"\x00" * 40, "压缩包"),
        ("run.exe", b"MZ\x90\x00" + b"\x00" * 100, "可执行程序"),
    ],
)
def test_dangerous_files_are_refused_on_the_page(client, db, name, data, message):
    response, code = submit(client, files=[SimpleUploadedFile(name, data, content_type="image/jpeg")])
    assert code is None and message in response.content.decode()
    assert not FrontSubmission.objects.exists()


def test_oversized_and_too_many_files_are_refused(client, db, settings):
    settings.QINGLIAN_PUBLIC_MAX_FILE_BYTES = 2048
    big = photo(size=(400, 400))
    response, code = submit(client, files=[big])
    assert code is None and "超过" in response.content.decode()
    settings.QINGLIAN_PUBLIC_MAX_FILES = 1
    response, code = submit(client, files=[photo("a.jpg"), photo("b.jpg")])
    assert code is None and "最多上传 1 个附件" in response.content.decode()


def test_submissions_are_rate_limited_per_visitor(client, db, settings):
    settings.QINGLIAN_PUBLIC_SUBMIT_LIMIT = 2
    assert submit(client)[1] and submit(client)[1]
    response, code = submit(client)
    assert response.status_code == 429 and code is None and "频繁" in response.content.decode()


def _everything_stored() -> str:
    """Every row of every table, as text (the test database is small)."""
    chunks = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from introspection)
            for row in cur.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value).decode("latin-1"))
                    elif value is not None:
                        chunks.append(str(value))
    return "\n".join(chunks)


def test_no_address_or_browser_detail_is_stored_or_logged(
    client, tree, caplog, django_capture_on_commit_callbacks
):
    meta = {"REMOTE_ADDR": VISITOR_IP, "HTTP_USER_AGENT": VISITOR_AGENT, "HTTP_X_FORWARDED_FOR": VISITOR_IP}
    caplog.set_level(logging.DEBUG)
    form = client.get(REPORT_URL, **meta)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            REPORT_URL, report_data(**solve(form.content.decode()), files=[photo()]), **meta
        )
    code = response.content.decode().split('data-testid="receipt-code">')[1].split("<")[0]
    with django_capture_on_commit_callbacks(execute=True):
        follow(client, code, action="reply", body="补充：还有一份合同。", meta=meta)
    follow(client, "WRONG-CODE", meta=meta)  # a failed lookup is counted (hashed) in the cache
    from qinglian.intake.models import Report

    assert Report.objects.filter(channel="web").exists()
    stored = _everything_stored()
    for trace in (VISITOR_IP, VISITOR_AGENT, "UniqueAgentString"):
        assert trace not in stored
        assert trace not in caplog.text
        assert not any(trace in str(k) for k in cache._cache), "raw address in a cache key"
    from qinglian.audit.models import AuditEvent

    events = AuditEvent.objects.filter(action__startswith="intake.report")
    assert events.count() >= 2 and not events.exclude(source_ip=None).exists()


def test_poster_has_a_qr_code_with_an_opaque_unit_code(client, tree, make_user, login):
    clerk = make_user("petitions_intake", tree.county_a, unit=tree.jw_a)
    login(clerk)
    page = client.get(f"/report/posters/{tree.village.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "码上举报" in html and "data:image/svg+xml" in html
    from qinglian.intake.public_sync import unit_code

    code = unit_code(tree.village)
    assert f"?u={code}" in html and f"u={tree.village.pk}" not in html
    assert client.get(f"/report/posters/{tree.dept_b1.pk}/").status_code == 404  # outside the scope
    listing = client.get("/report/posters/")
    assert "甲村" in listing.content.decode() and "乙县" not in listing.content.decode()
    # The public page, opened from the poster, names the village's commission as preselected.
    from qinglian.intake.public_sync import exchange_local

    exchange_local()
    client.logout()
    opened = client.get(f"/report/?u={code}").content.decode()
    assert 'data-testid="preselected"' in opened and "甲村" in opened


def test_poster_list_query_count_is_fixed(client, tree, make_user, login, django_assert_max_num_queries):
    login(make_user("petitions_intake", tree.county_a, unit=tree.jw_a))
    client.get("/report/posters/")
    with django_assert_max_num_queries(12):
        assert client.get("/report/posters/").status_code == 200


def test_outsider_roles_cannot_print_posters(client, tree, make_user, login):
    login(make_user("org_supervision", tree.county_a))
    assert client.get("/report/posters/").status_code == 403
    assert client.get(f"/report/posters/{tree.village.pk}/").status_code == 403


FRONT_SCRIPT = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    call_command("migrate", verbosity=0)
    c = Client()
    form = c.get("/")
    out = {
        "apps": sorted(a.label for a in apps.get_app_configs()),
        "tables": sorted(connection.introspection.table_names()),
        "report": form.status_code,
        "has_form": 'data-testid="report-form"' in form.content.decode(),
        "follow": c.get("/follow/").status_code,
        "login": c.get("/accounts/login/").status_code,
        "intake": c.get("/intake/").status_code,
        "admin_report_in_core_path": c.get("/report/").status_code,
        "static": c.get("/static/vendor/bootstrap/bootstrap.min.css").status_code,
        "healthz": c.get("/healthz").status_code,
        "pull_unsigned": c.post("/sync/pull", b"x", content_type="application/octet-stream").status_code,
    }
    from qinglian.front.tests.helpers import solve, report_data
    data = report_data(**solve(form.content.decode()))
    r = c.post("/", data)
    out["submitted"] = 'data-testid="receipt-code"' in r.content.decode()
    print("RESULT" + json.dumps(out))
    """
)


def test_public_front_mode_serves_only_the_public_pages_and_keeps_only_its_tables(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGLIAN_")}
    env |= {"QINGLIAN_MODE": "public-front", "QINGLIAN_DATA_DIR": str(tmp_path), "QINGLIAN_TESTING": "true",
            "DJANGO_SETTINGS_MODULE": "qinglian.settings"}  # fmt: skip
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", FRONT_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.split("RESULT", 1)[1])
    assert out["apps"] == ["front", "staticfiles"]
    assert all(t.startswith(("front_", "django_migrations")) for t in out["tables"]), out["tables"]
    assert out["report"] == 200 and out["has_form"] and out["follow"] == 200 and out["submitted"]
    assert out["login"] == 404 and out["intake"] == 404 and out["admin_report_in_core_path"] == 404
    assert out["static"] == 200 and out["healthz"] == 200 and out["pull_unsigned"] == 403
    assert apps.is_installed("qinglian.front")  # and in the core too


def test_a_malformed_unit_code_is_ignored_not_a_server_error(client, db):
    """Found by the fuzz on PostgreSQL: a NUL byte in `u` reached the database (text cannot hold NUL)."""
    assert client.get("/report/", {"u": "\x00"}).status_code == 400  # refused at the door (core middleware)
    for value in ("<script>", "a" * 200, "%00", "ABC-123"):
        assert client.get("/report/", {"u": value}).status_code == 200
        assert client.post("/report/", {"u": value}).status_code in (200, 400)
