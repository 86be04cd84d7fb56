"""The card's QR link: card id, nonce and a truncated HMAC of the secret key (short: a small QR code).
Revoking a card changes its nonce, so an old link stops working at once."""

from __future__ import annotations

import base64
from datetime import date

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from qinglian.cards.models import Card

SALT = "qinglian.cards.link"


def _mac(value: str) -> str:
    digest = salted_hmac(SALT, value, algorithm="sha256").digest()[:12]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def card_token(card: Card) -> str:
    """Short, for a small QR code: card id, nonce and a 96-bit HMAC (the secret key's)."""
    value = f"{card.pk}-{card.nonce}"
    return f"{value}.{_mac(value)}"


class LinkInvalid(Exception):
    """A tampered, expired, revoked or superseded link. The message says which, nothing more."""


def card_from_token(token: str, *, today: date | None = None) -> Card:
    try:
        value, mac = str(token).rsplit(".", 1)
        if not constant_time_compare(mac, _mac(value)):
            raise ValueError("bad mac")
        pk, nonce = value.split("-", 1)
        card = Card.objects.select_related("batch", "cadre", "unit", "batch__issuing_body").get(pk=int(pk))
    except (TypeError, ValueError, Card.DoesNotExist):
        raise LinkInvalid("链接无效：请使用提醒卡上的二维码重新打开") from None
    if nonce != card.nonce or card.status == Card.Status.REVOKED:
        raise LinkInvalid("该提醒卡已撤回或重新发放，本链接已失效")
    if card.status == Card.Status.DRAFT:
        raise LinkInvalid("链接无效：请使用提醒卡上的二维码重新打开")
    if (today or timezone.localdate()) > card.valid_until:
        raise LinkInvalid(f"链接已于{card.valid_until:%Y年%m月%d日}过期")
    return card
