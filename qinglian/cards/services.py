"""Writes of reminder cards: batches, issue, links, acknowledgement, quarter report, check, follow-up.

Batch creation is set-based (bulk inserts of cards and items; the individual lists of all units in
one pass), so 5,000 cards take seconds. Links are signed tokens naming the card
and its nonce with a truncated HMAC; revoking a card changes the nonce, so an old link stops working at once.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qinglian.accounts.scopes import scope
from qinglian.archive.services import entry_record
from qinglian.audit.services import audit_record
from qinglian.cards.defaults import DEFAULT_COMMON_ITEMS
from qinglian.cards.individual import propose
from qinglian.cards.links import LinkInvalid, card_from_token, card_token  # noqa: F401 (the module's API)
from qinglian.cards.models import Card, CardBatch, CardItem, CommonItem, FollowUp, RecipientType
from qinglian.people.models import Cadre, Unit, UnitLevel

LEVEL_ORDER = [UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY, UnitLevel.TOWNSHIP, UnitLevel.VILLAGE]
STEP_LADDER = [FollowUp.Step.REMINDER_TALK, FollowUp.Step.ADMONISHMENT, FollowUp.Step.ACCOUNTABILITY]


def common_items_sync_defaults() -> int:
    if CommonItem.objects.exists():
        return 0
    CommonItem.objects.bulk_create(
        CommonItem(recipient_type=t, text=text, order=i) for t, texts in DEFAULT_COMMON_ITEMS.items()
        for i, text in enumerate(texts, 1)
    )  # fmt: skip
    return CommonItem.objects.count()


def quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def _recipients(scope_unit: Unit, issuing_body: Unit, types: list[str]) -> list[tuple[Cadre, str]]:
    body_level = LEVEL_ORDER.index(issuing_body.level) if issuing_body.level in LEVEL_ORDER else 0
    same = [lv for lv in LEVEL_ORDER if LEVEL_ORDER.index(lv) <= body_level]
    lower = [lv for lv in LEVEL_ORDER if LEVEL_ORDER.index(lv) > body_level]
    base = Cadre.objects.filter(unit__path__startswith=scope_unit.path, status="serving").select_related(
        "unit"
    )
    picked: dict[int, tuple[Cadre, str]] = {}
    if RecipientType.LOWER_HEAD in types:
        for c in base.filter(is_top_leader=True, unit__level__in=lower):
            picked[c.pk] = (c, RecipientType.LOWER_HEAD)
    if RecipientType.TOP_LEADER in types:
        for c in base.filter(is_top_leader=True, unit__level__in=same):
            picked.setdefault(c.pk, (c, RecipientType.TOP_LEADER))
    if RecipientType.LEADERSHIP in types:
        for c in base.filter(is_leadership_member=True, is_top_leader=False, unit__level__in=same):
            picked.setdefault(c.pk, (c, RecipientType.LEADERSHIP))
    return list(picked.values())


@transaction.atomic
def batch_create(*, actor, year: int, quarter: int, issuing_body: Unit, scope_unit: Unit, recipient_types: list[str],
                 report_days: int = 15, request=None) -> CardBatch:  # fmt: skip
    """A draft batch with one card per recipient: the common list of the recipient's type plus the
    individual list proposed from the recipient's unit. The editor adjusts it before issuing."""
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise ValidationError({"quarter": "年度或季度不正确"})
    types = [t for t in recipient_types if t in RecipientType.values]
    if not types:
        raise ValidationError({"recipient_types": "请选择发放对象"})
    if not scope(actor, "cards.manage").contains(scope_unit):
        raise PermissionDenied("发放范围不在您的管理范围内")
    if not 1 <= report_days <= 60:
        raise ValidationError({"report_days": "季末报告期为1至60天"})
    recipients = _recipients(scope_unit, issuing_body, types)
    if not recipients:
        raise ValidationError({"recipient_types": "发放范围内没有符合条件的对象"})
    now = timezone.now()
    label = {1: "一", 2: "二", 3: "三", 4: "四"}[quarter]
    batch = CardBatch.objects.create(
        year=year, quarter=quarter, title=f"{year}年第{label}季度主体责任提醒卡（{scope_unit.name}）",
        issuing_body=issuing_body, scope_unit=scope_unit, recipient_types=types, report_days=report_days,
        created_by=actor, created_at=now,
    )  # fmt: skip
    valid_until = quarter_end(year, quarter) + timedelta(days=report_days)
    cards = Card.objects.bulk_create(
        Card(batch=batch, cadre=c, unit_id=c.unit_id, recipient_type=t, nonce=secrets.token_hex(6),
             valid_until=valid_until)
        for c, t in recipients
    )  # fmt: skip
    common: dict[str, list[str]] = {}
    for item in CommonItem.objects.filter(active=True):
        common.setdefault(item.recipient_type, []).append(item.text)
    individual = propose(sorted({c.unit_id for c in cards}), as_of=timezone.localdate())
    items = []
    for card in cards:
        for i, text in enumerate(common.get(card.recipient_type, []), 1):
            items.append(CardItem(card=card, kind=CardItem.Kind.COMMON, text=text, order=i))
        for i, p in enumerate(individual.get(card.unit_id, []), 1):
            items.append(
                CardItem(card=card, kind=CardItem.Kind.INDIVIDUAL, text=p.text, source=p.source, order=i)
            )
    CardItem.objects.bulk_create(items, batch_size=5000)
    audit_record(actor=actor, action="cards.batch_create", obj=batch, unit_id=scope_unit.pk, request=request,
                 extra={"cards": len(cards), "items": len(items)})  # fmt: skip
    return batch


