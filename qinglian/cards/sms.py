"""A one-time SMS code to acknowledge a card without signing in (issue 6, item 3). Off by default.

Settings (read with defaults, so this works before they exist in settings.py):

- `QINGLIAN_SMS_BACKEND`: "" (off, the default), "outbox" (texts are written to the outbox table
  `cards.SmsMessage` and go nowhere: tests and the demo), "http" (`HttpBackend`), or the dotted path
  of a class with the same `send` method;
- `QINGLIAN_SMS_HTTP_URL`, `QINGLIAN_SMS_HTTP_TOKEN` (sent as `Authorization: Bearer …`),
  `QINGLIAN_SMS_HTTP_TIMEOUT` (seconds, default 5) for the HTTP backend;
- `QINGLIAN_SMS_SIGNATURE`: the sender's signature at the start of the text (default "清廉").

The code goes to the phone number on the recipient's registry record, never to a number typed on
the page. Only an HMAC of the code (server key, card and nonce) is stored; a code expires after 10
minutes, allows 5 attempts and is good once; a card gets at most one code a minute and 5 an hour, a
client address at most 10 an hour. Every send, success and failure is audited without the code.
"""

from __future__ import annotations

import json
import re
import secrets
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.module_loading import import_string

from qinglian.audit.services import audit_record
from qinglian.cards.models import Card, CardCode, SmsMessage

SALT = "qinglian.cards.sms-code"
CODE_TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
PER_CARD_PER_HOUR = 5
PER_ADDRESS_PER_HOUR = 10
MAX_ATTEMPTS = 5
MOBILE = re.compile(r"^1[3-9]\d{9}$")


# --- the gateway ---------------------------------------------------------------------------------


class SmsBackend:
    """Sends one text; returns the outbox row recording it. Raises nothing: failures are recorded."""

    name = "base"

    def send(self, *, phone: str, text: str, purpose: str, secret: str = "") -> SmsMessage:
        raise NotImplementedError

    def _record(self, *, phone, text, purpose, status, error="") -> SmsMessage:
        return SmsMessage.objects.create(phone=phone, text=text[:300], purpose=purpose, backend=self.name,
                                         status=status, error=error[:255], created_at=timezone.now())  # fmt: skip


class OutboxBackend(SmsBackend):
    """Writes the text to the outbox table and sends nothing (tests, the demo)."""

    name = "outbox"

    def send(self, *, phone, text, purpose, secret=""):
        return self._record(phone=phone, text=text, purpose=purpose, status=SmsMessage.Status.LOGGED)


class HttpBackend(SmsBackend):
    """A generic HTTP gateway: POST {"phone", "text"} as JSON to QINGLIAN_SMS_HTTP_URL with a bearer
    token; any 2xx is success. The outbox row keeps the text with the secret masked."""

    name = "http"

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.url = url if url is not None else getattr(settings, "QINGLIAN_SMS_HTTP_URL", "")
        self.token = token if token is not None else getattr(settings, "QINGLIAN_SMS_HTTP_TOKEN", "")
        self.timeout = timeout or float(getattr(settings, "QINGLIAN_SMS_HTTP_TIMEOUT", 5))

    def _post(self, body: bytes) -> int:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"}
        # The scheme was checked by send() (http/https only): S310 is about file: and custom schemes.
        request = urllib.request.Request(self.url, data=body, method="POST", headers=headers)  # noqa: S310
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            return response.status

    def send(self, *, phone, text, purpose, secret=""):
        kept = text.replace(secret, "*" * len(secret)) if secret else text
        if not self.url.startswith(("https://", "http://")):
            return self._record(phone=phone, text=kept, purpose=purpose, status=SmsMessage.Status.FAILED,
                                error="未配置短信网关地址")  # fmt: skip
        try:
            status = self._post(json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode())
        except Exception as exc:  # noqa: BLE001 (any gateway failure is recorded, never shown raw)
            return self._record(phone=phone, text=kept, purpose=purpose, status=SmsMessage.Status.FAILED,
                                error=f"{type(exc).__name__}")  # fmt: skip
        ok = 200 <= status < 300
        return self._record(phone=phone, text=kept, purpose=purpose,
                            status=SmsMessage.Status.SENT if ok else SmsMessage.Status.FAILED,
                            error="" if ok else f"HTTP {status}")  # fmt: skip


BACKENDS = {"outbox": OutboxBackend, "http": HttpBackend}


def backend() -> SmsBackend | None:
    name = (getattr(settings, "QINGLIAN_SMS_BACKEND", "") or "").strip()
    if not name:
        return None
    return (BACKENDS.get(name) or import_string(name))()


def enabled() -> bool:
    return bool((getattr(settings, "QINGLIAN_SMS_BACKEND", "") or "").strip())


# --- codes for cards -----------------------------------------------------------------------------


def mobile_on_file(card: Card) -> str:
    """The recipient's mobile number from the registry, normalised; "" if there is none."""
    raw = re.sub(r"[\s\-()]", "", card.cadre.phone or "")
    raw = raw.removeprefix("+86").removeprefix("0086")
    return raw if MOBILE.match(raw) else ""


