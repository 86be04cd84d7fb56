"""Writes of the jointwork app: schedules, meetings and what they record, joint reviews, circulars.

Every service checks the actor's capability over the object's unit, validates everything before
writing (a bad input leaves the data unchanged), runs in one transaction and records an audit event.
Assignments become to-dos through `workitems`; joint reviews ask the archive for integrity opinions
through `archive.opinions` (the verdicts are the archive's; this app records the meeting's decision).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.archive.models import OpinionRequest
from qinglian.archive.opinions import opinion_request_create
from qinglian.audit.services import audit_record
from qinglian.jointwork.models import (
    Assignment,
    Attendee,
    Case,
    Circular,
    Decision,
    FollowUp,
    JointReview,
    Meeting,
    MeetingKind,
    MeetingSchedule,
    Occurrence,
    ReviewCandidate,
)
from qinglian.people.models import Cadre, Unit
from qinglian.workitems.services import workitem_create, workitems_complete_for_subject

MAX_ATTENDEES = 200
MAX_ASSIGNMENTS = 50
OCCURRENCE_WINDOW_DAYS = 45  # a meeting held within 45 days of a due date counts for it
ASSIGNMENT_KIND = "jointwork.assignment"
SCHEDULE_KIND = "jointwork.meeting_due"


def _require(actor, capability: str, unit: Unit, message: str) -> None:
    if not has_capability(actor, capability) or not scope(actor, capability).contains(unit):
        raise PermissionDenied(message)


def _text(value, field: str, label: str, max_len: int, *, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        raise ValidationError({field: f"请填写{label}"})
    if len(value) > max_len:
        raise ValidationError({field: f"{label}不能超过{max_len}个字"})
    return value


# --- schedules ----------------------------------------------------------------------------------


@transaction.atomic
def schedule_save(
    *, actor, kind: str, unit: Unit, months, day: int, lead_days: int, is_active: bool = True, request=None
) -> MeetingSchedule:
    """Create or change the schedule of one kind of meeting for a convening unit (audited with
    the values before and after)."""
    if unit is None:
        raise ValidationError({"unit": "请选择召集单位"})
    _require(actor, "jointwork.manage", unit, "您无权设置该单位的会议计划")
    if kind not in (MeetingKind.QUARTERLY, MeetingKind.HALF_YEARLY):
        raise ValidationError({"kind": "只有季度分析会和半年联席会议可以设置计划"})
    try:
        months = sorted({int(m) for m in months or ()})
    except (TypeError, ValueError):
        raise ValidationError({"months": "召开月份须为1至12的整数"}) from None
    if not months or any(m < 1 or m > 12 for m in months):
        raise ValidationError({"months": "请选择召开月份（1至12月）"})
    if not isinstance(day, int) or not 1 <= day <= 28:
        raise ValidationError({"day": "当月截止日须在1至28日之间"})
    if not isinstance(lead_days, int) or not 1 <= lead_days <= 90:
        raise ValidationError({"lead_days": "提前天数须在1至90天之间"})
    schedule = MeetingSchedule.objects.select_for_update().filter(kind=kind, unit=unit).first()
    before = None
    if schedule is None:
        schedule = MeetingSchedule(kind=kind, unit=unit)
    else:
        before = {"months": schedule.months, "day": schedule.day, "lead_days": schedule.lead_days,
                  "is_active": schedule.is_active}  # fmt: skip
    schedule.months, schedule.day, schedule.lead_days, schedule.is_active = (
        months,
        day,
        lead_days,
        bool(is_active),
    )
    schedule.updated_by, schedule.updated_at = actor, timezone.now()
    schedule.save()
    audit_record(actor=actor, action="jointwork.schedule.save", obj=schedule, unit_id=unit.pk, request=request,
                 extra={"kind": kind, "before": before, "after": {"months": months, "day": day,
                        "lead_days": lead_days, "is_active": bool(is_active)}})  # fmt: skip
    return schedule


def due_dates(schedule: MeetingSchedule, start: date, end: date) -> list[date]:
    """The schedule's due dates between `start` and `end` (both included)."""
    out = []
    for year in range(start.year, end.year + 1):
        for m in schedule.months:
            d = date(year, m, min(schedule.day, calendar.monthrange(year, m)[1]))
            if start <= d <= end:
                out.append(d)
    return sorted(out)


def _occurrence_title(schedule: MeetingSchedule, due: date) -> str:
    if schedule.kind == MeetingKind.QUARTERLY:
        period = f"{due.year}年第{(due.month - 1) // 3 + 1}季度"
    else:
        period = f"{due.year}年{'上' if due.month <= 6 else '下'}半年"
    return f"召开{period}{schedule.get_kind_display()}（{due:%Y年%m月%d日}前）"