def _draft_card(actor, card: Card) -> None:
    if card.batch.status != CardBatch.Status.DRAFT:
        raise ValidationError({"text": "提醒卡已发放，不能再调整事项"})
    if not scope(actor, "cards.manage").contains(card.unit):
        raise PermissionDenied("该提醒卡不在您的管理范围内")


@transaction.atomic
def item_add(*, actor, card: Card, text: str, request=None) -> CardItem:
    _draft_card(actor, card)
    text = (text or "").strip()
    if not text or len(text) > 255:
        raise ValidationError({"text": "请填写事项（不超过255个字）"})
    order = (card.items.filter(kind=CardItem.Kind.INDIVIDUAL).count() or 0) + 1
    item = CardItem.objects.create(card=card, kind=CardItem.Kind.INDIVIDUAL, text=text, source="编辑人员添加",
                                   order=order)  # fmt: skip
    audit_record(actor=actor, action="cards.item_add", obj=card, person_id=card.cadre_id, request=request)
    return item


@transaction.atomic
def item_remove(*, actor, item: CardItem, request=None) -> None:
    _draft_card(actor, item.card)
    if item.kind != CardItem.Kind.INDIVIDUAL:
        raise ValidationError({"text": "共性责任清单的事项不能在单张卡上删除"})
    audit_record(actor=actor, action="cards.item_remove", obj=item.card, person_id=item.card.cadre_id,
                 request=request, extra={"text": item.text})  # fmt: skip
    item.delete()


@transaction.atomic
def batch_issue(*, actor, batch: CardBatch, request=None) -> CardBatch:
    if batch.status != CardBatch.Status.DRAFT:
        raise ValidationError({"batch": "该批提醒卡已发放"})
    if not scope(actor, "cards.manage").contains(batch.scope_unit):
        raise PermissionDenied("该批提醒卡不在您的管理范围内")
    now = timezone.now()
    CardBatch.objects.filter(pk=batch.pk).update(status=CardBatch.Status.ISSUED, issued_at=now,
                                                 print_progress=0, print_total=batch.cards.count())  # fmt: skip
    batch.cards.filter(status=Card.Status.DRAFT).update(status=Card.Status.ISSUED)
    batch.refresh_from_db()
    audit_record(actor=actor, action="cards.batch_issue", obj=batch, unit_id=batch.scope_unit_id, request=request,
                 extra={"cards": batch.print_total})  # fmt: skip
    from qinglian.cards.tasks import print_batch

    transaction.on_commit(lambda: print_batch.enqueue(batch.pk))
    return batch


@transaction.atomic
def card_revoke(*, actor, card: Card, reason: str, request=None) -> Card:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": "请填写撤回理由"})
    if not scope(actor, "cards.manage").contains(card.unit):
        raise PermissionDenied("该提醒卡不在您的管理范围内")
    if card.status == Card.Status.REVOKED:
        raise ValidationError({"reason": "该提醒卡已撤回"})
    Card.objects.filter(pk=card.pk).update(status=Card.Status.REVOKED, revoked_at=timezone.now(),
                                           revoke_reason=reason[:255], nonce=secrets.token_hex(6))  # fmt: skip
    card.refresh_from_db()
    audit_record(actor=actor, action="cards.revoke", obj=card, person_id=card.cadre_id, reason=reason,
                 request=request)  # fmt: skip
    return card


