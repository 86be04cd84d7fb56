"""Disposal of problem clues (线索处置): the collective decision and the four methods, their
archive effects, the statutory deadlines, clearing names and false-accusation referrals.

Rules (RULES.md "Clues and reports"; 中国共产党纪律检查机关监督执纪工作规则 2019; 纪检监察机关
处理检举控告工作规则 2020 Art 17):

- A clue is disposed of by one of 谈话函询 / 初步核实 / 暂存待查 / 予以了结, decided collectively
  (meeting, date, members, decision) and approved by a leader other than the proposer who holds
  `intake.approve` over the unit concerned.
- **One level up.** When a person the clue is about heads a lower-level party committee (党组)
  (`ClueSubject.heads_lower_committee`), the approval must come from the level above the body that
  owns the clue: the approver's `intake.approve` scope must contain the territorial unit one level
  above that body's own (`approval_level`): a county commission or a stationed group of county A
  (territory 甲县) → the city (its parent jurisdiction); a township committee (territory 甲镇) → the
  county. The root of the instance has no level above here; such a decision is taken outside.
- 谈话函询: a talk record, or a letter generated from a desensitised summary written by one person
  and reviewed by another; the summary is refused automatically when it contains the real-name
  reporter's name or phone number (the identity is opened inside the check only and never shown).
  Sending opens a sealed `handling.inquiry` entry (opinions answer `postpone`) and a to-do for the
  person's party organisation due in 15 working days (`deadline.inquiry.reply`); the reply, with
  the countersignature of the organisation's head, records `handling.inquiry_answered`, which
  closes it. Outcomes: unfounded → closed with written feedback (clearance optional); minor →
  reminder talk / criticism / ordered self-examination / admonishment, decided by the approver;
  denied against the facts → asked again (next round) or a new decision for 初步核实.
- 初步核实: plan, findings and report sealed; `verification.opened` on each person (postpone)
  until the outcome: case opened (`case.opened`), handling (handling/org entry), closed
  (`verification.closed`), or unfounded (closed, optionally by a `clearance` that ends it).
- 暂存待查 with a review date (a to-do on that date); 予以了结 with a reason.
- When a clue closes, a real-name reporter is told the result within 15 working days
  (`deadline.report.result_notice`, a to-do for the receiving office, done by `report_result_notify`).
- **Unsealing for a false-accusation referral.** The reporter's identity stays sealed even when a
  report proves false. Where the referral finds 诬告陷害 (not an honest mistake, 错告), a handler may
  ask to unseal it with a reason; a *different* user holding `intake.approve` over the clue's unit
  must approve by name; only then may the requester (or the intake office, which reads identities
  anyway) open it, and every opening is audited with the reason. Administrators never can.

Every function is atomic (except the letter's rendering, see `inquiry_letter_generate`) and audited;
sealed values never reach the audit log. A member of staff who recused himself may not act.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.archive.models import ArchiveEntry
from qinglian.archive.services import entry_record
from qinglian.audit.services import audit_record
from qinglian.intake import deadlines, sealing
from qinglian.intake import documents as intake_documents
from qinglian.intake.models import (
    AccusationReferral,
    Clarification,
    Clue,
    ClueSubject,
    Disposal,
    Inquiry,
    Report,
    Verification,
)
from qinglian.intake.services import _clean_text, is_recused
from qinglian.intake.states import CS, RS, clue_move, report_move
from qinglian.people.models import Unit, UnitKind
from qinglian.workitems.selectors import open_items_for
from qinglian.workitems.services import workitem_create, workitems_complete_for_subject

M = Disposal.Method
WORKITEM_INQUIRY_REPLY = "intake.inquiry_reply"
WORKITEM_HOLD_REVIEW = "intake.hold_review"
WORKITEM_RESULT_NOTICE = "intake.result_notice"

# First form of the four forms (纪律处分条例 2023 Art 5): the outcomes of a minor matter.
MINOR_HANDLING = {
    "handling.reminder_talk": "谈话提醒",
    "handling.criticism": "批评教育",
    "handling.self_examination": "责令检查",
    "handling.admonishment": "诫勉",
}
# After a verification: the first form and organisational handling.
VERIFICATION_HANDLING = MINOR_HANDLING | {
    "handling.circular": "通报批评",
    "org.suspension": "停职检查",
    "org.reassignment": "调整职务",
    "org.ordered_resignation": "责令辞职",
    "org.removal": "免职",
    "org.demotion": "降职",
    "accountability": "问责",
}
PENDING_KINDS = ("handling.inquiry", "verification.opened")
CLOSING_OUTCOMES = {
    "closed": "予以了结",
    "inquiry_unfounded": "谈话函询：反映不实，予以了结",
    "inquiry_handled": "谈话函询：问题轻微，予以处理",
    "case_opened": "初步核实：立案审查调查",
    "handling": "初步核实：予以组织处理",
    "verification_closed": "初步核实：予以了结",
    "unfounded": "初步核实：反映不实",
}
UNFOUNDED_OUTCOMES = ("inquiry_unfounded", "unfounded")
TERRITORIAL = (UnitKind.JURISDICTION, UnitKind.TOWNSHIP)
RESULT_NOTICE_WAYS = ("电话告知", "书面告知", "当面告知", "网上留言（查询码）")


# --- checks -------------------------------------------------------------------------------------


def _require(actor, clue: Clue, capability: str, message: str = "该线索不在您的管理范围内") -> None:
    if (
        actor is None
        or not has_capability(actor, capability)
        or not scope(actor, capability).contains(clue.unit)
    ):
        raise PermissionDenied(message)
    if is_recused(actor, clue):
        raise PermissionDenied("您已回避本线索，不能办理")


def _require_any(actor, clue: Clue, capabilities: tuple[str, ...], message: str) -> None:
    for capability in capabilities:
        if (
            actor is not None
            and has_capability(actor, capability)
            and scope(actor, capability).contains(clue.unit)
        ):
            if is_recused(actor, clue):
                raise PermissionDenied("您已回避本线索，不能办理")
            return
    raise PermissionDenied(message)


def _day(value, field: str, label: str, *, required=True, not_future=True) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: f"请填写{label}"})
        return None
    if not isinstance(value, date):
        raise ValidationError({field: f"{label}格式不正确"})
    if not_future and value > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天"})
    return value


def _locked_clue(clue: Clue) -> Clue:
    return (
        Clue.objects.select_for_update(of=("self",))
        .select_related("unit", "owner_unit", "report")
        .get(pk=clue.pk)
    )


def _audit(actor, action: str, clue: Clue, obj=None, *, request=None, reason: str = "", **extra) -> None:
    audit_record(actor=actor, action=f"intake.{action}", obj=obj or clue, unit_id=clue.unit_id, request=request,
                 reason=reason, extra={"clue": clue.number} | extra)  # fmt: skip


# --- approval level -----------------------------------------------------------------------------


def _ancestors(unit: Unit) -> list[Unit]:
    """The unit's ancestors, nearest first (one query)."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p and int(p) != unit.pk]
    by_id = Unit.objects.in_bulk(ids)
    return [by_id[i] for i in reversed(ids) if i in by_id]


