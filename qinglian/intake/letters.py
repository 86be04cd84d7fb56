"""纪检监察建议书: a recommendation letter to a unit, optionally arising from a clue (seed 003: a clue
shows as a yellow point on the unit, the stationed group issues a letter and receives the unit's
rectification report).

issue → (the unit reports its rectification) reported → accepted (a blue `unit.rectified` entry on
the unit's file) or returned with a reason and a new deadline → reported again → ...
The rectification deadline is a work item assigned to the unit, escalated to the issuing body.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.archive.services import entry_record
from qinglian.audit.services import audit_record
from qinglian.intake import referral_documents
from qinglian.intake.models import Clue, RecommendationLetter
from qinglian.intake.referrals import _text
from qinglian.intake.services import _supervising_body
from qinglian.people.models import Unit
from qinglian.workitems.services import workitem_create, workitems_complete_for_subject

RECTIFY_KIND = "intake.rectification"
MAX_DAYS = 366
LS = RecommendationLetter.Status


def can_handle_letter(user, unit: Unit) -> bool:
    return has_capability(user, "intake.handle") and scope(user, "intake.handle").contains(unit)


def letters_q(user) -> Q:
    """The letters `user` may read: to units in their intake scope."""
    return scope(user, "intake.view").units_q("unit__")


def _check(actor, unit: Unit) -> None:
    if not can_handle_letter(actor, unit):
        raise PermissionDenied("该单位不在您的监督范围内")


def _due(value, field: str = "rectification_due") -> date:
    today = timezone.localdate()
    if not isinstance(value, date) or value <= today:
        raise ValidationError({field: "整改期限须晚于今天"})
    if value > today + timedelta(days=MAX_DAYS):
        raise ValidationError({field: "整改期限不能超过一年"})
    return value


def _rectify_item(*, actor, letter: RecommendationLetter, due: date, request=None):
    return workitem_create(
        actor=actor, subject=letter, kind=RECTIFY_KIND,
        title=f"落实纪检监察建议书并报送整改情况（{letter.document.number if letter.document else letter.unit.name}）",
        assignee_unit=letter.unit, due_date=due, remind_days=(10, 5, 1), escalate_to=letter.issuing_unit,
        request=request,
    )  # fmt: skip


@transaction.atomic
def letter_issue(
    *,
    actor,
    unit: Unit | None = None,
    clue: Clue | None = None,
    problems: str,
    recommendations: str,
    rectification_due: date,
    number_prefix: str = "",
    formats=("docx", "pdf"),
    request=None,
) -> RecommendationLetter:
    """Issue a letter to `unit` (or to the clue's unit). The issuing body is the unit's
    supervising body (stationed group, township committee or commission)."""
    from qinglian.documents.services import document_generate

    if unit is None and clue is None:
        raise ValidationError({"unit": "请选择被建议单位"})
    unit = unit or clue.unit
    _check(actor, unit)
    if clue is not None:
        _check(actor, clue.unit)
    problems = _text(problems, "problems", "存在问题", max_len=5000, min_len=10)
    recommendations = _text(recommendations, "recommendations", "监察建议", max_len=5000, min_len=10)
    due = _due(rectification_due)
    issuing = _supervising_body(unit)
    if issuing is None:
        raise ValidationError(
            {"unit": "找不到对该单位负监督责任的纪检监察机构，请先在单位信息中指定监督主体"}
        )
    letter = RecommendationLetter.objects.create(
        clue=clue, unit=unit, issuing_unit=issuing, problems=problems, recommendations=recommendations,
        rectification_due=due, created_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    # A stationed group's officers are scoped to the departments it supervises, not to the group
    # itself: the system then issues the document on the letter's behalf (the letter records who).
    issuer = actor if scope(actor, "documents.create").contains(issuing) else None
    docs = document_generate(
        actor=issuer, template=referral_documents.RECOMMENDATION_LETTER,
        data={"letter": letter, "on_date": timezone.localdate()}, issuing_unit=issuing, subject=letter,
        number_prefix=number_prefix or referral_documents.default_prefix(issuing.name, "建"), formats=formats,
        request=request,
    )  # fmt: skip
    letter.document = docs[0]
    RecommendationLetter.objects.filter(pk=letter.pk).update(document=docs[0])
    _rectify_item(actor=actor, letter=letter, due=due, request=request)
    audit_record(
        actor=actor, action="intake.letter.issue", obj=letter, unit_id=unit.pk, request=request,
        extra={"clue": clue.number if clue else "", "number": letter.document.number,
               "due": f"{due:%Y-%m-%d}"},
    )  # fmt: skip
    return letter


def _locked(letter: RecommendationLetter) -> RecommendationLetter:
    return (
        RecommendationLetter.objects.select_for_update(of=("self",))
        .select_related("unit", "issuing_unit", "document")
        .get(pk=letter.pk)
    )


@transaction.atomic
def letter_report_record(
    *, actor, letter: RecommendationLetter, report: str, request=None
) -> RecommendationLetter:
    """Record the unit's rectification report (整改情况报告); closes the deadline's work item."""
    _check(actor, letter.unit)
    letter = _locked(letter)
    if letter.status not in (LS.ISSUED, LS.RETURNED):
        raise ValidationError({"report": f"本建议书{letter.get_status_display()}，不能再登记整改情况"})
    report = _text(report, "report", "整改情况报告", max_len=10_000, min_len=10)
    now = timezone.now()
    RecommendationLetter.objects.filter(pk=letter.pk).update(
        status=LS.REPORTED, rectification_report=report, reported_at=now
    )
    letter.status, letter.rectification_report, letter.reported_at = LS.REPORTED, report, now
    workitems_complete_for_subject(actor=actor, subject=letter, kind=RECTIFY_KIND, note="已报送整改情况",
                                   request=request)  # fmt: skip
    audit_record(
        actor=actor, action="intake.letter.report", obj=letter, unit_id=letter.unit_id, request=request
    )
    return letter


@transaction.atomic
def letter_review(
    *,
    actor,
    letter: RecommendationLetter,
    accept: bool,
    note: str,
    new_due: date | None = None,
    request=None,
) -> RecommendationLetter:
    """Accept the rectification (a `unit.rectified` entry on the unit's file, sourced from the
    letter) or return it with the reason and a new deadline."""
    _check(actor, letter.unit)
    letter = _locked(letter)
    if letter.status != LS.REPORTED:
        raise ValidationError({"note": "单位尚未报送整改情况，不能验收"})
    now = timezone.now()
    if accept:
        note = _text(note, "note", "验收意见", max_len=255, required=False) or "整改到位，予以验收"
        RecommendationLetter.objects.filter(pk=letter.pk).update(
            status=LS.ACCEPTED, review_note=note, reviewed_by=actor, reviewed_at=now
        )
        letter.status = LS.ACCEPTED
        number = letter.document.number if letter.document else ""
        entry_record(
            actor=actor, kind="unit.rectified", unit=letter.unit, occurred_on=timezone.localdate(),
            summary=f"纪检监察建议书{number}所提问题整改完成，经{letter.issuing_unit.name}验收：{note}"[:500],
            decision_document=number, source_app="intake", source_type="letter", source_id=str(letter.pk),
            check_permission=False, request=request,
        )  # fmt: skip
    else:
        note = _text(note, "note", "退回理由", max_len=255, min_len=4)
        due = _due(new_due, "new_due")
        RecommendationLetter.objects.filter(pk=letter.pk).update(
            status=LS.RETURNED, review_note=note, reviewed_by=actor, reviewed_at=now, rectification_due=due
        )
        letter.status, letter.rectification_due = LS.RETURNED, due
        _rectify_item(actor=actor, letter=letter, due=due, request=request)
    letter.review_note, letter.reviewed_by, letter.reviewed_at = note, actor, now
    audit_record(actor=actor, action="intake.letter.accept" if accept else "intake.letter.return", obj=letter,
                 unit_id=letter.unit_id, request=request, extra={"note": note})  # fmt: skip
    return letter


def access_letter(user, letter_id, request=None, *, audit: bool = True) -> RecommendationLetter:
    """The one checked fetch of a letter: its unit in the user's intake scope, or 404."""
    from qinglian.intake.access import _pk

    letter = (
        RecommendationLetter.objects.select_related("unit", "issuing_unit", "document", "clue", "created_by")
        .filter(pk=_pk(letter_id))
        .first()
    )
    if letter is None or not scope(user, "intake.view").contains(letter.unit):
        raise Http404("建议书不存在")
    if audit:
        audit_record(
            actor=user, action="intake.letter.view", obj=letter, unit_id=letter.unit_id, request=request
        )
    return letter