def meetings_schedule(today: date | None = None) -> int:
    """Daily job: open the "hold the meeting" to-do of every active schedule whose next due date
    is within its lead days. Idempotent (one occurrence per schedule and due date). Returns how
    many to-dos were opened."""
    today = today or timezone.localdate()
    created = 0
    for schedule in MeetingSchedule.objects.filter(is_active=True).select_related("unit"):
        for due in due_dates(schedule, today, today + timedelta(days=schedule.lead_days)):
            if Occurrence.objects.filter(schedule=schedule, due_date=due).exists():
                continue
            try:
                with transaction.atomic():
                    occ = Occurrence.objects.create(schedule=schedule, due_date=due)
                    occ.workitem = workitem_create(
                        actor=None, subject=occ, kind=SCHEDULE_KIND, title=_occurrence_title(schedule, due),
                        assignee_unit=schedule.unit, start=today, due_date=due, escalate_to=schedule.unit,
                    )  # fmt: skip
                    occ.save(update_fields=["workitem"])
            except IntegrityError:  # another worker made it meanwhile
                continue
            created += 1
    return created


# --- meetings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendeeInput:
    name: str
    post: str = ""
    agency: object = None


def _attendees(items) -> list[AttendeeInput]:
    out = []
    for i, item in enumerate(items or (), 1):
        if isinstance(item, AttendeeInput):
            name, post, agency = item.name, item.post, item.agency
        else:
            item = list(item)
            name, post, agency = item[0], item[1] if len(item) > 1 else "", item[2] if len(item) > 2 else None
        name = (name or "").strip()
        if not name:
            continue
        if len(name) > 64 or len(post or "") > 100:
            raise ValidationError({"attendees": f"第{i}名参会人员：姓名不超过64字，职务不超过100字"})
        out.append(AttendeeInput(name, (post or "").strip(), agency))
    if len(out) > MAX_ATTENDEES:
        raise ValidationError({"attendees": f"参会人员不能超过{MAX_ATTENDEES}人"})
    return out


@transaction.atomic
def meeting_create(
    *,
    actor,
    kind: str,
    title: str,
    unit: Unit,
    held_on: date,
    place: str,
    convener_name: str,
    agencies=(),
    attendees=(),
    request=None,
) -> Meeting:
    """Record a meeting. A scheduled meeting of the same kind and unit due within 45 days of
    `held_on` is marked held, and its "hold the meeting" to-do completed."""
    if unit is None:
        raise ValidationError({"unit": "请选择召集单位"})
    _require(actor, "jointwork.manage", unit, "您无权以该单位名义登记会议")
    errors = {}
    if kind not in MeetingKind.values:
        errors["kind"] = "请选择会议类型"
    if not isinstance(held_on, date):
        errors["held_on"] = "请填写召开日期"
    elif held_on > timezone.localdate() + timedelta(days=366):
        errors["held_on"] = "召开日期不能晚于一年以后"
    for field, label, value, n in (("title", "会议名称", title, 200), ("place", "地点", place, 200),
                                   ("convener_name", "召集人", convener_name, 64)):  # fmt: skip
        try:
            _text(value, field, label, n)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        people = _attendees(attendees)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        people = []
    from qinglian.taskforce.models import Agency

    agencies = list(agencies or ())
    if any(not isinstance(a, Agency) or not a.active for a in agencies):
        errors["agencies"] = "参会成员单位无效"
    if any(p.agency is not None and p.agency not in agencies for p in people):
        errors["attendees"] = "参会人员所在成员单位须在参会成员单位中"
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        kind=kind, title=title.strip(), unit=unit, held_on=held_on, place=place.strip(),
        convener_name=convener_name.strip(), created_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    meeting.agencies.set(agencies)
    Attendee.objects.bulk_create(
        [Attendee(meeting=meeting, name=p.name, post=p.post, agency=p.agency) for p in people]
    )
    occ = (
        Occurrence.objects.select_for_update()
        .filter(schedule__unit=unit, schedule__kind=kind, meeting__isnull=True,
                due_date__gte=held_on - timedelta(days=OCCURRENCE_WINDOW_DAYS),
                due_date__lte=held_on + timedelta(days=OCCURRENCE_WINDOW_DAYS))
        .order_by("due_date")
        .first()
    )  # fmt: skip
    if occ is not None:
        occ.meeting = meeting
        occ.save(update_fields=["meeting"])
        workitems_complete_for_subject(
            actor=actor, subject=occ, note=f"已召开：{meeting.title}", request=request
        )
    audit_record(actor=actor, action="jointwork.meeting.create", obj=meeting, unit_id=unit.pk, request=request,
                 extra={"kind": kind, "held_on": held_on.isoformat(), "agencies": [a.pk for a in agencies],
                        "attendees": len(people), "occurrence": occ.pk if occ else None})  # fmt: skip
    return meeting