def territory_of(body: Unit) -> Unit | None:
    """The territorial unit (市/县 or 乡镇) a supervising body belongs to: its nearest ancestor
    that is a jurisdiction or a township."""
    return next((u for u in _ancestors(body) if u.kind in TERRITORIAL), None)


def approval_level(body: Unit) -> Unit | None:
    """The unit one level above `body` whose scope an approver needs when the clue's person heads a
    lower-level party committee: the territorial unit above the body's own territory."""
    own = territory_of(body)
    if own is None:
        return None
    return next((u for u in _ancestors(own) if u.kind in TERRITORIAL), None)


def may_approve(user, disposal: Disposal) -> bool:
    try:
        _check_approver(user, disposal)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _check_approver(actor, disposal: Disposal) -> None:
    clue = disposal.clue
    _require(actor, clue, "intake.approve", "您无权审批线索处置意见")
    if actor.pk == disposal.proposed_by_id:
        raise PermissionDenied("处置意见须由提出人以外的领导审批")
    if disposal.needs_higher_approval:
        level = approval_level(clue.owner_unit)
        if level is None:
            raise ValidationError(
                "被反映人系下级党委（党组）主要负责人，须报上一级纪委监委审批，本系统内没有更高层级"
            )
        if not scope(actor, "intake.approve").contains(level):
            raise PermissionDenied(f"被反映人系下级党委（党组）主要负责人，处置意见须由{level.name}一级审批")


# --- collective decision ------------------------------------------------------------------------


def proposable_methods(clue: Clue) -> list[str]:
    """Methods a new decision may choose in the clue's state."""
    if clue.status == CS.ASSIGNED:
        return list(M.values)
    if clue.status == CS.HELD:
        return [M.CLOSE]  # or reopen the clue (`hold_reopen`) and decide again
    if clue.status == CS.INQUIRY and _denied_subjects(clue):
        return [M.VERIFICATION]
    return []


def _latest_inquiries(clue: Clue) -> dict[int, Inquiry]:
    latest: dict[int, Inquiry] = {}
    for inquiry in Inquiry.objects.filter(clue=clue).order_by("round", "id"):
        latest[inquiry.subject_id] = inquiry
    return latest


def _denied_subjects(clue: Clue) -> list[int]:
    return [s for s, i in _latest_inquiries(clue).items() if i.outcome == Inquiry.Outcome.DENIED]


@transaction.atomic
def disposal_propose(
    *,
    actor,
    clue: Clue,
    method: str,
    meeting: str,
    meeting_on: date,
    members: str,
    decision: str,
    hold_review_on: date | None = None,
    close_reason: str = "",
    request=None,
) -> Disposal:
    """Record the collective decision (集体研究) proposing how to dispose of the clue."""
    _require(actor, clue, "intake.handle")
    clue = _locked_clue(clue)
    if method not in M.values:
        raise ValidationError({"method": "处置方式无效"})
    if method not in proposable_methods(clue):
        raise ValidationError(
            {"method": f"线索当前状态为“{clue.get_status_display()}”，不能提出“{M(method).label}”的处置意见"}
        )
    if clue.disposals.filter(status=Disposal.Status.PROPOSED).exists():
        raise ValidationError({"method": "本线索已有待审批的处置意见"})
    meeting = _clean_text(meeting, "meeting", "集体研究会议", required=True, max_len=100)
    members = _clean_text(members, "members", "参会人员", required=True, max_len=255)
    decision = _clean_text(decision, "decision", "研究意见", required=True, max_len=2000)
    meeting_on = _day(meeting_on, "meeting_on", "会议日期")
    if method == M.HOLD:
        hold_review_on = _day(hold_review_on, "hold_review_on", "复查日期", not_future=False)
        if hold_review_on <= timezone.localdate():
            raise ValidationError({"hold_review_on": "复查日期须晚于今天"})
    else:
        hold_review_on = None
    close_reason = _clean_text(
        close_reason, "close_reason", "了结理由", required=method == M.CLOSE, max_len=255
    )
    if method != M.CLOSE:
        close_reason = ""
    needs_higher = clue.subjects.filter(heads_lower_committee=True).exists()
    disposal = Disposal.objects.create(
        clue=clue, method=method, meeting=meeting, meeting_on=meeting_on, members=members, decision=decision,
        hold_review_on=hold_review_on, close_reason=close_reason, needs_higher_approval=needs_higher,
        proposed_by=actor, proposed_at=timezone.now(),
    )  # fmt: skip
    _audit(
        actor, "disposal.propose", clue, disposal, request=request, method=method, needs_higher=needs_higher
    )
    return disposal


@transaction.atomic
def disposal_decide(*, actor, disposal: Disposal, approve: bool, note: str = "", request=None) -> Disposal:
    """Approve (the clue moves on) or reject a proposed decision."""
    disposal = (
        Disposal.objects.select_for_update(of=("self",))
        .select_related("clue", "clue__owner_unit")
        .get(pk=disposal.pk)
    )
    _check_approver(actor, disposal)
    if disposal.status != Disposal.Status.PROPOSED:
        raise ValidationError({"approve": f"该处置意见{disposal.get_status_display()}，不能再审批"})
    note = _clean_text(note, "note", "审批意见", required=not approve, max_len=255)
    clue = _locked_clue(disposal.clue)
    if approve and disposal.method not in proposable_methods(clue):
        raise ValidationError({"approve": f"线索当前状态为“{clue.get_status_display()}”，该处置意见已不适用"})
    now = timezone.now()
    disposal.status = Disposal.Status.APPROVED if approve else Disposal.Status.REJECTED
    disposal.approved_by, disposal.approved_at, disposal.approval_note = actor, now, note
    Disposal.objects.filter(pk=disposal.pk).update(
        status=disposal.status, approved_by=actor, approved_at=now, approval_note=note
    )
    _audit(actor, "disposal.approve" if approve else "disposal.reject", clue, disposal, request=request,
           method=disposal.method, higher=disposal.needs_higher_approval)  # fmt: skip
    if approve:
        _apply(actor, disposal, clue, request=request)
    return disposal


