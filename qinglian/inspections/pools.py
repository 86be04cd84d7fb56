"""The two pools of inspectors (组长库、人才库) and their management (seed 004: 入口严格、出口畅通、
优者激励、劣者淘汰): entry and removal with a reason, a rating after each round, secondments
(one year by default, a registry rule), commitment letters as documents, supervision records."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from qinglian.archive.periods import add_months
from qinglian.audit.services import audit_record
from qinglian.inspections.models import (
    CommitmentLetter,
    Inspector,
    InspectorRating,
    InspectorSupervision,
    Pool,
    Round,
    Secondment,
    TeamMember,
)
from qinglian.inspections.services import clean_text, require
from qinglian.rules.registry import param


@transaction.atomic
def inspector_enter(*, actor, cadre, pool: str, reason: str, entered_on: date | None = None, user=None,
                    request=None) -> Inspector:  # fmt: skip
    require(actor, "inspections.pool", cadre.unit)
    if pool not in Pool.values:
        raise ValidationError({"pool": "库别无效"})
    reason = clean_text(reason, "entry_reason", "入库理由", max_len=500)
    if cadre.status != "serving":
        raise ValidationError({"cadre": f"{cadre.name} 不在职，不能入库"})
    entered_on = entered_on or timezone.localdate()
    if entered_on > timezone.localdate():
        raise ValidationError({"entered_on": "入库日期不能晚于今天"})
    try:
        with transaction.atomic():
            ins = Inspector.objects.create(cadre=cadre, pool=pool, user=user, entered_on=entered_on,
                                           entry_reason=reason, recorded_by=actor)  # fmt: skip
    except IntegrityError:
        raise ValidationError({"cadre": f"{cadre.name} 已在{Pool(pool).label}中"}) from None
    audit_record(actor=actor, action="inspections.pool.enter", obj=ins, person_id=cadre.pk, unit_id=cadre.unit_id,
                 request=request, extra={"pool": pool})  # fmt: skip
    return ins


@transaction.atomic
def inspector_remove(*, actor, inspector: Inspector, reason: str, request=None) -> Inspector:
    require(actor, "inspections.pool", inspector.cadre.unit)
    reason = clean_text(reason, "removal_reason", "出库理由", max_len=500)
    ins = Inspector.objects.select_for_update().get(pk=inspector.pk)
    if ins.status == Inspector.Status.REMOVED:
        raise ValidationError({"status": "该干部已出库"})
    busy = TeamMember.objects.filter(
        inspector=ins, team__round__status__in=[Round.Status.ASSIGNED, Round.Status.ONGOING]
    )
    if busy.exists():
        raise ValidationError({"status": "该干部正在本轮巡察组中，请先调整巡察组"})
    ins.status, ins.removed_on, ins.removal_reason = Inspector.Status.REMOVED, timezone.localdate(), reason
    ins.save(update_fields=["status", "removed_on", "removal_reason"])
    audit_record(actor=actor, action="inspections.pool.remove", obj=ins, person_id=ins.cadre_id,
                 unit_id=ins.cadre.unit_id, reason=reason, request=request)  # fmt: skip
    return ins


@transaction.atomic
def inspector_rate(*, actor, inspector: Inspector, round: Round, grade: str, comment: str,
                   request=None) -> InspectorRating:  # fmt: skip
    """The rating after a round; only for an inspector who served in it."""
    require(actor, "inspections.pool", round.organiser)
    if grade not in InspectorRating.Grade.values:
        raise ValidationError({"grade": "评定等次无效"})
    comment = clean_text(comment, "comment", "评语", max_len=500)
    if not TeamMember.objects.filter(inspector=inspector, team__round=round).exists():
        raise ValidationError({"round": f"{inspector.cadre.name} 未参加该轮巡察"})
    if round.status not in (Round.Status.FEEDBACK, Round.Status.CLOSED):
        raise ValidationError({"round": "该轮巡察反馈后才能评定"})
    try:
        with transaction.atomic():
            rating = InspectorRating.objects.create(inspector=inspector, round=round, grade=grade, comment=comment,
                                                    rated_by=actor, rated_at=timezone.now())  # fmt: skip
    except IntegrityError:
        raise ValidationError({"round": "该轮已评定"}) from None
    audit_record(actor=actor, action="inspections.pool.rate", obj=rating, person_id=inspector.cadre_id,
                 request=request, extra={"grade": grade, "round": round.pk})  # fmt: skip
    return rating


def rating_summary(inspector: Inspector) -> dict:
    grades = list(inspector.ratings.values_list("grade", flat=True))
    return {g: grades.count(g) for g in InspectorRating.Grade.values if g in grades}


@transaction.atomic
def secondment_record(*, actor, inspector: Inspector, from_unit, start_date: date, end_date: date | None = None,
                      note: str = "", request=None) -> Secondment:  # fmt: skip
    """抽调 with dates; the end defaults to the rule's period (one year)."""
    require(actor, "inspections.pool", inspector.cadre.unit)
    if end_date is None:
        months = param("inspections.secondment", "months", as_of=start_date).value
        end_date = add_months(start_date, int(months))
    if end_date <= start_date:
        raise ValidationError({"end_date": "抽调结束日期须晚于开始日期"})
    overlap = inspector.secondments.filter(start_date__lt=end_date, end_date__gt=start_date)
    if overlap.exists():
        raise ValidationError({"start_date": "与已有抽调期间重叠"})
    s = Secondment.objects.create(inspector=inspector, from_unit=from_unit, start_date=start_date, end_date=end_date,
                                  note=clean_text(note, "note", "说明", required=False, max_len=500))  # fmt: skip
    audit_record(actor=actor, action="inspections.pool.second", obj=s, person_id=inspector.cadre_id, request=request,
                 extra={"from": start_date.isoformat(), "to": end_date.isoformat()})  # fmt: skip
    return s