def _check_manage(actor, meeting: Meeting) -> None:
    _require(actor, "jointwork.manage", meeting.unit, "您无权修改该会议的记录")


@transaction.atomic
def case_add(
    *,
    actor,
    meeting: Meeting,
    summary: str,
    cadre: Cadre | None = None,
    clue=None,
    subject_unit: Unit | None = None,
    request=None,
) -> Case:
    """A case discussed. Links only to what the recorder may see: the cadre in `people.view`
    scope, the clue through intake's checked access, the unit in the recorder's scope."""
    _check_manage(actor, meeting)
    summary = _text(summary, "summary", "研究事项", 2000)
    if cadre is not None and not scope(actor, "people.view").contains(cadre.unit):
        raise ValidationError({"cadre": "该干部不在您的查阅范围内"})
    if clue is not None:
        from qinglian.intake.access import can_see_clue

        if not can_see_clue(actor, clue):
            raise ValidationError({"clue": "该问题线索不在您的查阅范围内"})
    if subject_unit is not None and not scope(actor, "jointwork.manage").contains(subject_unit):
        raise ValidationError({"subject_unit": "该单位不在您的管理范围内"})
    case = Case.objects.create(
        meeting=meeting, summary=summary, cadre=cadre, clue=clue, subject_unit=subject_unit
    )
    audit_record(actor=actor, action="jointwork.case.add", obj=case, unit_id=meeting.unit_id, request=request,
                 person_id=cadre.pk if cadre else None,
                 extra={"meeting": meeting.pk, "clue": clue.pk if clue else None})  # fmt: skip
    return case


@dataclass(frozen=True)
class AssignmentInput:
    title: str
    due_date: date
    owner_unit: Unit | None = None
    owner_user: object = None


def _owner_allowed(actor, unit: Unit | None) -> bool:
    if unit is None:
        return False
    if scope(actor, "jointwork.manage").contains(unit):
        return True
    from qinglian.taskforce.models import Agency

    return Agency.objects.filter(unit=unit, active=True).exists()


def _check_assignments(actor, meeting: Meeting, items) -> list[AssignmentInput]:
    out, errors = [], []
    for i, a in enumerate(items or (), 1):
        if not isinstance(a, AssignmentInput):
            a = AssignmentInput(**a)
        title = (a.title or "").strip()
        if not title:
            errors.append(f"第{i}项任务：请填写任务内容")
        elif len(title) > 200:
            errors.append(f"第{i}项任务：任务内容不能超过200个字")
        if not isinstance(a.due_date, date):
            errors.append(f"第{i}项任务：请填写完成时限")
        elif a.due_date < meeting.held_on:
            errors.append(f"第{i}项任务：完成时限不能早于会议召开日期")
        if a.owner_unit is None and a.owner_user is None:
            errors.append(f"第{i}项任务：请指定责任单位或责任人")
        if a.owner_unit is not None and not _owner_allowed(actor, a.owner_unit):
            errors.append(f"第{i}项任务：责任单位不在您的管理范围内，也不是专班成员单位")
        if a.owner_user is not None and (
            not a.owner_user.is_active
            or a.owner_user.unit_id is None
            or not _owner_allowed(actor, a.owner_user.unit)
        ):
            errors.append(f"第{i}项任务：责任人无效或不在您的管理范围内")
        out.append(AssignmentInput(title, a.due_date, a.owner_unit, a.owner_user))
    if len(out) > MAX_ASSIGNMENTS:
        errors.append(f"一项议定事项最多交办{MAX_ASSIGNMENTS}项任务")
    if errors:
        raise ValidationError({"assignments": errors})
    return out