def _apply(actor, disposal: Disposal, clue: Clue, *, request=None) -> None:
    note = f"{disposal.meeting}（{disposal.meeting_on:%Y-%m-%d}）"
    if disposal.method == M.INQUIRY:
        clue_move(clue, CS.INQUIRY, actor=actor, action="dispose_inquiry", note=note, request=request)
    elif disposal.method == M.VERIFICATION:
        clue_move(
            clue, CS.VERIFICATION, actor=actor, action="dispose_verification", note=note, request=request
        )
        _verification_open(actor, clue, disposal, request=request)
    elif disposal.method == M.HOLD:
        Clue.objects.filter(pk=clue.pk).update(hold_review_on=disposal.hold_review_on)
        clue.hold_review_on = disposal.hold_review_on
        clue_move(clue, CS.HELD, actor=actor, action="dispose_hold", note=note, request=request)
        workitem_create(
            actor=actor, subject=clue, kind=WORKITEM_HOLD_REVIEW, title=f"暂存待查线索{clue.number}到期复查",
            assignee_user=clue.assignee, assignee_unit=clue.owner_unit, due_date=disposal.hold_review_on,
            escalate_to=_escalation(clue.owner_unit), request=request,
        )  # fmt: skip
    else:
        _clue_close(actor, clue, "closed", note=disposal.close_reason, request=request)


def _escalation(unit: Unit) -> Unit:
    """Where an overdue to-do of `unit` goes (督办): its supervising body, else the commission of
    its territory (a commission's own items go to the commission itself, whose 案管室 supervises)."""
    from qinglian.intake.services import _supervising_body

    return unit.supervisor or _supervising_body(unit) or unit


def _approver_name(clue: Clue) -> str:
    disposal = (
        clue.disposals.filter(status=Disposal.Status.APPROVED)
        .select_related("approved_by")
        .order_by("-approved_at")
        .first()
    )
    return str(disposal.approved_by) if disposal else ""


def _clue_close(
    actor, clue: Clue, outcome: str, *, note: str = "", to: str = CS.CLOSED, request=None
) -> Clue:
    Clue.objects.filter(pk=clue.pk).update(outcome=outcome)
    clue.outcome = outcome
    clue_move(clue, to, actor=actor, action=f"close_{outcome}" if to == CS.CLOSED else "case_opened",
              note=note or CLOSING_OUTCOMES[outcome], request=request, extra={"outcome": outcome})  # fmt: skip
    workitems_complete_for_subject(actor=actor, subject=clue, kind=WORKITEM_HOLD_REVIEW, note="线索已办结")
    if clue.report_id:
        _after_report_clue_closed(actor, clue, request=request)
    return clue


def _after_report_clue_closed(actor, clue: Clue, *, request=None) -> None:
    """When the last clue of a report closes: the report is done, and a real-name reporter is owed
    the result within 15 working days."""
    report = Report.objects.select_for_update().get(pk=clue.report_id)
    if report.clues.exclude(status__in=(CS.CLOSED, CS.CASE_OPENED)).exists():
        return
    if report.status == RS.CLUE:
        report_move(
            report, RS.CLOSED, actor=actor, action="close", request=request, extra={"clue": clue.number}
        )
    if (
        report.real_name
        and report.result_notified_at is None
        and not open_items_for(report, WORKITEM_RESULT_NOTICE).exists()
    ):
        start = timezone.localdate()
        workitem_create(
            actor=actor, subject=report, kind=WORKITEM_RESULT_NOTICE,
            title=f"向实名举报人反馈{report.number}的办理结果", assignee_unit=report.receiving_unit, start=start,
            due_working_days=deadlines.rule_working_days(deadlines.RESULT_NOTICE, start=start),
            escalate_to=_escalation(report.receiving_unit), request=request,
        )  # fmt: skip


@transaction.atomic
def hold_reopen(*, actor, clue: Clue, note: str = "", request=None) -> Clue:
    """The review of a held clue: take it up again for a new collective decision."""
    _require(actor, clue, "intake.handle")
    clue = _locked_clue(clue)
    if clue.status != CS.HELD:
        raise ValidationError("只有暂存待查的线索可以启用")
    note = _clean_text(note, "note", "启用理由", required=True, max_len=255)
    clue_move(clue, CS.ASSIGNED, actor=actor, action="hold_reopen", note=note, request=request)
    workitems_complete_for_subject(actor=actor, subject=clue, kind=WORKITEM_HOLD_REVIEW, note=note)
    return clue


# --- 谈话函询 --------------------------------------------------------------------------------------


def _cadre_subject(clue: Clue, subject: ClueSubject) -> ClueSubject:
    if subject.clue_id != clue.pk or subject.cadre_id is None:
        raise ValidationError({"subject": "请选择本线索的被反映人"})
    return subject


def _locked_inquiry(inquiry: Inquiry) -> Inquiry:
    return (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related(
            "clue", "clue__unit", "clue__owner_unit", "subject", "subject__cadre", "subject__unit"
        )
        .get(pk=inquiry.pk)
    )


@transaction.atomic
def inquiry_start(*, actor, clue: Clue, subject: ClueSubject, form: str, request=None) -> Inquiry:
    """Begin a talk or a written inquiry of one person (a further round after a denial)."""
    _require(actor, clue, "intake.handle")
    clue = _locked_clue(clue)
    if clue.status != CS.INQUIRY:
        raise ValidationError("线索处置方式为谈话函询时才能开始谈话或函询")
    subject = _cadre_subject(clue, subject)
    if form not in Inquiry.Form.values:
        raise ValidationError({"form": "请选择谈话或函询"})
    last = Inquiry.objects.filter(subject=subject).order_by("-round", "-id").first()
    if last is not None and not last.outcome:
        raise ValidationError({"subject": "该人员的谈话函询尚未办结"})
    if last is not None and last.outcome != Inquiry.Outcome.DENIED:
        raise ValidationError({"subject": "该人员的谈话函询已办结"})
    disposal = (
        clue.disposals.filter(status=Disposal.Status.APPROVED, method=M.INQUIRY)
        .order_by("-approved_at")
        .first()
    )
    inquiry = Inquiry.objects.create(
        clue=clue, subject=subject, disposal=disposal, form=form, round=(last.round + 1) if last else 1
    )
    _audit(actor, "inquiry.start", clue, inquiry, request=request, form=form, round=inquiry.round,
           person=subject.cadre_id)  # fmt: skip
    return inquiry


@transaction.atomic
def inquiry_talk_record(*, actor, inquiry: Inquiry, held_on: date, record: str, request=None) -> Inquiry:
    """The record of an inquiry talk (谈话记录), sealed."""
    inquiry = _locked_inquiry(inquiry)
    _require(actor, inquiry.clue, "intake.handle")
    if inquiry.form != Inquiry.Form.TALK:
        raise ValidationError("函询请生成函件并登记回复")
    if inquiry.replied_on or inquiry.outcome:
        raise ValidationError("谈话记录已登记")
    held_on = _day(held_on, "held_on", "谈话日期")
    record = _clean_text(record, "record", "谈话记录", required=True)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        sent_on=held_on, replied_on=held_on, reply=sealing.seal_text(record)
    )
    inquiry.sent_on = inquiry.replied_on = held_on
    _audit(actor, "inquiry.talk", inquiry.clue, inquiry, request=request, held_on=f"{held_on:%Y-%m-%d}")
    return inquiry