def can_use(card: Card) -> bool:
    return enabled() and card.status == Card.Status.ISSUED and bool(mobile_on_file(card))


def _hash(card: Card, code: str) -> str:
    return salted_hmac(SALT, f"{card.pk}:{card.nonce}:{code}", algorithm="sha256").hexdigest()


def code_send(*, card: Card, request=None) -> CardCode:
    """Send a fresh code to the recipient's phone on file. Limits: one a minute and 5 an hour per
    card, 10 an hour per client address."""
    from qinglian.front import abuse

    gateway = backend()
    if gateway is None:
        raise ValidationError({"code": "未开通短信验证码签收，请登录后签收"})
    if card.status != Card.Status.ISSUED:
        raise ValidationError({"code": "该提醒卡已签收"})
    phone = mobile_on_file(card)
    if not phone:
        raise ValidationError({"code": "干部信息中没有可用的手机号，请登录后签收"})
    now = timezone.now()
    recent = list(CardCode.objects.filter(card=card, created_at__gte=now - timedelta(hours=1))
                  .values_list("created_at", flat=True))  # fmt: skip
    if any(t > now - RESEND_AFTER for t in recent):
        raise ValidationError({"code": "验证码已发送，请1分钟后再重新获取"})
    if len(recent) >= PER_CARD_PER_HOUR or not abuse.hit(request, "cards.sms", limit=PER_ADDRESS_PER_HOUR,
                                                         window=3600):  # fmt: skip
        audit_record(
            actor=None, action="cards.sms_code_limited", obj=card, person_id=card.cadre_id, request=request
        )
        raise ValidationError({"code": "获取验证码过于频繁，请1小时后再试，或登录后签收"})
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        CardCode.objects.filter(card=card, used_at__isnull=True).update(
            expires_at=now
        )  # one live code at a time
        row = CardCode.objects.create(card=card, code_hash=_hash(card, code), phone_tail=phone[-4:], created_at=now,
                                      expires_at=now + CODE_TTL)  # fmt: skip
    signature = getattr(settings, "QINGLIAN_SMS_SIGNATURE", "清廉") or "清廉"
    text = (f"【{signature}】您的主体责任提醒卡签收验证码为{code}，{int(CODE_TTL.total_seconds() // 60)}分钟内有效。"
            "如非本人操作，请忽略。")  # fmt: skip
    message = gateway.send(phone=phone, text=text, purpose="cards.acknowledge", secret=code)
    audit_record(actor=None, action="cards.sms_code_send", obj=card, person_id=card.cadre_id, request=request,
                 extra={"phone_tail": phone[-4:], "status": message.status})  # fmt: skip
    if message.status == SmsMessage.Status.FAILED:
        CardCode.objects.filter(pk=row.pk).update(expires_at=now)
        raise ValidationError({"code": "短信发送失败，请稍后再试，或登录后签收"})
    return row


def code_acknowledge(*, card: Card, code: str, request=None) -> Card:
    """Acknowledge the card with the code sent to the recipient's phone. A wrong code counts an attempt
    (kept even though the request fails); the fifth wrong one ends the code."""
    code = re.sub(r"\s", "", str(code or ""))
    if not re.fullmatch(r"\d{6}", code):
        raise ValidationError({"code": "请输入短信中的6位数字验证码"})
    if not enabled():
        raise ValidationError({"code": "未开通短信验证码签收，请登录后签收"})
    now = timezone.now()
    problem = ""
    with transaction.atomic():
        locked = Card.objects.select_for_update().get(pk=card.pk)
        row = (CardCode.objects.select_for_update().filter(card=locked, used_at__isnull=True, expires_at__gt=now)
               .order_by("-created_at").first())  # fmt: skip
        if locked.status != Card.Status.ISSUED:
            problem = "该提醒卡已签收"
        elif row is None or row.attempts >= MAX_ATTEMPTS:
            problem = "验证码已失效，请重新获取"
        elif not constant_time_compare(row.code_hash, _hash(locked, code)):
            row.attempts += 1
            CardCode.objects.filter(pk=row.pk).update(attempts=row.attempts)
            left = MAX_ATTEMPTS - row.attempts
            problem = f"验证码不正确，还可以再试{left}次" if left else "验证码不正确，已失效，请重新获取"
        else:
            CardCode.objects.filter(pk=row.pk).update(used_at=now)
            Card.objects.filter(pk=locked.pk).update(status=Card.Status.ACKNOWLEDGED, acknowledged_at=now)
            card.status, card.acknowledged_at = Card.Status.ACKNOWLEDGED, now
            audit_record(actor=None, action="cards.acknowledge", obj=card, person_id=card.cadre_id, request=request,
                         extra={"via": "sms_code", "phone_tail": row.phone_tail})  # fmt: skip
    if problem:
        audit_record(actor=None, action="cards.sms_code_refused", obj=card, person_id=card.cadre_id, request=request,
                     extra={"reason": problem})  # fmt: skip
        raise ValidationError({"code": problem})
    return card
