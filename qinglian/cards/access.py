"""Checked fetches of cards: staff by scope, the recipient by the signed link or his own account."""

from __future__ import annotations

from django.http import Http404

from qinglian.accounts.scopes import scope
from qinglian.cards.models import Card, CardBatch, CardPrint, FollowUp


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("对象不存在") from None


def access_batch(user, batch_id, capability: str = "cards.view") -> CardBatch:
    batch = CardBatch.objects.select_related("issuing_body", "scope_unit").filter(pk=_pk(batch_id)).first()
    s = scope(user, capability)
    # A batch is visible to whoever sees its scope unit or any unit inside it.
    if batch is None or not (s.contains(batch.scope_unit) or any(p.startswith(batch.scope_unit.path) for p in s.prefixes)
                             or batch.cards.filter(s.units_q("unit__")).exists()):  # fmt: skip
        raise Http404("批次不存在")
    return batch


def access_card(user, card_id, capability: str = "cards.view") -> Card:
    card = (
        Card.objects.select_related("batch", "batch__issuing_body", "cadre", "unit")
        .filter(pk=_pk(card_id))
        .first()
    )
    if card is None or not scope(user, capability).contains(card.unit):
        raise Http404("提醒卡不存在")
    return card


def access_follow_up(user, follow_up_id, capability: str) -> FollowUp:
    f = (
        FollowUp.objects.select_related("card__unit", "card__cadre", "card__batch")
        .filter(pk=_pk(follow_up_id))
        .first()
    )
    if f is None or not scope(user, capability).contains(f.card.unit):
        raise Http404("记录不存在")
    return f


def access_print(user, print_id) -> CardPrint:
    p = CardPrint.objects.select_related("unit", "batch").filter(pk=_pk(print_id)).first()
    if p is None or not scope(user, "cards.view").contains(p.unit):
        raise Http404("打印件不存在")
    return p