def _identifies_reporter(clue: Clue, text: str) -> bool:
    """Whether `text` contains the real-name reporter's name or phone number. The identity is
    opened here only, never returned or logged."""
    report = clue.report
    if report is None or not report.real_name or report.is_destroyed:
        return False
    try:
        identity = sealing.open_json(
            report.identity, wrapped_key=report.identity_key, purpose=sealing.IDENTITY
        )
    except (sealing.Destroyed, ValueError):
        return False
    squeezed = re.sub(r"\s+", "", text)
    name = re.sub(r"\s+", "", identity.get("name") or "")
    if len(name) >= 2 and name in squeezed:
        return True
    phone = re.sub(r"\D", "", identity.get("phone") or "")
    return len(phone) >= 7 and phone in re.sub(r"\D", "", text)


REPORTER_IN_SUMMARY = "摘要中含有可能识别举报人身份的信息（如举报人姓名、联系电话），请删除后再提交"


def inquiry_summary_write(*, actor, inquiry: Inquiry, summary: str, request=None) -> Inquiry:
    """The desensitised summary of the allegations for the letter; a second person must review it.
    A summary naming the reporter is refused, and the refusal is audited (without the text)."""
    summary = _clean_text(summary, "summary", "脱敏问题摘要", required=True, max_len=3000)
    if _identifies_reporter(inquiry.clue, summary):
        _require(actor, inquiry.clue, "intake.handle")
        _audit(actor, "inquiry.summary_refused", inquiry.clue, inquiry, request=request)
        raise ValidationError({"summary": REPORTER_IN_SUMMARY})
    return _summary_store(actor=actor, inquiry=inquiry, summary=summary, request=request)


@transaction.atomic
def _summary_store(*, actor, inquiry: Inquiry, summary: str, request=None) -> Inquiry:
    inquiry = _locked_inquiry(inquiry)
    _require(actor, inquiry.clue, "intake.handle")
    if inquiry.form != Inquiry.Form.LETTER:
        raise ValidationError("谈话不需要函询摘要")
    if inquiry.document_id:
        raise ValidationError("函件已生成，摘要不能再修改")
    Inquiry.objects.filter(pk=inquiry.pk).update(
        summary=sealing.seal_text(summary),
        summary_by=actor,
        summary_reviewed_by=None,
        summary_reviewed_at=None,
    )
    inquiry.summary_by, inquiry.summary_reviewed_by, inquiry.summary_reviewed_at = actor, None, None
    _audit(actor, "inquiry.summary", inquiry.clue, inquiry, request=request)
    return inquiry


@transaction.atomic
def inquiry_summary_review(*, actor, inquiry: Inquiry, request=None) -> Inquiry:
    """A second person confirms that nothing in the summary can identify the reporter."""
    inquiry = _locked_inquiry(inquiry)
    _require_any(actor, inquiry.clue, ("intake.handle", "intake.approve"), "您无权审核函询摘要")
    if not inquiry.summary:
        raise ValidationError("尚未撰写脱敏问题摘要")
    if inquiry.summary_reviewed_by_id:
        raise ValidationError("摘要已审核")
    if actor.pk == inquiry.summary_by_id:
        raise PermissionDenied("脱敏摘要须由撰写人以外的人员审核")
    if _identifies_reporter(inquiry.clue, sealing.open_text(inquiry.summary)):
        raise ValidationError({"summary": REPORTER_IN_SUMMARY})
    now = timezone.now()
    Inquiry.objects.filter(pk=inquiry.pk).update(summary_reviewed_by=actor, summary_reviewed_at=now)
    inquiry.summary_reviewed_by, inquiry.summary_reviewed_at = actor, now
    _audit(actor, "inquiry.summary_review", inquiry.clue, inquiry, request=request)
    return inquiry


def inquiry_letter_generate(*, actor, inquiry: Inquiry, number_prefix: str, on_date: date | None = None,
                            request=None):  # fmt: skip
    """Generate the numbered inquiry letter (docx + pdf) from the reviewed summary. Rendering runs
    outside a transaction (documents.services); the letter is then linked to the inquiry."""
    from qinglian.documents.services import document_generate

    inquiry = Inquiry.objects.select_related(
        "clue", "clue__unit", "clue__owner_unit", "subject__cadre__unit"
    ).get(pk=inquiry.pk)
    clue = inquiry.clue
    _require(actor, clue, "intake.handle")
    if inquiry.form != Inquiry.Form.LETTER:
        raise ValidationError("谈话不需要函件")
    if inquiry.document_id:
        raise ValidationError("函件已生成")
    if not inquiry.summary_reviewed_by_id:
        raise ValidationError("脱敏问题摘要须经第二人审核后才能生成函件")
    on_date = _day(on_date or timezone.localdate(), "on_date", "成文日期")
    prefix = (number_prefix or "").strip() or intake_documents.default_prefix(clue.owner_unit)
    issuing_unit = clue.owner_unit
    # The handler signs for the owning body when his scope covers it; a stationed group's staff
    # reach only the units they supervise, so the system issues it on the workflow's behalf.
    issuer = actor if scope(actor, "documents.create").contains(issuing_unit) else None
    docs = document_generate(
        actor=issuer, template=intake_documents.INQUIRY_LETTER, issuing_unit=issuing_unit, subject=inquiry,
        number_prefix=prefix, request=request,
        data={"inquiry": inquiry, "summary": sealing.open_text(inquiry.summary), "issuing_unit": issuing_unit,
              "on_date": on_date,
              "reply_days": deadlines.rule_working_days(deadlines.INQUIRY_REPLY, start=on_date)},
    )  # fmt: skip
    with transaction.atomic():
        updated = Inquiry.objects.filter(pk=inquiry.pk, document__isnull=True).update(document=docs[0])
        if not updated:
            raise ValidationError("函件已由他人生成")
        inquiry.document = docs[0]
        _audit(actor, "inquiry.letter", clue, inquiry, request=request, number=docs[0].number)
    return docs