def _own_card(user, card: Card) -> None:
    if not user.is_authenticated or card.cadre.user_id != user.pk:
        raise PermissionDenied("只有提醒卡的接收人本人可以签收和报告")


@transaction.atomic
def card_acknowledge(*, user, card: Card, request=None) -> Card:
    _own_card(user, card)
    if card.status != Card.Status.ISSUED:
        raise ValidationError({"card": "该提醒卡已签收"})
    now = timezone.now()
    Card.objects.filter(pk=card.pk).update(status=Card.Status.ACKNOWLEDGED, acknowledged_at=now)
    card.status, card.acknowledged_at = Card.Status.ACKNOWLEDGED, now
    audit_record(actor=user, action="cards.acknowledge", obj=card, person_id=card.cadre_id, request=request)
    return card


@transaction.atomic
def card_report(*, user, card: Card, reports: dict[int, str], request=None) -> Card:
    """The recipient's quarter report (一季一总结): a few words on every item."""
    _own_card(user, card)
    if card.status != Card.Status.ACKNOWLEDGED:
        raise ValidationError(
            {"card": "请先签收提醒卡" if card.status == Card.Status.ISSUED else "已报告过落实情况"}
        )
    items = list(card.items.all())
    errors = {}
    for item in items:
        text = (reports.get(item.pk) or "").strip()
        if not text:
            errors[f"item_{item.pk}"] = "请填写该事项的落实情况"
        elif len(text) > 2000:
            errors[f"item_{item.pk}"] = "不超过2000字"
        item.report = text
    if errors:
        raise ValidationError(errors)
    CardItem.objects.bulk_update(items, ["report"])
    now = timezone.now()
    Card.objects.filter(pk=card.pk).update(status=Card.Status.REPORTED, reported_at=now)
    card.status, card.reported_at = Card.Status.REPORTED, now
    audit_record(actor=user, action="cards.report", obj=card, person_id=card.cadre_id, request=request)
    return card


@transaction.atomic
def card_check(*, actor, card: Card, results: dict[int, tuple[str, str]], request=None) -> FollowUp | None:
    """The supervision office's check of every item (一季一检查). Unfulfilled items lead to a proposed
    next step (提醒谈话 → 诫勉 → 问责, by the cadre's earlier decided steps); nothing is recorded on
    the file until a named person decides after hearing the cadre."""
    if not scope(actor, "cards.check").contains(card.unit):
        raise PermissionDenied("该提醒卡不在您的管理范围内")
    if card.status != Card.Status.REPORTED:
        raise ValidationError({"card": "接收人报告落实情况后才能检查"})
    items = list(card.items.all())
    errors = {}
    for item in items:
        result, note = results.get(item.pk, ("", ""))
        if result not in (CardItem.Check.FULFILLED, CardItem.Check.PARTLY, CardItem.Check.NOT_FULFILLED):
            errors[f"item_{item.pk}"] = "请选择检查结果"
        elif result != CardItem.Check.FULFILLED and not (note or "").strip():
            errors[f"item_{item.pk}"] = "未落实或部分落实的，须写明检查意见"
        item.result, item.check_note, item.checked_by = result, (note or "").strip()[:255], actor
    if errors:
        raise ValidationError(errors)
    CardItem.objects.bulk_update(items, ["result", "check_note", "checked_by"])
    now = timezone.now()
    Card.objects.filter(pk=card.pk).update(status=Card.Status.CHECKED, checked_at=now)
    card.status = Card.Status.CHECKED
    failed = [i for i in items if i.result == CardItem.Check.NOT_FULFILLED]
    follow_up = None
    if failed:
        earlier = list(
            FollowUp.objects.filter(card__cadre=card.cadre, decision=FollowUp.Decision.APPLIED)
            .values_list("proposed_step", flat=True)
        )  # fmt: skip
        level = max((STEP_LADDER.index(s) + 1 for s in earlier if s in STEP_LADDER), default=0)
        step = STEP_LADDER[min(level, len(STEP_LADDER) - 1)]
        grounds = "；".join(f"“{i.text}”未落实（{i.check_note}）" for i in failed)
        follow_up = FollowUp.objects.create(card=card, proposed_step=step, grounds=grounds, created_at=now)
        from qinglian.cards.models import TalkTrigger
        from qinglian.cards.talks import trigger_fire

        trigger = TalkTrigger.objects.filter(code="card_unfulfilled").first()
        if trigger is not None:
            trigger_fire(trigger=trigger, unit=card.unit, cadre=card.cadre, source=f"card:{card.pk}",
                         reason=f"{card.batch.title}有{len(failed)}项未落实")  # fmt: skip
    audit_record(actor=actor, action="cards.check", obj=card, person_id=card.cadre_id, request=request,
                 extra={"not_fulfilled": len(failed)})  # fmt: skip
    return follow_up