@transaction.atomic
def decision_record(*, actor, meeting: Meeting, text: str, assignments=(), request=None) -> Decision:
    """A decision of the meeting, with the tasks it assigns: each becomes a to-do of its owner
    (counted from the meeting's date), escalated to the convening unit when overdue (督办)."""
    _check_manage(actor, meeting)
    errors = {}
    try:
        text = _text(text, "text", "议定事项", 2000)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        items = _check_assignments(actor, meeting, assignments)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    decision = Decision.objects.create(meeting=meeting, text=text, recorded_by=actor, recorded_at=now)
    for a in items:
        assignment = Assignment.objects.create(
            decision=decision, title=a.title, owner_unit=a.owner_unit, owner_user=a.owner_user, due_date=a.due_date,
            created_at=now,
        )  # fmt: skip
        assignment.workitem = workitem_create(
            actor=actor, subject=assignment, kind=ASSIGNMENT_KIND, title=f"{meeting.title}交办：{a.title}"[:200],
            assignee_unit=a.owner_unit, assignee_user=a.owner_user, start=min(meeting.held_on, a.due_date),
            due_date=a.due_date, escalate_to=meeting.unit, request=request,
        )  # fmt: skip
        assignment.save(update_fields=["workitem"])
    audit_record(actor=actor, action="jointwork.decision.record", obj=decision, unit_id=meeting.unit_id,
                 request=request, extra={"meeting": meeting.pk, "assignments": len(items)})  # fmt: skip
    return decision


@transaction.atomic
def follow_up_record(*, actor, assignment: Assignment, note: str, request=None) -> FollowUp:
    meeting = assignment.decision.meeting
    _check_manage(actor, meeting)
    note = _text(note, "note", "跟踪督办情况", 1000)
    row = FollowUp.objects.create(
        assignment=assignment, note=note, recorded_by=actor, recorded_at=timezone.now()
    )
    audit_record(actor=actor, action="jointwork.follow_up", obj=row, unit_id=meeting.unit_id, request=request,
                 extra={"assignment": assignment.pk})  # fmt: skip
    return row


def minutes_generate(*, actor, meeting: Meeting, request=None):
    """The minutes (会议纪要) as .docx and PDF, stored with the documents; returns them."""
    _check_manage(actor, meeting)
    from qinglian.documents.services import document_generate
    from qinglian.jointwork.documents import MINUTES
    from qinglian.jointwork.selectors import meeting_detail

    detail = meeting_detail(meeting, viewer=None)
    docs = document_generate(actor=actor, template=MINUTES, data={"meeting": meeting, "detail": detail},
                             issuing_unit=meeting.unit, subject=meeting, request=request)  # fmt: skip
    Meeting.objects.filter(pk=meeting.pk).update(minutes_batch=docs[0].batch)
    meeting.minutes_batch = docs[0].batch
    return docs


# --- joint review ---------------------------------------------------------------------------------


@transaction.atomic
def review_create(
    *,
    actor,
    title: str,
    purpose: str,
    unit: Unit,
    cadres,
    meeting: Meeting | None = None,
    as_of: date | None = None,
    request=None,
) -> JointReview:
    """Submit a list for joint review: an integrity-opinion request is made for it through the
    archive (its drafting, review and issue are the commission's), and one row per candidate waits
    for the meeting's decision. Every candidate must be on file in the requester's scope."""
    if unit is None:
        raise ValidationError({"unit": "请选择提请单位"})
    _require(actor, "jointwork.review", unit, "您无权提请该单位的联审")
    if purpose not in JointReview.Purpose.values:
        raise ValidationError({"purpose": "请选择联审用途"})
    if (
        meeting is not None
        and meeting.unit_id != unit.pk
        and not scope(actor, "jointwork.view").contains(meeting.unit)
    ):
        raise ValidationError({"meeting": "该会议不在您的查阅范围内"})
    as_of = as_of or timezone.localdate()
    req = opinion_request_create(actor=actor, purpose=purpose, as_of=as_of, title=title, candidates=list(cadres or []),
                                 requesting_unit=unit, request=request)  # fmt: skip
    rows = list(req.candidates.order_by("position"))
    missing = [r.given_as for r in rows if r.cadre_id is None]
    if missing:
        raise ValidationError({"cadres": [f"{m}：不在您的管理范围内或查无此人" for m in missing]})
    review = JointReview.objects.create(title=req.title, purpose=purpose, unit=unit, meeting=meeting,
                                        opinion_request=req, created_by=actor, created_at=timezone.now())  # fmt: skip
    ReviewCandidate.objects.bulk_create(
        [ReviewCandidate(review=review, position=r.position, cadre_id=r.cadre_id, opinion=r) for r in rows]
    )
    audit_record(actor=actor, action="jointwork.review.create", obj=review, unit_id=unit.pk, request=request,
                 extra={"purpose": purpose, "opinion_request": req.pk,
                        "person_ids": [r.cadre_id for r in rows]})  # fmt: skip
    return review