@transaction.atomic
def inquiry_send(*, actor, inquiry: Inquiry, sent_on: date, request=None) -> Inquiry:
    """The letter is sent: a sealed `handling.inquiry` entry (postpone) and a to-do for the
    person's party organisation, due in 15 working days."""
    inquiry = _locked_inquiry(inquiry)
    clue = inquiry.clue
    _require(actor, clue, "intake.handle")
    if inquiry.form != Inquiry.Form.LETTER or not inquiry.document_id:
        raise ValidationError("请先生成函件")
    if inquiry.sent_on:
        raise ValidationError("函件已发出")
    sent_on = _day(sent_on, "sent_on", "发函日期")
    cadre = inquiry.subject.cadre
    due = deadlines.inquiry_reply_due(sent_on)
    entry = entry_record(
        actor=actor, kind="handling.inquiry", person=cadre, occurred_on=sent_on,
        summary=f"就问题线索{clue.number}函询（第{inquiry.round}次），限{due.date:%Y年%m月%d日}前书面回复",
        source_app="intake", source_type="inquiry", source_id=str(inquiry.pk), check_permission=False, request=request,
    )  # fmt: skip
    Inquiry.objects.filter(pk=inquiry.pk).update(sent_on=sent_on, reply_due=due.date, pending_entry=entry)
    inquiry.sent_on, inquiry.reply_due, inquiry.pending_entry = sent_on, due.date, entry
    organisation = inquiry.subject.unit
    workitem_create(
        actor=actor, subject=inquiry, kind=WORKITEM_INQUIRY_REPLY,
        title=f"{cadre.name}函询回复（线索{clue.number}，须党组织主要负责人签字）", assignee_unit=organisation,
        start=sent_on, due_working_days=deadlines.rule_working_days(deadlines.INQUIRY_REPLY, start=sent_on),
        escalate_to=organisation.supervisor or clue.owner_unit, request=request,
    )  # fmt: skip
    _audit(actor, "inquiry.send", clue, inquiry, request=request, person=cadre.pk, due=f"{due.date:%Y-%m-%d}")
    return inquiry


@transaction.atomic
def inquiry_reply_record(*, actor, inquiry: Inquiry, replied_on: date, reply: str, countersigned_by: str,
                         request=None) -> Inquiry:  # fmt: skip
    """The written reply, countersigned by the head of the person's party organisation; closes the
    pending entry with `handling.inquiry_answered` and the to-do."""
    inquiry = _locked_inquiry(inquiry)
    clue = inquiry.clue
    _require(actor, clue, "intake.handle")
    if inquiry.form != Inquiry.Form.LETTER or not inquiry.sent_on:
        raise ValidationError("函件发出后才能登记回复")
    if inquiry.replied_on:
        raise ValidationError("回复已登记")
    replied_on = _day(replied_on, "replied_on", "回复日期")
    if replied_on < inquiry.sent_on:
        raise ValidationError({"replied_on": "回复日期不能早于发函日期"})
    reply = _clean_text(reply, "reply", "回复内容", required=True)
    countersigned_by = _clean_text(countersigned_by, "countersigned_by", "党组织主要负责人签字", max_len=64)
    if not countersigned_by:
        raise ValidationError({"countersigned_by": "函询回复须由其所在党组织主要负责人签字，请填写签字人"})
    late = replied_on > inquiry.reply_due if inquiry.reply_due else False
    answered = entry_record(
        actor=actor, kind="handling.inquiry_answered", person=inquiry.subject.cadre, occurred_on=replied_on,
        summary=f"已书面回复线索{clue.number}的函询（第{inquiry.round}次）{'，逾期回复' if late else ''}",
        source_app="intake", source_type="inquiry", source_id=str(inquiry.pk), closes=inquiry.pending_entry,
        check_permission=False, request=request,
    )  # fmt: skip
    Inquiry.objects.filter(pk=inquiry.pk).update(
        replied_on=replied_on, reply=sealing.seal_text(reply), countersigned_by=countersigned_by
    )
    inquiry.replied_on, inquiry.countersigned_by = replied_on, countersigned_by
    workitems_complete_for_subject(actor=actor, subject=inquiry, kind=WORKITEM_INQUIRY_REPLY, note="已回复",
                                   request=request)  # fmt: skip
    _audit(actor, "inquiry.reply", clue, inquiry, request=request, late=late, entry=answered.pk)
    return inquiry


@transaction.atomic
def inquiry_conclude(*, actor, inquiry: Inquiry, outcome: str, feedback: str = "", handling_kind: str = "",
                     clearance: dict | None = None, request=None) -> Inquiry:  # fmt: skip
    """The outcome of a talk or an answered inquiry. The clue closes when every person's latest
    inquiry is concluded as unfounded or minor."""
    inquiry = _locked_inquiry(inquiry)
    clue = inquiry.clue
    _require(actor, clue, "intake.handle")
    if not inquiry.replied_on:
        raise ValidationError("谈话记录或函询回复登记后才能提出办理结果")
    if inquiry.outcome:
        raise ValidationError("该次谈话函询已有结果")
    if outcome not in Inquiry.Outcome.values:
        raise ValidationError({"outcome": "请选择办理结果"})
    cadre = inquiry.subject.cadre
    result_entry = None
    feedback = _clean_text(feedback, "feedback", "书面反馈意见", required=outcome == Inquiry.Outcome.UNFOUNDED,
                           max_len=255)  # fmt: skip
    if outcome == Inquiry.Outcome.MINOR:
        if handling_kind not in MINOR_HANDLING:
            raise ValidationError({"handling_kind": "请选择处理方式（谈话提醒、批评教育、责令检查或诫勉）"})
        result_entry = entry_record(
            actor=actor, kind=handling_kind, person=cadre, occurred_on=timezone.localdate(),
            summary=f"经谈话函询，反映的问题（线索{clue.number}）情节轻微，予以{MINOR_HANDLING[handling_kind]}",
            decided_by=_approver_name(clue), source_app="intake", source_type="clue", source_id=str(clue.pk),
            check_permission=False, request=request,
        )  # fmt: skip
    else:
        handling_kind = ""
    now = timezone.now()
    Inquiry.objects.filter(pk=inquiry.pk).update(outcome=outcome, handling_kind=handling_kind,
                                                 result_entry=result_entry, concluded_by=actor, concluded_at=now)  # fmt: skip
    inquiry.outcome, inquiry.result_entry = outcome, result_entry
    _audit(actor, "inquiry.conclude", clue, inquiry, request=request, outcome=outcome, handling=handling_kind,
           person=cadre.pk, feedback=bool(feedback))  # fmt: skip
    if outcome == Inquiry.Outcome.UNFOUNDED and clearance:
        _clarify(actor, clue, inquiry.subject, **clearance, request=request)
    latest = _latest_inquiries(clue)
    people = list(clue.subjects.filter(cadre__isnull=False).values_list("pk", flat=True))
    done = [latest.get(p) for p in people]
    if all(i is not None and i.outcome in (Inquiry.Outcome.UNFOUNDED, Inquiry.Outcome.MINOR) for i in done):
        closing = (
            "inquiry_handled"
            if any(i.outcome == Inquiry.Outcome.MINOR for i in done)
            else "inquiry_unfounded"
        )
        _clue_close(
            actor, _locked_clue(clue), closing, note=feedback or CLOSING_OUTCOMES[closing], request=request
        )
    return inquiry


# --- 初步核实 --------------------------------------------------------------------------------------


def _verification_open(actor, clue: Clue, disposal: Disposal, *, request=None) -> Verification:
    today = timezone.localdate()
    verification = Verification.objects.create(clue=clue, disposal=disposal, opened_on=today)
    for subject in clue.subjects.filter(cadre__isnull=False).select_related("cadre"):
        entry_record(
            actor=actor, kind="verification.opened", person=subject.cadre, occurred_on=today,
            summary=f"对问题线索{clue.number}开展初步核实", source_app="intake", source_type="verification",
            source_id=str(verification.pk), check_permission=False, request=request,
        )  # fmt: skip
    _audit(actor, "verification.open", clue, verification, request=request)
    return verification