@transaction.atomic
def follow_up_hear(*, actor, follow_up: FollowUp, explanation: str, heard_on: date, request=None) -> FollowUp:
    """Record the cadre's explanation (heard before any decision)."""
    if not scope(actor, "cards.check").contains(follow_up.card.unit):
        raise PermissionDenied("不在您的管理范围内")
    explanation = (explanation or "").strip()
    if not explanation:
        raise ValidationError({"explanation": "请记录本人的说明（本人未作说明的，写明情况）"})
    if heard_on > timezone.localdate():
        raise ValidationError({"heard_on": "日期不能晚于今天"})
    if follow_up.decision:
        raise ValidationError({"explanation": "已作出决定"})
    FollowUp.objects.filter(pk=follow_up.pk).update(explanation=explanation[:5000], heard_on=heard_on)
    follow_up.explanation, follow_up.heard_on = explanation, heard_on
    audit_record(actor=actor, action="cards.follow_up_hear", obj=follow_up.card, person_id=follow_up.card.cadre_id,
                 request=request)  # fmt: skip
    return follow_up


@transaction.atomic
def follow_up_decide(*, actor, follow_up: FollowUp, apply: bool, note: str, request=None) -> FollowUp:
    """A named person decides. Applying records the step on the cadre's file, naming the card's
    unfulfilled items and the rule (主体责任提醒：一季一检查，未落实的依次提醒谈话、诫勉、问责)."""
    card = follow_up.card
    if not scope(actor, "cards.decide").contains(card.unit):
        raise PermissionDenied("您无权作出该决定")
    if follow_up.decision:
        raise ValidationError({"note": "已作出决定"})
    if not follow_up.heard_on:
        raise ValidationError({"note": "须先听取本人说明，再作决定"})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请写明决定理由"})
    entry = None
    if apply:
        name = actor.display_name or actor.get_username()
        entry = entry_record(
            actor=actor, kind=follow_up.proposed_step, person=card.cadre, occurred_on=timezone.localdate(),
            summary=(f"{card.batch.title}检查：{follow_up.grounds}。本人说明（{follow_up.heard_on:%Y-%m-%d}）："
                     f"{follow_up.explanation[:200]}。决定：{note}")[:2000],
            decided_by=name, source_app="cards", source_type="follow_up", source_id=str(follow_up.pk),
            check_permission=False, request=request,
        )  # fmt: skip
    FollowUp.objects.filter(pk=follow_up.pk).update(
        decision=FollowUp.Decision.APPLIED if apply else FollowUp.Decision.DISMISSED, decision_note=note[:255],
        decided_by=actor, decided_at=timezone.now(), entry=entry,
    )  # fmt: skip
    follow_up.refresh_from_db()
    audit_record(actor=actor, action="cards.follow_up_decide", obj=card, person_id=card.cadre_id, request=request,
                 extra={"step": follow_up.proposed_step, "apply": apply})  # fmt: skip
    return follow_up


def quarter_counts(*, viewer) -> list[dict]:
    """Cards, items, acknowledgements and talks by quarter, in the viewer's scope (the seed 003 figures)."""
    from django.db.models import Count

    in_scope = scope(viewer, "cards.view").units_q("unit__")
    cards = Card.objects.filter(in_scope).exclude(status=Card.Status.DRAFT)
    rows = cards.values("batch__year", "batch__quarter").annotate(
        cards=Count("pk", distinct=True),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False), distinct=True),
        items=Count("items", distinct=True),
        talks=Count("follow_ups", filter=Q(follow_ups__decision="applied"), distinct=True),
    ).order_by("-batch__year", "-batch__quarter")  # fmt: skip
    return list(rows)
