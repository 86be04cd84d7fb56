"""一报告两评议: the annual report on selection work, the two appraisals (of the work overall and of
newly appointed cadres), the written feedback to each unit and the follow-up of weak units.

A result is weak when its satisfaction — (满意 + 基本满意) over the votes cast — falls below the
rule's threshold as it stood on the report's date; the threshold used is kept on the result.
Feedback is issued once: a numbered document per unit, and for a weak unit a to-do with a
deadline in working days (escalated when overdue, like every to-do).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from qinglian.accounts.scopes import scope
from qinglian.appointments.models import (
    AnnualReview,
    Candidate,
    ReviewFeedback,
    ReviewResult,
    Stage,
    StageKind,
)
from qinglian.appointments.rules import REVIEW_RULE
from qinglian.audit.services import audit_record
from qinglian.rules.registry import params

MANAGE = "appointments.manage"


def _in_scope(actor, unit) -> None:
    if not scope(actor, MANAGE).contains(unit):
        raise PermissionDenied("该单位不在您的管理范围内")


def _open(review: AnnualReview) -> AnnualReview:
    review = AnnualReview.objects.select_for_update().select_related("unit").get(pk=review.pk)
    if review.status != AnnualReview.Status.OPEN:
        raise ValidationError({"review": "评议结果已反馈，不能再修改"})
    return review


@transaction.atomic
def review_create(*, actor, unit, year: int, reported_on: date, report_summary: str, participants: int,
                  request=None) -> AnnualReview:  # fmt: skip
    _in_scope(actor, unit)
    errors = {}
    today = timezone.localdate()
    if not isinstance(year, int) or not 2000 <= year <= today.year:
        errors["year"] = f"年度须在2000至{today.year}之间"
    if not isinstance(reported_on, date) or reported_on > today:
        errors["reported_on"] = "报告日期不能晚于今天"
    summary = (report_summary or "").strip()
    if not summary:
        errors["report_summary"] = "请填写工作报告摘要"
    elif len(summary) > 10000:
        errors["report_summary"] = "工作报告摘要不超过10000字"
    if (
        not isinstance(participants, int)
        or isinstance(participants, bool)
        or not 1 <= participants <= 100_000
    ):
        errors["participants"] = "参加评议人数须为1至100000之间的整数"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            review = AnnualReview.objects.create(unit=unit, year=year, reported_on=reported_on, report_summary=summary,
                                                 participants=participants, created_by=actor, created_at=timezone.now())  # fmt: skip
    except IntegrityError:
        raise ValidationError({"year": f"{unit.name}{year}年度的一报告两评议已建立"}) from None
    audit_record(actor=actor, action="appointments.review_create", obj=review, unit_id=unit.pk, request=request,
                 extra={"year": year})  # fmt: skip
    return review


def threshold_on(day: date) -> tuple[Decimal, bool]:
    values = params(REVIEW_RULE, as_of=day)
    p = values["min_percent"]
    return Decimal(str(p.value)), p.unsettled


@transaction.atomic
def result_record(*, actor, review: AnnualReview, kind: str, good: int, fair: int, poor: int, unknown: int,
                  unit=None, cadre=None, request=None) -> ReviewResult:  # fmt: skip
    """One appraisal's votes: the work of `unit`, or the newly appointed `cadre`. Recording the same
    appraisal again replaces its votes (until feedback is issued)."""
    review = _open(review)
    _in_scope(actor, review.unit)
    if kind not in ReviewResult.Kind.values:
        raise ValidationError({"kind": "请选择评议事项"})
    if kind == ReviewResult.Kind.CADRE:
        if cadre is None:
            raise ValidationError({"cadre": "请选择新提拔任用的干部"})
        unit = cadre.unit
    elif unit is None:
        raise ValidationError({"unit": "请选择被评议的单位"})
    else:
        cadre = None
    _in_scope(actor, unit)
    counts = {}
    for name, value, label in (("good", good, "满意"), ("fair", fair, "基本满意"), ("poor", poor, "不满意"),
                               ("unknown", unknown, "不了解")):  # fmt: skip
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationError({name: f"{label}票数须为不小于0的整数"})
        counts[name] = value
    total = sum(counts.values())
    if total == 0:
        raise ValidationError({"good": "请填写票数"})
    if total > review.participants:
        raise ValidationError({"good": f"票数合计{total}，超过参加评议人数{review.participants}"})
    threshold, _ = threshold_on(review.reported_on)
    rate = Decimal(counts["good"] + counts["fair"]) * 100 / Decimal(total)
    result, _ = ReviewResult.objects.update_or_create(
        review=review, kind=kind, unit=unit, cadre=cadre,
        defaults={**counts, "weak": rate < threshold, "threshold": threshold, "recorded_by": actor,
                  "recorded_at": timezone.now()},
    )  # fmt: skip
    audit_record(actor=actor, action="appointments.review_result", obj=result, unit_id=unit.pk,
                 person_id=cadre.pk if cadre else None, request=request,
                 extra={"kind": kind, **counts, "weak": result.weak})  # fmt: skip
    return result


def newly_appointed(review: AnnualReview, *, viewer) -> list[Candidate]:
    """Candidates appointed by decisions taken in the review's year inside the review's unit (the
    cadres the second appraisal is about)."""
    decided = Stage.objects.filter(kind=StageKind.DECISION, status=Stage.Status.CLOSED,
                                   held_on__year=review.year).values("case_id")  # fmt: skip
    return list(
        Candidate.objects.filter(status=Candidate.Status.APPOINTED, case_id__in=decided,
                                 case__unit__path__startswith=review.unit.path)
        .filter(scope(viewer, "appointments.view").units_q("case__unit__"))
        .select_related("cadre", "cadre__unit", "case").order_by("cadre__name", "pk")
    )  # fmt: skip


def feedback_issue(*, actor, review: AnnualReview, prefix: str = "", request=None) -> list[ReviewFeedback]:
    """Written feedback to every unit with results (a numbered document each); weak units get a
    to-do to report their rectification. Afterwards the review is frozen."""
    from qinglian.documents.services import document_generate
    from qinglian.workitems.services import workitem_create

    with transaction.atomic():
        review = _open(review)
        _in_scope(actor, review.unit)
        results = list(review.results.select_related("unit", "cadre").order_by("unit__path", "kind", "pk"))
        if not results:
            raise ValidationError({"review": "尚未录入评议结果"})
        values = params(REVIEW_RULE, as_of=review.reported_on)
        days = int(values["rectify_working_days"].value)
        by_unit: dict[int, list[ReviewResult]] = {}
        for r in results:
            by_unit.setdefault(r.unit_id, []).append(r)
        now = timezone.now()
        feedback = []
        for rows in by_unit.values():
            unit = rows[0].unit
            weak = any(r.weak for r in rows)
            fb = ReviewFeedback.objects.create(
                review=review, unit=unit, weak=weak, issued_by=actor, issued_at=now
            )
            if weak:
                item = workitem_create(actor=actor, subject=fb, kind="appointments.review_rectify",
                                       title=f"{review.year}年度选人用人工作评议整改：{unit.name}",
                                       assignee_unit=unit, due_working_days=days, request=request)  # fmt: skip
                fb.workitem_id = item.pk
                fb.save(update_fields=["workitem_id"])
            feedback.append((fb, rows))
        review.status, review.fed_back_at = AnnualReview.Status.FED_BACK, now
        review.save(update_fields=["status", "fed_back_at"])
        audit_record(actor=actor, action="appointments.review_feedback", obj=review, unit_id=review.unit_id,
                     request=request, extra={"units": len(feedback), "weak": sum(1 for f, _ in feedback if f.weak)})  # fmt: skip
    # Rendering runs outside the write transaction (documents.services does the same).
    for fb, rows in feedback:
        table = [
            [("新提拔任用干部 " + r.cadre.name) if r.cadre_id else "选人用人工作", str(r.total), str(r.good), str(r.fair),
             str(r.poor), str(r.unknown), f"{r.rate:.1f}%"]
            for r in rows
        ]  # fmt: skip
        docs = document_generate(
            actor=actor, template="appointments.review_feedback", issuing_unit=review.unit, subject=fb,
            number_prefix=prefix,
            data={"unit_name": fb.unit.name, "year": review.year, "issuing_body": review.unit.name,
                  "on_date": timezone.localdate(), "rows": table, "weak": fb.weak,
                  "threshold": str(rows[0].threshold.normalize()), "rectify_days": days},
            request=request,
        )  # fmt: skip
        fb.document_batch = docs[0].batch
        fb.save(update_fields=["document_batch"])
    return [fb for fb, _ in feedback]