def _open_pending(clue: Clue, person_id: int, kinds=PENDING_KINDS) -> list[ArchiveEntry]:
    """The clue's open pending entries on one person's file (inquiry and verification)."""
    inquiries = [str(i) for i in clue.inquiries.values_list("pk", flat=True)]
    verifications = [str(v) for v in clue.verifications.values_list("pk", flat=True)]
    return list(
        ArchiveEntry.objects.filter(
            Q(source_type="inquiry", source_id__in=inquiries) | Q(source_type="verification", source_id__in=verifications),
            source_app="intake", person_id=person_id, kind__code__in=kinds, ended_at__isnull=True,
            voided_at__isnull=True,
        ).select_related("kind").order_by("id")
    )  # fmt: skip


def _locked_verification(verification: Verification) -> Verification:
    return (
        Verification.objects.select_for_update(of=("self",))
        .select_related("clue", "clue__unit")
        .get(pk=verification.pk)
    )


@transaction.atomic
def verification_update(*, actor, verification: Verification, plan: str | None = None, findings: str | None = None,
                        report: str | None = None, request=None) -> Verification:  # fmt: skip
    """Write the plan, the findings or the report (each sealed)."""
    verification = _locked_verification(verification)
    _require(actor, verification.clue, "intake.handle")
    if verification.outcome:
        raise ValidationError("初步核实已结束")
    fields = {}
    for name, value, label in (
        ("plan", plan, "核实方案"),
        ("findings", findings, "核实情况"),
        ("report", report, "初核报告"),
    ):
        if value is not None:
            text = _clean_text(value, name, label)
            fields[name] = sealing.seal_text(text)
    if not any(sealing.open_text(v) for v in fields.values()):
        raise ValidationError({"plan": "请填写核实方案、核实情况或初核报告"})
    Verification.objects.filter(pk=verification.pk).update(**fields)
    for name, value in fields.items():
        setattr(verification, name, value)
    _audit(
        actor, "verification.update", verification.clue, verification, request=request, fields=sorted(fields)
    )
    return verification


@transaction.atomic
def verification_conclude(*, actor, verification: Verification, outcome: str, handling_kind: str = "",
                          period_months: int | None = None, note: str = "", clearance: dict | None = None,
                          request=None) -> Verification:  # fmt: skip
    """The outcome of a verification, with its archive effects on every person of the clue."""
    verification = _locked_verification(verification)
    clue = _locked_clue(verification.clue)
    _require(actor, clue, "intake.handle")
    if verification.outcome:
        raise ValidationError("初步核实已结束")
    if not sealing.open_text(verification.report):
        raise ValidationError({"outcome": "请先填写初核报告"})
    if outcome not in Verification.Outcome.values:
        raise ValidationError({"outcome": "请选择初步核实结果"})
    if outcome == Verification.Outcome.HANDLING and handling_kind not in VERIFICATION_HANDLING:
        raise ValidationError({"handling_kind": "请选择处理方式"})
    note = _clean_text(note, "note", "说明", max_len=255)
    today = timezone.localdate()
    decided_by = _approver_name(clue)
    subjects = list(clue.subjects.filter(cadre__isnull=False).select_related("cadre", "unit"))
    for subject in subjects:
        cadre = subject.cadre
        pending = _open_pending(clue, cadre.pk, ("verification.opened",))
        if outcome == Verification.Outcome.UNFOUNDED and clearance:
            _clarify(actor, clue, subject, **clearance, request=request)
            continue
        for entry in pending:
            entry_record(
                actor=actor, kind="verification.closed", person=cadre, occurred_on=today, closes=entry,
                summary=f"问题线索{clue.number}初步核实结束：{Verification.Outcome(outcome).label}",
                source_app="intake", source_type="verification", source_id=str(verification.pk),
                check_permission=False, request=request,
            )  # fmt: skip
        if outcome == Verification.Outcome.CASE_OPENED:
            entry_record(
                actor=actor, kind="case.opened", person=cadre, occurred_on=today,
                summary=f"经初步核实（线索{clue.number}），立案审查调查", decided_by=decided_by,
                source_app="intake", source_type="clue", source_id=str(clue.pk), check_permission=False, request=request,
            )  # fmt: skip
        elif outcome == Verification.Outcome.HANDLING:
            entry_record(
                actor=actor, kind=handling_kind, person=cadre, occurred_on=today, decided_by=decided_by,
                summary=f"经初步核实（线索{clue.number}），予以{VERIFICATION_HANDLING[handling_kind]}"
                + (f"：{note}" if note else ""),
                period_months=period_months if handling_kind.startswith("org.") or handling_kind == "accountability" else None,
                source_app="intake", source_type="clue", source_id=str(clue.pk), check_permission=False, request=request,
            )  # fmt: skip
    Verification.objects.filter(pk=verification.pk).update(
        outcome=outcome, closed_on=today, concluded_by=actor
    )
    verification.outcome, verification.closed_on = outcome, today
    _audit(actor, "verification.conclude", clue, verification, request=request, outcome=outcome,
           handling=handling_kind)  # fmt: skip
    if outcome == Verification.Outcome.CASE_OPENED:
        _clue_close(actor, clue, "case_opened", to=CS.CASE_OPENED, note=note, request=request)
    else:
        closing = {"handling": "handling", "closed": "verification_closed", "unfounded": "unfounded"}[outcome]
        _clue_close(actor, clue, closing, note=note, request=request)
    return verification


# --- clearing names ------------------------------------------------------------------------------


def clearable_subjects(clue: Clue) -> list[ClueSubject]:
    """The people whose allegation proved untrue and who have not been cleared yet."""
    cleared = set(Clarification.objects.filter(clue=clue).values_list("subject_id", flat=True))
    if clue.outcome in UNFOUNDED_OUTCOMES:
        candidates = list(clue.subjects.filter(cadre__isnull=False).select_related("cadre"))
    else:
        latest = _latest_inquiries(clue)
        ids = [s for s, i in latest.items() if i.outcome == Inquiry.Outcome.UNFOUNDED]
        candidates = list(clue.subjects.filter(pk__in=ids).select_related("cadre"))
    return [s for s in candidates if s.pk not in cleared]


@transaction.atomic
def clarification_record(*, actor, clue: Clue, subject: ClueSubject, method: str, audience: str, held_on: date,
                         request=None) -> Clarification:  # fmt: skip
    """澄清正名 of a person whose allegation proved untrue: the record and a blue `clearance` entry."""
    _require(actor, clue, "intake.handle")
    subject = _cadre_subject(clue, subject)
    if subject.pk not in {s.pk for s in clearable_subjects(clue)}:
        raise ValidationError({"subject": "只有经核查反映不实的人员才能澄清正名（或已澄清）"})
    return _clarify(actor, clue, subject, method=method, audience=audience, held_on=held_on, request=request)