def commitment_sign(*, actor, inspector: Inspector, kind: str, signed_on: date | None = None, issuing_unit=None,
                    request=None) -> CommitmentLetter:  # fmt: skip
    """A commitment letter (保密 / 履职尽责) generated as a document for signature, and its record."""
    from qinglian.documents.services import document_generate
    from qinglian.inspections.documents import COMMITMENT

    require(actor, "inspections.pool", inspector.cadre.unit)
    if kind not in CommitmentLetter.Kind.values:
        raise ValidationError({"kind": "承诺书类型无效"})
    signed_on = signed_on or timezone.localdate()
    issuing_unit = issuing_unit or inspector.cadre.unit
    docs = document_generate(
        actor=None, template=COMMITMENT, formats=("docx",), issuing_unit=issuing_unit,
        data={"inspector": inspector, "kind_label": CommitmentLetter.Kind(kind).label, "issuing_unit": issuing_unit,
              "on_date": signed_on},
    )  # fmt: skip
    with transaction.atomic():
        letter = CommitmentLetter.objects.create(
            inspector=inspector, kind=kind, signed_on=signed_on, document=docs[0]
        )
        audit_record(actor=actor, action="inspections.pool.commitment", obj=letter, person_id=inspector.cadre_id,
                     request=request, extra={"kind": kind})  # fmt: skip
    return letter


@transaction.atomic
def supervision_record(*, actor, inspector: Inspector, kind: str, text: str, round: Round | None = None,
                       request=None) -> InspectorSupervision:  # fmt: skip
    require(actor, "inspections.pool", inspector.cadre.unit)
    if kind not in InspectorSupervision.Kind.values:
        raise ValidationError({"kind": "类型无效"})
    rec = InspectorSupervision.objects.create(
        inspector=inspector, round=round, kind=kind, text=clean_text(text, "text", "情况", max_len=1000),
        recorded_by=actor, recorded_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="inspections.pool.supervision", obj=rec, person_id=inspector.cadre_id,
                 request=request, extra={"kind": kind})  # fmt: skip
    return rec
