"""Acknowledging a card with a one-time SMS code (off by default): the code goes to the phone on
file, is stored hashed, expires, allows five attempts, is good once, is rate-limited and audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from qinglian.audit.models import AuditEvent
from qinglian.cards import services, sms
from qinglian.cards.models import Card, CardCode, SmsMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def card(tree, make_user, make_cadre):
    org = make_user("org_supervision", tree.county_a, unit=tree.county_a)
    make_cadre(tree.dept_a1, "局长甲", is_top_leader=True, post_title="局长", phone="138-0013-8000")
    batch = services.batch_create(actor=org, year=2026, quarter=4, issuing_body=tree.county_a,
                                  scope_unit=tree.county_a, recipient_types=["top_leader"])  # fmt: skip
    services.batch_issue(actor=org, batch=batch)
    c = batch.cards.select_related("cadre").get()
    c.org = org
    return c


@pytest.fixture
def outbox(settings):
    settings.QINGLIAN_SMS_BACKEND = "outbox"


def _url(card):
    return f"/cards/c/{services.card_token(card)}/"


def _sent_code() -> str:
    return re.search(r"验证码为(\d{6})", SmsMessage.objects.latest("id").text).group(1)


def test_off_by_default_no_code_offered_and_none_sent(card, client, settings):
    assert getattr(settings, "QINGLIAN_SMS_BACKEND", "") == ""
    assert "短信验证码" not in client.get(_url(card)).content.decode()
    response = client.post(_url(card), {"action": "sms_send"})
    assert response.status_code == 302 and "/accounts/login/" in response.url  # the ordinary sign-in way
    assert not SmsMessage.objects.exists() and not CardCode.objects.exists()
    with pytest.raises(ValidationError):
        sms.code_send(card=card)


def test_code_to_the_phone_on_file_acknowledges_once(card, client, outbox):
    page = client.get(_url(card)).content.decode()
    assert "发送验证码到尾号8000的手机" in page and "13800138000" not in page  # the number itself never shows
    sent = client.post(_url(card), {"action": "sms_send"})
    assert sent.status_code == 200 and "验证码已发送至干部信息中尾号8000的手机" in sent.content.decode()
    message = SmsMessage.objects.get()
    assert message.phone == "13800138000" and message.status == "logged" and message.backend == "outbox"
    code = _sent_code()
    stored = CardCode.objects.get()
    assert code not in stored.code_hash and len(stored.code_hash) == 64  # only an HMAC is kept
    wrong = "000000" if code != "000000" else "111111"
    bad = client.post(_url(card), {"action": "sms_verify", "code": wrong})
    assert bad.status_code == 400 and "验证码不正确，还可以再试4次" in bad.content.decode()
    stored.refresh_from_db()
    assert stored.attempts == 1  # kept although the request failed
    assert client.post(_url(card), {"action": "sms_verify", "code": "12ab"}).status_code == 400
    ok = client.post(_url(card), {"action": "sms_verify", "code": code})
    assert ok.status_code == 302
    card.refresh_from_db()
    assert card.status == Card.Status.ACKNOWLEDGED and card.acknowledged_at
    actions = list(AuditEvent.objects.filter(action__startswith="cards.").values_list("action", flat=True))
    assert "cards.sms_code_send" in actions and "cards.sms_code_refused" in actions
    ack = AuditEvent.objects.get(action="cards.acknowledge")
    assert ack.person_id == card.cadre_id and code not in str(ack.__dict__)
    with pytest.raises(ValidationError, match="已签收"):  # good once
        sms.code_acknowledge(card=card, code=code)
    assert "不登录，用短信验证码签收" not in client.get(_url(card)).content.decode()


def test_code_expires(card, outbox, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    sms.code_send(card=card)
    code = _sent_code()
    time_machine.shift(sms.CODE_TTL + timedelta(seconds=1))
    with pytest.raises(ValidationError, match="验证码已失效"):
        sms.code_acknowledge(card=card, code=code)
    card.refresh_from_db()
    assert card.status == Card.Status.ISSUED


def test_five_wrong_attempts_end_the_code(card, outbox):
    sms.code_send(card=card)
    code = _sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(sms.MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            sms.code_acknowledge(card=card, code=wrong)
    with pytest.raises(ValidationError, match="验证码已失效"):
        sms.code_acknowledge(card=card, code=code)


def test_a_new_code_replaces_the_old_and_sending_is_rate_limited(card, outbox, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    sms.code_send(card=card)
    first = _sent_code()
    with pytest.raises(ValidationError, match="1分钟后"):
        sms.code_send(card=card)
    for _ in range(sms.PER_CARD_PER_HOUR - 1):
        time_machine.shift(timedelta(seconds=61))
        sms.code_send(card=card)
    time_machine.shift(timedelta(seconds=61))
    with pytest.raises(ValidationError, match="过于频繁"):
        sms.code_send(card=card)
    assert SmsMessage.objects.count() == sms.PER_CARD_PER_HOUR
    assert AuditEvent.objects.filter(action="cards.sms_code_limited").exists()
    last = _sent_code()
    if first != last:
        with pytest.raises(ValidationError):
            sms.code_acknowledge(card=card, code=first)  # superseded
    sms.code_acknowledge(card=card, code=last)


def test_no_mobile_on_file_no_code(card, client, outbox):
    card.cadre.phone = "0574-6555555"  # a landline
    card.cadre.save(update_fields=["phone"])
    assert "短信验证码" not in client.get(_url(card)).content.decode()
    with pytest.raises(ValidationError, match="没有可用的手机号"):
        sms.code_send(card=card)


def test_revoked_link_offers_nothing(card, client, outbox):
    url = _url(card)
    services.card_revoke(actor=card.org, card=card, reason="重新发放")
    response = client.post(url, {"action": "sms_send"})
    assert response.status_code == 410 and not SmsMessage.objects.exists()


def test_http_backend_masks_the_code_and_records_failures(card, settings, monkeypatch):
    settings.QINGLIAN_SMS_BACKEND = "http"
    settings.QINGLIAN_SMS_HTTP_URL = "https://sms.example.invalid/send"
    posted = []
    monkeypatch.setattr(sms.HttpBackend, "_post", lambda self, body: posted.append(body) or 200)
    sms.code_send(card=card)
    message = SmsMessage.objects.get()
    assert message.status == "sent" and "******" in message.text and re.search(r"\d{6}", message.text) is None
    assert b"13800138000" in posted[0] and re.search(rb"\d{6}", posted[0].replace(b"13800138000", b""))
    CardCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))

    def down(self, body):
        raise OSError("unreachable")

    monkeypatch.setattr(sms.HttpBackend, "_post", down)
    with pytest.raises(ValidationError, match="短信发送失败"):
        sms.code_send(card=card)
    assert SmsMessage.objects.latest("id").status == "failed"
    assert not CardCode.objects.filter(expires_at__gt=timezone.now()).exists()  # the failed code is dead