def _clarify(actor, clue: Clue, subject: ClueSubject, *, method: str, audience: str, held_on: date,
             request=None) -> Clarification:  # fmt: skip
    method = _clean_text(method, "clear_method", "澄清方式", required=True, max_len=100)
    audience = _clean_text(audience, "clear_audience", "澄清范围", required=True, max_len=255)
    held_on = _day(held_on, "clear_held_on", "澄清日期")
    if Clarification.objects.filter(clue=clue, subject=subject).exists():
        raise ValidationError({"subject": "该人员已澄清正名"})
    cadre = subject.cadre
    pending = _open_pending(clue, cadre.pk)
    entry = entry_record(
        actor=actor, kind="clearance", person=cadre, occurred_on=held_on,
        summary=f"经核查，反映的问题（线索{clue.number}）不属实，予以澄清正名：{method}（{audience}）",
        decided_by=_approver_name(clue) or str(actor), closes=pending[0] if pending else None,
        source_app="intake", source_type="clue", source_id=str(clue.pk), check_permission=False, request=request,
    )  # fmt: skip
    for other in pending[1:]:  # both an unanswered inquiry and a verification: end the other too
        closing = (
            "handling.inquiry_answered" if other.kind.code == "handling.inquiry" else "verification.closed"
        )
        entry_record(actor=actor, kind=closing, person=cadre, occurred_on=held_on, closes=other,
                     summary=f"线索{clue.number}已澄清正名", source_app="intake", source_type=other.source_type,
                     source_id=other.source_id, check_permission=False, request=request)  # fmt: skip
    clarification = Clarification.objects.create(
        clue=clue, subject=subject, method=method, audience=audience, held_on=held_on, entry=entry,
        recorded_by=actor, recorded_at=timezone.now(),
    )  # fmt: skip
    _audit(actor, "clearance", clue, clarification, request=request, person=cadre.pk, entry=entry.pk)
    return clarification


# --- false accusation ----------------------------------------------------------------------------


@transaction.atomic
def accusation_refer(*, actor, clue: Clue, reason: str, request=None) -> AccusationReferral:
    """Examine an untrue report for 诬告陷害 (deliberate) as opposed to 错告 (an honest mistake)."""
    _require(actor, clue, "intake.handle")
    if clue.outcome not in UNFOUNDED_OUTCOMES:
        raise ValidationError({"reason": "只有经核查反映不实并已办结的线索才能移送诬告陷害问题"})
    if clue.report_id is None:
        raise ValidationError({"reason": "本线索不是来自信访举报"})
    reason = _clean_text(reason, "reason", "移送理由", required=True, max_len=2000)
    if clue.accusation_referrals.exists():
        raise ValidationError({"reason": "本线索已移送"})
    referral = AccusationReferral.objects.create(
        clue=clue, reason=reason, referred_by=actor, referred_at=timezone.now()
    )
    _audit(actor, "accusation.refer", clue, referral, request=request)
    return referral


@transaction.atomic
def accusation_find(
    *, actor, referral: AccusationReferral, finding: str, note: str, request=None
) -> AccusationReferral:
    """Decide: 诬告陷害 (to be pursued) or 错告 (not pursued)."""
    referral = (
        AccusationReferral.objects.select_for_update(of=("self",))
        .select_related("clue", "clue__unit")
        .get(pk=referral.pk)
    )
    _require(actor, referral.clue, "intake.approve", "认定诬告陷害须由有审批权限的领导作出")
    if actor.pk == referral.referred_by_id:
        raise PermissionDenied("诬告陷害的认定须由移送人以外的领导作出")
    if referral.finding != AccusationReferral.Finding.PENDING:
        raise ValidationError({"finding": "已作出认定"})
    if finding not in (
        AccusationReferral.Finding.FALSE_ACCUSATION,
        AccusationReferral.Finding.HONEST_MISTAKE,
    ):
        raise ValidationError({"finding": "请选择“诬告陷害”或“错告”"})
    note = _clean_text(note, "finding_note", "认定说明", required=True, max_len=255)
    AccusationReferral.objects.filter(pk=referral.pk).update(finding=finding, finding_note=note)
    referral.finding, referral.finding_note = finding, note
    _audit(actor, "accusation.find", referral.clue, referral, request=request, finding=finding)
    return referral


@transaction.atomic
def accusation_unseal_request(
    *, actor, referral: AccusationReferral, reason: str, request=None
) -> AccusationReferral:
    referral = (
        AccusationReferral.objects.select_for_update(of=("self",))
        .select_related("clue", "clue__unit")
        .get(pk=referral.pk)
    )
    _require_any(
        actor, referral.clue, ("intake.handle", "sealed.reporter_identity"), "您无权申请查看举报人身份"
    )
    if referral.finding != AccusationReferral.Finding.FALSE_ACCUSATION:
        raise ValidationError({"reason": "只有认定为诬告陷害的，才能申请查看举报人身份；错告不予追究"})
    if referral.unseal_requested_by_id:
        raise ValidationError({"reason": "已申请"})
    reason = _clean_text(reason, "reason", "申请理由", required=True, max_len=500)
    if len(reason) < 4:
        raise ValidationError({"reason": "请写明申请理由（不少于4个字）"})
    AccusationReferral.objects.filter(pk=referral.pk).update(unseal_requested_by=actor)
    referral.unseal_requested_by = actor
    _audit(actor, "accusation.unseal_request", referral.clue, referral, request=request, reason=reason)
    return referral


@transaction.atomic
def accusation_unseal_approve(*, actor, referral: AccusationReferral, request=None) -> AccusationReferral:
    """A named approver — a different user holding `intake.approve` over the clue — allows the
    requester to open the reporter's identity."""
    referral = (
        AccusationReferral.objects.select_for_update(of=("self",))
        .select_related("clue", "clue__unit")
        .get(pk=referral.pk)
    )
    _require(actor, referral.clue, "intake.approve", "批准查看举报人身份须由有审批权限的领导作出")
    if not referral.unseal_requested_by_id:
        raise ValidationError("尚无查看申请")
    if referral.unseal_approved_by_id:
        raise ValidationError("已批准")
    if actor.pk == referral.unseal_requested_by_id:
        raise PermissionDenied("查看举报人身份的申请须由申请人以外的领导批准")
    now = timezone.now()
    AccusationReferral.objects.filter(pk=referral.pk).update(unseal_approved_by=actor, unseal_approved_at=now)
    referral.unseal_approved_by, referral.unseal_approved_at = actor, now
    _audit(actor, "accusation.unseal_approve", referral.clue, referral, request=request,
           requester=referral.unseal_requested_by_id)  # fmt: skip
    return referral