@transaction.atomic
def review_decide(
    *, actor, candidate: ReviewCandidate, decision: str, reason: str, decided_by_name: str, request=None
) -> ReviewCandidate:
    """The meeting's decision on one person, by a named person: 同意, 暂缓 (with reason) or 不同意
    (with reason). Only once the integrity opinion is issued (凡提必核); agreeing against a
    `postpone` or `object` opinion needs a reason too. A postponed person may be decided again
    later; 同意 and 不同意 are final."""
    c = ReviewCandidate.objects.select_for_update().select_related("review__unit", "review__opinion_request",
                                                                    "opinion").get(pk=candidate.pk)  # fmt: skip
    _require(actor, "jointwork.review", c.review.unit, "您无权作出该联审决定")
    if c.review.opinion_request.status != OpinionRequest.Status.ISSUED:
        raise ValidationError({"decision": "纪委廉洁意见尚未签发，不能作出联审决定"})
    if c.decision in (ReviewCandidate.Decision.AGREE, ReviewCandidate.Decision.DISAGREE):
        raise ValidationError({"decision": f"已作出“{c.get_decision_display()}”的决定，不能更改"})
    if decision not in ReviewCandidate.Decision.values:
        raise ValidationError({"decision": "请选择联审决定"})
    reason = (reason or "").strip()
    errors = {}
    if decision != ReviewCandidate.Decision.AGREE and not reason:
        errors["reason"] = f"决定“{ReviewCandidate.Decision(decision).label}”须写明理由"
    elif decision == ReviewCandidate.Decision.AGREE and c.opinion.verdict != "clear" and not reason:
        errors["reason"] = f"廉洁意见为“{c.opinion.get_verdict_display()}”，同意须写明理由"
    elif len(reason) > 1000:
        errors["reason"] = "理由不能超过1000个字"
    name = (decided_by_name or "").strip()
    if not name:
        errors["decided_by_name"] = "请填写决定人姓名"
    elif len(name) > 64:
        errors["decided_by_name"] = "决定人姓名不能超过64个字"
    if errors:
        raise ValidationError(errors)
    before = c.decision
    c.decision, c.reason, c.decided_by_name = decision, reason, name
    c.recorded_by, c.decided_at = actor, timezone.now()
    c.save(update_fields=["decision", "reason", "decided_by_name", "recorded_by", "decided_at"])
    audit_record(actor=actor, action="jointwork.review.decide", obj=c, person_id=c.cadre_id,
                 unit_id=c.review.unit_id, reason=reason[:500], request=request,
                 extra={"review": c.review_id, "decision": decision, "before": before, "decided_by": name,
                        "opinion_verdict": c.opinion.verdict})  # fmt: skip
    return c


# --- circulars ------------------------------------------------------------------------------------


def circular_generate(
    *, actor, audience: str, unit: Unit, period_start: date, period_end: date, request=None
) -> Circular:
    """A circular (通报) to the county committee, or to the people's congress, government and
    CPPCC, from the period's meetings in `unit`'s subtree: decisions, the assigned tasks and their
    completion (done, done late, overdue, open) as of today, and the joint reviews' outcomes in
    numbers (no names: a circular is not the place for personnel decisions)."""
    from qinglian.documents.services import document_generate
    from qinglian.jointwork.documents import CIRCULAR
    from qinglian.jointwork.selectors import circular_figures

    if unit is None:
        raise ValidationError({"unit": "请选择发文单位"})
    _require(actor, "jointwork.manage", unit, "您无权以该单位名义生成通报")
    if audience not in Circular.Audience.values:
        raise ValidationError({"audience": "请选择报送对象"})
    if not isinstance(period_start, date) or not isinstance(period_end, date) or period_start > period_end:
        raise ValidationError({"period_end": "请填写有效的统计期间（起始日期不晚于截止日期）"})
    if (period_end - period_start).days > 366:
        raise ValidationError({"period_end": "统计期间不能超过一年"})
    today = timezone.localdate()
    figures = circular_figures(unit=unit, start=period_start, end=period_end, today=today)
    with transaction.atomic():
        circular = Circular.objects.create(audience=audience, unit=unit, period_start=period_start,
                                           period_end=period_end, figures=figures, created_by=actor,
                                           created_at=timezone.now())  # fmt: skip
        audit_record(actor=actor, action="jointwork.circular.create", obj=circular, unit_id=unit.pk, request=request,
                     extra={"audience": audience, "period": [period_start.isoformat(), period_end.isoformat()]})  # fmt: skip
    docs = document_generate(actor=actor, template=CIRCULAR, data={"circular": circular, "on_date": today},
                             issuing_unit=unit, subject=circular, request=request)  # fmt: skip
    Circular.objects.filter(pk=circular.pk).update(document_batch=docs[0].batch)
    circular.document_batch = docs[0].batch
    return circular
