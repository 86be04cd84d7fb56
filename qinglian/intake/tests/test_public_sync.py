"""The public page and the public-front exchange: submit → bundle → core report → staff message →
bundle → follow-up shows it → reporter answers → core sees it. Locally (all-in-one), over HTTP and
as files; tampered bundles refused."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from PIL import Image

from qinglian.audit.models import AuditEvent
from qinglian.front import crypto, keys
from qinglian.front import sync as bundles
from qinglian.front.models import FrontAttachment, FrontMessage, FrontSubmission, FrontUnit
from qinglian.front.tests.helpers import follow, photo, submit
from qinglian.intake import public_sync
from qinglian.intake.models import Report, ReportMessage
from qinglian.intake.services import message_text, report_content, report_message_send, report_register


@pytest.fixture
def public(client, django_capture_on_commit_callbacks):
    """Submit through the page and run the on-commit import, as the all-in-one deployment does."""

    def go(**kw):
        with django_capture_on_commit_callbacks(execute=True):
            response, code = submit(client, **kw)
        assert code, response.content.decode()[:2000]
        return code

    return go


def test_all_in_one_round_trip(client, staff, public, django_capture_on_commit_callbacks):
    code = public(files=[photo()])
    report = Report.objects.get()
    assert report.channel == "web" and report.status == "received" and not report.real_name
    assert report.receipt_code_hash and report.receipt_code_hash not in code
    assert report_content(report)["subject_name"] == "王某"
    # The front keeps nothing it could read once the core has taken the submission.
    sub = FrontSubmission.objects.get()
    assert sub.reference == report.front_reference and sub.sealed is None and sub.taken_at
    assert not FrontAttachment.objects.exists()
    # The image was cleaned in the background task: no EXIF left in the stored file.
    att = report.attachments.get()
    assert att.cleaned_at is not None
    from qinglian.intake import sealing

    with att.file.open("rb") as fh:
        stored = sealing.open_bytes(fh.read(), wrapped_key=report.content_key)
    assert b"SecretCameraSerial" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()

    report_register(actor=staff.clerk, report=report, problem_type="integrity", nature="accusation")
    report_message_send(actor=staff.clerk, report=report, body="请补充工程名称和时间。")
    page = follow(client, code.lower().replace("-", " "))
    html = page.content.decode()
    assert "已受理，正在办理" in html and "请补充工程名称和时间。" in html
    assert page["Cache-Control"].startswith("no-store")

    with django_capture_on_commit_callbacks(execute=True):
        page = follow(
            client, code, action="reply", body="工程是甲县水库除险加固工程。", files=[photo("b.jpg")]
        )
    assert "已发送" in page.content.decode()
    answer = ReportMessage.objects.get(direction="from_reporter")
    assert message_text(answer) == "工程是甲县水库除险加固工程。"
    assert report.attachments.count() == 2
    assert FrontMessage.objects.get(direction="from_reporter").for_core is None


def test_real_name_report_needs_a_phone_and_keeps_identity_sealed(client, public, staff):
    response, code = submit(client, mode="real", reporter_name="李四")
    assert code is None and "联系电话" in response.content.decode()
    assert not FrontSubmission.objects.exists()
    code = public(mode="real", reporter_name="李四", reporter_phone="13800000000")
    report = Report.objects.get()
    assert report.real_name and "李四" not in report.identity and "13800000000" not in report.identity


def _front_submission(text="王某收受好处费二十万元，有转账记录为证。", files=()):
    from qinglian.front.services import submission_create

    return submission_create(
        report={"unit": "", "problem_type": "integrity", "identity": None,
                "content": {"subject_name": "王某", "facts": text}},
        files=files,
    )  # fmt: skip


def test_round_trip_by_files(tmp_path, staff, client):
    code, sub = _front_submission()
    call_command("front_bundle", "export", str(tmp_path / "in.bundle"))
    call_command("front_bundle", "import", str(tmp_path / "in.bundle"), reply=str(tmp_path / "out.bundle"))
    report = Report.objects.get(front_reference=sub.reference)
    call_command("front_bundle", "apply", str(tmp_path / "out.bundle"))
    sub.refresh_from_db()
    assert sub.sealed is None and sub.status_sealed
    # Replaying the same file adds nothing.
    call_command("front_bundle", "import", str(tmp_path / "in.bundle"), reply=str(tmp_path / "out2.bundle"))
    assert Report.objects.count() == 1

    report_message_send(actor=staff.clerk, report=report, body="请问具体时间？")
    _, delivered = public_sync.import_file(bundles.export_submissions())
    replies, delivered = public_sync.import_file(bundles.export_submissions())
    (tmp_path / "r.bundle").write_bytes(replies)
    delivered()
    call_command("front_bundle", "apply", str(tmp_path / "r.bundle"))
    from qinglian.front.services import follow_up, message_create

    view = follow_up(sub, code.replace("-", ""))
    assert [m["body"] for m in view["messages"]] == ["请问具体时间？"]
    message_create(submission=sub, code=code, body="去年十月。")
    call_command("front_bundle", "export", str(tmp_path / "in3.bundle"))
    call_command("front_bundle", "import", str(tmp_path / "in3.bundle"), reply=str(tmp_path / "out3.bundle"))
    assert message_text(ReportMessage.objects.get(direction="from_reporter")) == "去年十月。"


def test_round_trip_over_http_with_the_core_calling_the_front(client, staff, settings):
    settings.ROOT_URLCONF = "qinglian.front.front_urls"

    def transport(url, data):
        response = client.post(
            url.removeprefix("https://front.example"), data, content_type="application/octet-stream"
        )
        assert response.status_code == 200, response.content
        return response.content

    code, sub = _front_submission()
    assert public_sync.exchange_http("https://front.example", transport=transport) == 1
    report = Report.objects.get(front_reference=sub.reference)
    report_message_send(actor=staff.clerk, report=report, body="请提供转账记录。")
    public_sync.exchange_http("https://front.example", transport=transport)
    from qinglian.front.services import follow_up, message_create

    assert follow_up(sub, code.replace("-", ""))["messages"][0]["body"] == "请提供转账记录。"
    message_create(submission=sub, code=code.replace("-", ""), body="附件已补充。")
    public_sync.exchange_http("https://front.example", transport=transport)
    assert message_text(ReportMessage.objects.get(direction="from_reporter")) == "附件已补充。"
    assert FrontUnit.objects.filter(name="甲县纪委监委").exists()


@pytest.mark.django_db(transaction=True)
def test_round_trip_over_real_http(live_server, settings, tree):
    settings.ROOT_URLCONF = "qinglian.front.front_urls"
    settings.MODE = "public-front"  # no local hand-over: the core must fetch it over HTTP
    code, sub = _front_submission()
    assert public_sync.exchange_http(live_server.url) == 1
    assert Report.objects.filter(front_reference=sub.reference).exists()


def test_tampered_or_foreign_bundles_are_refused(client, staff, settings):
    _front_submission()
    good = bundles.export_submissions()
    outer = json.loads(good)
    payload = crypto.b64d(outer["payload"]).replace("王".encode(), "张".encode())
    altered = json.dumps({**outer, "payload": crypto.b64e(payload.replace(b'"v": 1', b'"v": 1 '))}).encode()
    with pytest.raises(bundles.BundleError, match="签名无效"):
        public_sync.import_submissions(altered)
    forged = bundles.pack(bundles.SUBMISSIONS, json.loads(crypto.b64d(outer["payload"])),
                          crypto.sign_key("not the front", "front"))  # fmt: skip
    with pytest.raises(bundles.BundleError, match="签名无效"):
        public_sync.import_submissions(forged)
    # A replies bundle is not a submissions bundle, even with a valid signature.
    with pytest.raises(bundles.BundleError):
        public_sync.import_submissions(bundles.pack(bundles.REPLIES, {"items": []}, keys.core_signing_key()))
    with pytest.raises(bundles.BundleError):
        bundles.apply_replies(good)
    assert not Report.objects.exists()
    # A sealed item altered by a (compromised) front that still signs: refused, audited, no report.
    body = json.loads(crypto.b64d(outer["payload"]))
    sealed = bytearray(crypto.b64d(body["items"][0]["sealed"]))
    sealed[-1] ^= 1
    body["items"][0]["sealed"] = crypto.b64e(bytes(sealed))
    assert public_sync.import_submissions(bundles.pack(bundles.SUBMISSIONS, body, keys.front_signing_key()))
    assert not Report.objects.exists()
    assert AuditEvent.objects.filter(action="intake.front.refused").exists()
    # The front's endpoints refuse what the core did not sign.
    settings.ROOT_URLCONF = "qinglian.front.front_urls"
    bad_pull = bundles.pack(bundles.PULL, {}, crypto.sign_key("intruder", "core"))
    assert client.post("/sync/pull", bad_pull, content_type="application/octet-stream").status_code == 403
    bad_push = bundles.pack(bundles.REPLIES, {"taken": [FrontSubmission.objects.get().reference]},
                            crypto.sign_key("intruder", "core"))  # fmt: skip
    assert client.post("/sync/push", bad_push, content_type="application/octet-stream").status_code == 403
    assert FrontSubmission.objects.get().sealed is not None
    assert client.get("/sync/pull").status_code == 405


def test_guessed_code_reveals_nothing_and_guessing_is_limited(client, public, settings, staff):
    settings.QINGLIAN_PUBLIC_LOOKUP_LIMIT = 5
    code = public()
    wrong = "0000-0000-0000-0000-0000"
    # One character off (never the same character: a code ending in "Z" made this test flaky).
    off_by_one = code[:-1] + ("Y" if code[-1] == "Z" else "Z")
    answers = {
        follow(client, c).content.decode().count("查询码不正确或已失效")
        for c in (wrong, "x", off_by_one)
    }
    assert answers == {1}
    for _ in range(3):
        follow(client, wrong)
    limited = follow(client, code)
    assert limited.status_code == 429 and "频繁" in limited.content.decode()
    # Another visitor (another address) is not held back by the first one's guesses.
    assert follow(client, code, meta={"REMOTE_ADDR": "198.51.100.9"}).status_code == 200
    assert client.get("/report/follow/?code=" + code).status_code == 200  # GET shows only the form
    assert code not in client.get("/report/follow/?code=" + code).content.decode()


def test_problem_types_match_the_intake_model():
    from qinglian.front.forms import PROBLEM_TYPES
    from qinglian.intake.models import ProblemType

    assert [(v, str(label)) for v, label in PROBLEM_TYPES[1:]] == [
        (v, str(lbl)) for v, lbl in ProblemType.choices
    ]