def accusation_identity(*, actor, referral: AccusationReferral, reason: str, request=None) -> dict:
    """The reporter's identity for an approved false-accusation referral: the requester (or the
    intake office) only, with a reason, audited (the reason is kept, the identity is not)."""
    clue = referral.clue
    if not referral.unseal_approved_by_id:
        raise PermissionDenied("查看举报人身份须经批准")
    if actor is None or actor.pk != referral.unseal_requested_by_id:
        _require(actor, clue, "sealed.reporter_identity", "只有申请人可以查看举报人身份")
    elif is_recused(actor, clue):
        raise PermissionDenied("您已回避本线索，不能办理")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": "请写明查看举报人身份的理由（不少于4个字）"})
    report = clue.report
    if report is None or not report.real_name:
        raise ValidationError({"reason": "本件为匿名举报，没有举报人身份信息"})
    if report.is_destroyed:
        raise ValidationError({"reason": "本件内容已按规定销毁"})
    identity = sealing.open_json(report.identity, wrapped_key=report.identity_key, purpose=sealing.IDENTITY)
    audit_record(actor=actor, action="intake.report.reveal_identity_for_referral", obj=report,
                 unit_id=report.receiving_unit_id, reason=reason[:500], request=request,
                 extra={"referral": referral.pk, "approved_by": referral.unseal_approved_by_id})  # fmt: skip
    return identity


# --- the reporter is told the result --------------------------------------------------------------


@transaction.atomic
def report_result_notify(*, actor, report: Report, how: str, note: str = "", request=None) -> Report:
    """Record that the real-name reporter was told the result (completes the to-do)."""
    if actor is None or not any(
        has_capability(actor, c) and scope(actor, c).contains(report.receiving_unit)
        for c in ("intake.register", "intake.handle")
    ):
        raise PermissionDenied("您无权反馈本件办理结果")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not report.real_name:
        raise ValidationError({"how": "匿名举报无需反馈办理结果"})
    if report.result_notified_at:
        raise ValidationError({"how": "已反馈办理结果"})
    if not report.clues.exists() or report.clues.exclude(status__in=(CS.CLOSED, CS.CASE_OPENED)).exists():
        raise ValidationError({"how": "线索办结后才能反馈办理结果"})
    if how not in RESULT_NOTICE_WAYS:
        raise ValidationError({"how": "请选择反馈方式"})
    note = _clean_text(note, "note", "反馈内容摘要", max_len=255)
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(result_notified_at=now)
    report.result_notified_at = now
    workitems_complete_for_subject(actor=actor, subject=report, kind=WORKITEM_RESULT_NOTICE, note=how,
                                   request=request)  # fmt: skip
    audit_record(actor=actor, action="intake.report.result_notice", obj=report, unit_id=report.receiving_unit_id,
                 request=request, extra={"how": how, "note": bool(note)})  # fmt: skip
    return report


# --- what the panel shows -----------------------------------------------------------------------


def panel_state(clue: Clue, viewer) -> dict:
    """Everything the disposal panel of a clue shows, and what `viewer` may do now (a fixed number
    of queries whatever the history's length)."""
    from qinglian.intake.access import reads_content

    def allowed(capability: str) -> bool:
        return has_capability(viewer, capability) and scope(viewer, capability).contains(clue.unit)

    recused = is_recused(viewer, clue)
    can_handle = allowed("intake.handle") and not recused
    disposals = list(
        clue.disposals.select_related("proposed_by", "approved_by").order_by("proposed_at", "id")
    )
    inquiries = list(
        clue.inquiries.select_related(
            "subject__cadre", "document", "summary_by", "summary_reviewed_by"
        ).order_by("id")
    )
    verifications = list(clue.verifications.order_by("id"))
    clarifications = list(clue.clarifications.select_related("subject__cadre", "entry").order_by("id"))
    referral = clue.accusation_referrals.select_related(
        "referred_by", "unseal_requested_by", "unseal_approved_by"
    ).first()
    subjects = [s for s in clue.subjects.select_related("cadre") if s.cadre_id]
    pending = next((p for p in disposals if p.status == Disposal.Status.PROPOSED), None)
    content = reads_content(viewer, clue.unit)
    latest = {}
    for i in inquiries:
        latest[i.subject_id] = i
        i.summary_text = sealing.open_text(i.summary) if content else ""
        i.reply_text = sealing.open_text(i.reply) if content else ""
        i.can_review = bool(
            i.summary and not i.summary_reviewed_by_id and viewer.pk != i.summary_by_id
            and (can_handle or (allowed("intake.approve") and not recused))
        )  # fmt: skip
    for v in verifications:
        v.plan_text, v.findings_text, v.report_text = (
            (sealing.open_text(v.plan), sealing.open_text(v.findings), sealing.open_text(v.report))
            if content
            else ("", "", "")
        )
    startable = [
        s for s in subjects if s.pk not in latest or latest[s.pk].outcome == Inquiry.Outcome.DENIED
    ]  # fmt: skip
    cleared = {c.subject_id for c in clarifications}
    if clue.outcome in UNFOUNDED_OUTCOMES:
        clearable = [s for s in subjects if s.pk not in cleared]
    else:
        clearable = [
            s for s in subjects
            if s.pk in latest and latest[s.pk].outcome == Inquiry.Outcome.UNFOUNDED and s.pk not in cleared
        ]  # fmt: skip
    report = clue.report
    items = list(open_items_for(clue).select_related("assignee_unit").order_by("due_date"))  # the hold review
    result_item = None
    if report is not None and report.real_name:
        result_item = open_items_for(report, WORKITEM_RESULT_NOTICE).first()
    can_approve = allowed("intake.approve") and not recused
    return {
        "clue": clue,
        "disposals": disposals,
        "pending": pending,
        "may_approve_pending": pending is not None and may_approve(viewer, pending),
        "inquiries": inquiries,
        "verifications": verifications,
        "open_verification": next((v for v in verifications if not v.outcome), None),
        "clarifications": clarifications,
        "referral": referral,
        "subjects": subjects,
        "startable": startable if clue.status == CS.INQUIRY else [],
        "clearable": clearable,
        "methods": proposable_methods(clue) if pending is None else [],
        "items": items,
        "result_item": result_item,
        "reads_content": content,
        "recused": recused,
        "can_handle": can_handle,
        "can_approve": can_approve,
        "can_notify": report is not None
        and report.real_name
        and report.result_notified_at is None
        and clue.status in (CS.CLOSED, CS.CASE_OPENED)
        and (allowed("intake.register") or can_handle),
        "can_refer": can_handle
        and referral is None
        and clue.outcome in UNFOUNDED_OUTCOMES
        and report is not None,
        "is_requester": referral is not None and referral.unseal_requested_by_id == viewer.pk,
        "outcome_label": CLOSING_OUTCOMES.get(clue.outcome, ""),
    }
