"""Writes of the appointment record (选拔任用全程纪实). Every write is scoped, validated and audited.

The case moves through its stages in order; a stage is recorded while it is the current one and is
frozen when closed (nothing of it changes afterwards, documents included). 讨论决定 cannot close
unless the appointee passes the four mandatory checks (凡提四必) and carries no Art 24 flag; 任前公示
cannot close before at least five working days have run (the rule's value) or while a complaint
received about the candidate is not disposed of in intake.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import scope
from qinglian.appointments import selectors
from qinglian.appointments.models import (
    STAGE_ORDER,
    AppointmentCase,
    Candidate,
    Complaint,
    Stage,
    StageDocument,
    StageKind,
)
from qinglian.appointments.rules import DECISION_RULE, NOTICE_RULE
from qinglian.audit.services import audit_record
from qinglian.core import workdays
from qinglian.people.models import PostLevel
from qinglian.rules.registry import param

MANAGE = "appointments.manage"
MAX_VOTERS = 100_000


def _text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise ValidationError({field: f"{label}格式不正确"})
    if required and not value:
        raise ValidationError({field: f"请填写{label}"})
    if len(value) > max_length:
        raise ValidationError({field: f"{label}不超过{max_length}个字"})
    return value


def _in_scope(actor, unit) -> None:
    if not scope(actor, MANAGE).contains(unit):
        raise PermissionDenied("该单位不在您的管理范围内")


def _locked_case(case: AppointmentCase) -> AppointmentCase:
    case = AppointmentCase.objects.select_for_update().select_related("unit").get(pk=case.pk)
    if case.status != AppointmentCase.Status.OPEN:
        raise ValidationError({"case": f"该纪实已{case.get_status_display()}，不能再修改"})
    return case


def _stages(case: AppointmentCase) -> list[Stage]:
    return list(Stage.objects.filter(case=case).order_by("position"))


# --- the case ------------------------------------------------------------------------------------


@transaction.atomic
def case_create(
    *, actor, unit, post_title: str, post_level: str, reason: str, request=None
) -> AppointmentCase:
    """Open the record of one post's appointment, with its seven stages (动议 first)."""
    _in_scope(actor, unit)
    post_title = _text(post_title, field="post_title", label="拟任职务", max_length=100)
    if post_level not in PostLevel.values:
        raise ValidationError({"post_level": "请选择职务层级"})
    reason = _text(reason, field="reason", label="动议事由", max_length=2000)
    case = AppointmentCase.objects.create(unit=unit, post_title=post_title, post_level=post_level, reason=reason,
                                          created_by=actor, created_at=timezone.now())  # fmt: skip
    Stage.objects.bulk_create(Stage(case=case, kind=k, position=i) for i, k in enumerate(STAGE_ORDER, 1))
    audit_record(actor=actor, action="appointments.case_create", obj=case, unit_id=unit.pk, request=request,
                 extra={"post_title": post_title})  # fmt: skip
    return case


@transaction.atomic
def case_cancel(*, actor, case: AppointmentCase, reason: str, request=None) -> AppointmentCase:
    case = _locked_case(case)
    _in_scope(actor, case.unit)
    reason = _text(reason, field="reason", label="终止理由", max_length=500)
    case.status = AppointmentCase.Status.CANCELLED
    case.save(update_fields=["status"])
    audit_record(actor=actor, action="appointments.case_cancel", obj=case, unit_id=case.unit_id, reason=reason,
                 request=request)  # fmt: skip
    return case


# --- candidates ----------------------------------------------------------------------------------


def _targeted_check(*, actor, cadre, case: AppointmentCase, request=None):
    """凡提必核: ask spotchecks for a targeted check of the candidate (idempotent there)."""
    try:
        from qinglian.spotchecks.services import targeted_check_request
    except ImportError:
        return None
    return targeted_check_request(
        actor=actor, cadre=cadre, reason=f"拟提拔人选（{case.unit.name}{case.post_title}）", source="appointment",
        request=request,
    )  # fmt: skip


def candidate_flags_refresh(candidate: Candidate, *, as_of: date | None = None) -> Candidate:
    recommendation = Stage.objects.filter(case_id=candidate.case_id, kind=StageKind.RECOMMENDATION).first()
    flags = selectors.art24_flags(candidate.cadre, as_of=as_of or timezone.localdate(), candidate=candidate,
                                  recommendation=recommendation)  # fmt: skip
    candidate.flags = [f.as_dict() for f in flags]
    candidate.flags_checked_at = timezone.now()
    Candidate.objects.filter(pk=candidate.pk).update(
        flags=candidate.flags, flags_checked_at=candidate.flags_checked_at
    )
    return candidate


@transaction.atomic
def candidate_add(*, actor, case: AppointmentCase, cadre, note: str = "", request=None) -> Candidate:
    """A cadre becomes a candidate: Art 24 flags are computed and a targeted personal-matters check
    is requested (凡提必核). Candidates are added up to the decision."""
    case = _locked_case(case)
    _in_scope(actor, case.unit)
    if not scope(actor, MANAGE).contains(cadre.unit):
        raise PermissionDenied("该干部不在您的管理范围内")
    stage = selectors.current_stage(_stages(case))
    if stage is None or STAGE_ORDER.index(stage.kind) > STAGE_ORDER.index(StageKind.APPRAISAL):
        raise ValidationError({"cadre": "讨论决定开始后不能再增加人选"})
    if Candidate.objects.filter(case=case, cadre=cadre).exists():
        raise ValidationError({"cadre": f"{cadre.name}已是本纪实的人选"})
    note = _text(note, field="note", label="说明", max_length=255, required=False)
    candidate = Candidate.objects.create(
        case=case, cadre=cadre, note=note, added_by=actor, added_at=timezone.now()
    )
    check = _targeted_check(actor=actor, cadre=cadre, case=case, request=request)
    if check is not None:
        candidate.spot_check_id = check.pk
        candidate.save(update_fields=["spot_check_id"])
    candidate_flags_refresh(candidate)
    audit_record(actor=actor, action="appointments.candidate_add", obj=candidate, person_id=cadre.pk,
                 unit_id=case.unit_id, request=request,
                 extra={"case": case.pk, "flags": [f["code"] for f in candidate.flags]})  # fmt: skip
    return candidate


@transaction.atomic
def candidate_withdraw(*, actor, candidate: Candidate, reason: str, request=None) -> Candidate:
    case = _locked_case(candidate.case)
    _in_scope(actor, case.unit)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != Candidate.Status.ACTIVE:
        raise ValidationError({"reason": "该人选已不在考虑范围内"})
    candidate.status = Candidate.Status.WITHDRAWN
    candidate.withdrawn_reason = _text(reason, field="reason", label="退出理由", max_length=255)
    candidate.save(update_fields=["status", "withdrawn_reason"])
    audit_record(actor=actor, action="appointments.candidate_withdraw", obj=candidate, person_id=candidate.cadre_id,
                 unit_id=case.unit_id, reason=candidate.withdrawn_reason, request=request)  # fmt: skip
    return candidate


@transaction.atomic
def file_review_record(*, actor, candidate: Candidate, reviewer: str, reviewed_on: date, passed: bool,
                       note: str = "", request=None) -> Candidate:  # fmt: skip
    """档案审核 (凡提必审), recorded by a named person; a finding needs its description."""
    case = _locked_case(candidate.case)
    _in_scope(actor, case.unit)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != Candidate.Status.ACTIVE:
        raise ValidationError({"reviewer": "该人选已不在考虑范围内"})
    reviewer = _text(reviewer, field="reviewer", label="审核人姓名", max_length=64)
    note = _text(note, field="note", label="审核意见", max_length=500, required=not passed)
    if not isinstance(reviewed_on, date):
        raise ValidationError({"reviewed_on": "请填写审核日期"})
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "审核日期不能晚于今天"})
    candidate.file_reviewer, candidate.file_reviewed_on = reviewer, reviewed_on
    candidate.file_review_passed, candidate.file_review_note = bool(passed), note
    candidate.file_reviewed_by = actor
    candidate.save(update_fields=["file_reviewer", "file_reviewed_on", "file_review_passed", "file_review_note",
                                  "file_reviewed_by"])  # fmt: skip
    audit_record(actor=actor, action="appointments.file_review", obj=candidate, person_id=candidate.cadre_id,
                 unit_id=case.unit_id, request=request, extra={"passed": bool(passed), "reviewer": reviewer})  # fmt: skip
    return candidate


def opinion_request(*, actor, case: AppointmentCase, request=None):
    """凡提必听: ask the discipline commission (archive opinions) about every active candidate that has
    no request yet, in one request; returns it (None when every candidate already has one)."""
    from qinglian.archive.opinions import opinion_request_create

    with transaction.atomic():
        case = _locked_case(case)
        _in_scope(actor, case.unit)
        waiting = list(
            Candidate.objects.select_for_update()
            .filter(case=case, status=Candidate.Status.ACTIVE, opinion_request__isnull=True)
            .select_related("cadre")
            .order_by("pk")
        )
        if not waiting:
            raise ValidationError({"case": "所有人选均已征求意见"})
        title = f"{case.unit.name}{case.post_title}拟提拔人选（选拔任用纪实第{case.pk}号）"[:200]
        req = opinion_request_create(actor=actor, purpose="promotion", as_of=timezone.localdate(), title=title,
                                     candidates=[c.cadre_id for c in waiting], requesting_unit=case.unit,
                                     request=request)  # fmt: skip
        Candidate.objects.filter(pk__in=[c.pk for c in waiting]).update(opinion_request=req)
        audit_record(actor=actor, action="appointments.opinion_request", obj=case, unit_id=case.unit_id,
                     request=request, extra={"opinion_request": req.pk, "candidates": [c.pk for c in waiting]})  # fmt: skip
    return req


# --- stages --------------------------------------------------------------------------------------


def _current(case: AppointmentCase, stage: Stage) -> Stage:
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    if stage.is_closed:
        raise ValidationError({"stage": f"“{stage.get_kind_display()}”环节已完结固化，不能修改"})
    current = selectors.current_stage(_stages(case))
    if current is None or current.pk != stage.pk:
        raise ValidationError({"stage": f"请先完成“{current.get_kind_display() if current else ''}”环节"})
    return stage


def _count(value, label: str) -> int:
    if isinstance(value, bool):
        raise ValidationError({"votes": f"{label}须为整数"})
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"votes": f"{label}须为整数"}) from None
    if n < 0:
        raise ValidationError({"votes": f"{label}不能为负数"})
    if n > MAX_VOTERS:
        raise ValidationError({"votes": f"{label}过大"})
    return n


def _clean_recommendation_votes(case: AppointmentCase, votes: dict) -> dict:
    voters = _count(votes.get("voters"), "参加推荐人数")
    if voters == 0:
        raise ValidationError({"votes": "请填写参加推荐人数"})
    active = {
        c.pk: c
        for c in Candidate.objects.filter(case=case, status=Candidate.Status.ACTIVE).select_related("cadre")
    }
    rows, errors = {}, []
    for key, row in (votes.get("candidates") or {}).items():
        try:
            cid = int(key)
        except (TypeError, ValueError):
            errors.append("人选不存在")
            continue
        if cid not in active:
            errors.append("人选不存在或已退出")
            continue
        name = active[cid].cadre.name
        counts = {k: _count((row or {}).get(k, 0), f"{name}的{label}") for k, label in
                  (("for", "赞成票"), ("against", "不赞成票"), ("abstain", "弃权票"))}  # fmt: skip
        if sum(counts.values()) > voters:
            errors.append(f"{name}的票数合计{sum(counts.values())}，超过参加推荐人数{voters}")
        rows[str(cid)] = counts
    if errors:
        raise ValidationError({"votes": errors})
    return {"voters": voters, "candidates": rows}


def _clean_decision_votes(case: AppointmentCase, votes: dict) -> dict:
    total = _count(votes.get("members_total"), "应到会成员数")
    present = _count(votes.get("members_present"), "实到会成员数")
    errors = []
    if total == 0:
        errors.append("请填写应到会成员数")
    if present > total:
        errors.append(f"实到会成员数{present}超过应到会成员数{total}")
    counts = {k: _count(votes.get(k, 0), label) for k, label in
              (("for", "同意票"), ("against", "不同意票"), ("abstain", "弃权票"))}  # fmt: skip
    if sum(counts.values()) > present:
        errors.append(f"表决票数合计{sum(counts.values())}，超过实到会成员数{present}")
    appointee = votes.get("appointee")
    if appointee in (None, ""):
        errors.append("请选择决定任用的人选")
        appointee = None
    else:
        try:
            appointee = int(appointee)
        except (TypeError, ValueError):
            appointee = None
        if appointee is None or not Candidate.objects.filter(pk=appointee, case=case,
                                                            status=Candidate.Status.ACTIVE).exists():  # fmt: skip
            errors.append("决定任用的人选不存在或已退出")
    if errors:
        raise ValidationError({"votes": errors})
    return {"members_total": total, "members_present": present, "appointee": appointee, **counts}


@transaction.atomic
def stage_record(*, actor, stage: Stage, held_on: date | None = None, ends_on: date | None = None,
                 participants: str = "", decided_by: str = "", result: str = "", findings: str = "",
                 votes: dict | None = None, request=None) -> Stage:  # fmt: skip
    """Save what the current stage has so far (it stays open and editable until closed)."""
    case = _locked_case(stage.case)
    _in_scope(actor, case.unit)
    stage = _current(case, stage)
    today = timezone.localdate()
    errors = {}
    for name, value in (("held_on", held_on), ("ends_on", ends_on)):
        if value is not None and not isinstance(value, date):
            errors[name] = "日期格式不正确"
    if (
        isinstance(held_on, date)
        and held_on > today
        and stage.kind not in (StageKind.NOTICE, StageKind.PROBATION)
    ):
        errors["held_on"] = "日期不能晚于今天"
    if isinstance(held_on, date) and isinstance(ends_on, date) and ends_on < held_on:
        errors["ends_on"] = "截止日期不能早于开始日期"
    previous = (
        Stage.objects.filter(case=case, position__lt=stage.position, held_on__isnull=False)
        .order_by("-position")
        .first()
    )
    if isinstance(held_on, date) and previous is not None and held_on < previous.held_on:
        errors["held_on"] = (
            f"日期不能早于上一环节“{previous.get_kind_display()}”的日期（{previous.held_on:%Y-%m-%d}）"
        )
    if errors:
        raise ValidationError(errors)
    stage.held_on, stage.ends_on = held_on, ends_on
    stage.participants = _text(
        participants, field="participants", label="参加人员", max_length=5000, required=False
    )
    stage.decided_by = _text(
        decided_by, field="decided_by", label="决定人/决定机关", max_length=200, required=False
    )
    stage.result = _text(result, field="result", label="结果", max_length=5000, required=False)
    stage.findings = _text(findings, field="findings", label="考察发现", max_length=10000, required=False)
    if stage.kind == StageKind.NOTICE and held_on and ends_on is None:
        stage.ends_on = notice_earliest_end(held_on)
    if votes:
        if stage.kind == StageKind.RECOMMENDATION:
            stage.votes = _clean_recommendation_votes(case, votes)
        elif stage.kind == StageKind.DECISION:
            stage.votes = _clean_decision_votes(case, votes)
        else:
            raise ValidationError({"votes": f"“{stage.get_kind_display()}”环节不记录票数"})
    stage.recorded_by, stage.recorded_at = actor, timezone.now()
    stage.save()
    if stage.kind == StageKind.RECOMMENDATION and stage.votes:
        for c in Candidate.objects.filter(case=case, status=Candidate.Status.ACTIVE).select_related("cadre"):
            candidate_flags_refresh(c)
    audit_record(actor=actor, action="appointments.stage_record", obj=stage, unit_id=case.unit_id, request=request,
                 extra={"case": case.pk, "kind": stage.kind})  # fmt: skip
    return stage


# --- the notice period (任前公示) -------------------------------------------------------------------


def notice_days() -> int:
    return int(param(NOTICE_RULE, "working_days", as_of=timezone.localdate()).value)


def notice_working_days(start: date, end: date) -> int:
    """Working days in the notice period, both ends included."""
    return (1 if workdays.is_working_day(start) else 0) + workdays.working_days_between(start, end)


def notice_earliest_end(start: date, days: int | None = None) -> date:
    """The last day of the shortest notice period that starts on `start` (its own day counted when
    it is a working day): the calendar's holidays and adjusted working weekends apply."""
    days = notice_days() if days is None else days
    first = 1 if workdays.is_working_day(start) else 0
    return workdays.add_working_days(start, days - first).date


# --- closing (freezing) a stage ----------------------------------------------------------------


def _require(stage: Stage, errors: dict, *fields) -> None:
    labels = {"held_on": "日期", "participants": "参加人员", "decided_by": "决定人/决定机关", "result": "结果",
              "findings": "考察发现", "ends_on": "截止日期"}  # fmt: skip
    for f in fields:
        if not getattr(stage, f):
            errors.setdefault(f, f"完结前请填写{labels[f]}")


def _close_checks(case: AppointmentCase, stage: Stage) -> dict:
    errors: dict = {}
    today = timezone.localdate()
    k = stage.kind
    if k == StageKind.MOTION:
        _require(stage, errors, "held_on", "decided_by", "result")
    elif k == StageKind.RECOMMENDATION:
        _require(stage, errors, "held_on", "participants", "decided_by")
        active = Candidate.objects.filter(case=case, status=Candidate.Status.ACTIVE)
        if not active.exists():
            errors["votes"] = "没有人选，不能完结民主推荐"
        elif not stage.votes or any(str(c.pk) not in stage.votes.get("candidates", {}) for c in active):
            errors["votes"] = "请记录每名人选的推荐票数"
    elif k == StageKind.APPRAISAL:
        _require(stage, errors, "held_on", "participants", "decided_by", "findings")
    elif k == StageKind.DECISION:
        _require(stage, errors, "held_on", "participants", "decided_by")
        if not stage.votes:
            errors["votes"] = "请记录到会情况和表决结果"
        else:
            errors.update(_decision_checks(case, stage))
    elif k == StageKind.NOTICE:
        _require(stage, errors, "held_on", "ends_on", "decided_by")
        if stage.held_on and stage.ends_on:
            need = notice_days()
            got = notice_working_days(stage.held_on, stage.ends_on)
            if got < need:
                errors["ends_on"] = (f"公示期{stage.held_on:%Y-%m-%d}至{stage.ends_on:%Y-%m-%d}只有{got}个工作日，"
                                     f"不少于{need}个工作日（最早截止于{notice_earliest_end(stage.held_on):%Y-%m-%d}）")  # fmt: skip
            elif today <= stage.ends_on:
                errors["ends_on"] = f"公示期至{stage.ends_on:%Y-%m-%d}，公示期满后才能完结"
        open_ = [c.report.number for c in Complaint.objects.filter(case=case).select_related("report")
                 if c.report.status not in selectors.DISPOSED_REPORT_STATUSES]  # fmt: skip
        if open_:
            errors["complaints"] = f"公示期间反映的问题尚未办结（{'、'.join(open_)}），不能任职"
    elif k == StageKind.APPOINTMENT:
        _require(stage, errors, "held_on", "decided_by", "result")
    elif k == StageKind.PROBATION:
        _require(stage, errors, "held_on", "ends_on", "decided_by", "result")
        if stage.ends_on and today < stage.ends_on:
            errors["ends_on"] = f"试用期至{stage.ends_on:%Y-%m-%d}，期满考核后才能完结"
    return errors


def _decision_checks(case: AppointmentCase, stage: Stage) -> dict:
    """Quorum and majority, then the appointee's four checks and Art 24 flags."""
    v = stage.votes
    errors: list[str] = []
    as_of = stage.held_on or timezone.localdate()
    quorum = Decimal(str(param(DECISION_RULE, "quorum_percent", as_of=as_of).value))
    majority = Decimal(str(param(DECISION_RULE, "approval_percent", as_of=as_of).value))
    total, present = v["members_total"], v["members_present"]
    if Decimal(present) * 100 < quorum * total:
        errors.append(f"到会成员{present}人，未达到应到会成员{total}人的三分之二，不能讨论决定")
    if Decimal(v["for"]) * 100 <= majority * total:
        errors.append(f"同意{v['for']}票，未超过应到会成员{total}人的半数，不能形成任用决定")
    appointee = Candidate.objects.select_related("cadre", "opinion_request").get(pk=v["appointee"])
    # The gates as they stand now, when the decision is closed (a meeting recorded afterwards still
    # needs the checks done by the time it is entered).
    for gate in selectors.candidate_gates(appointee):
        if not gate.ok:
            errors.append(f"{appointee.cadre.name}：{gate.label}{gate.state_label}——{gate.detail}")
    candidate_flags_refresh(appointee, as_of=as_of)
    for flag in appointee.flags:
        errors.append(f"{appointee.cadre.name}不得列为提拔人选：{flag['text']}")
    return {"votes": errors} if errors else {}


@transaction.atomic
def stage_close(*, actor, stage: Stage, request=None) -> Stage:
    """Close (freeze) the current stage after checking it is complete; 讨论决定 checks the four gates."""
    case = _locked_case(stage.case)
    _in_scope(actor, case.unit)
    stage = _current(case, stage)
    errors = _close_checks(case, stage)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    stage.status, stage.closed_by, stage.closed_at = Stage.Status.CLOSED, actor, now
    stage.save(update_fields=["status", "closed_by", "closed_at"])
    if stage.kind == StageKind.DECISION:
        appointee = stage.votes["appointee"]
        Candidate.objects.filter(pk=appointee).update(status=Candidate.Status.APPOINTED)
        Candidate.objects.filter(case=case, status=Candidate.Status.ACTIVE).update(
            status=Candidate.Status.NOT_SELECTED
        )
    if stage.kind == StageKind.APPOINTMENT:
        _record_post_change(actor, case, stage, request)
    if stage.kind == StageKind.PROBATION:
        case.status = AppointmentCase.Status.DONE
        case.save(update_fields=["status"])
    audit_record(actor=actor, action="appointments.stage_close", obj=stage, unit_id=case.unit_id, request=request,
                 extra={"case": case.pk, "kind": stage.kind})  # fmt: skip
    return stage


def _record_post_change(actor, case: AppointmentCase, stage: Stage, request) -> None:
    """The appointment reaches the cadre's file as blue information (职务变动)."""
    from qinglian.archive.services import entry_record

    appointee = (
        Candidate.objects.filter(case=case, status=Candidate.Status.APPOINTED).select_related("cadre").first()
    )
    if appointee is None:
        return
    entry_record(actor=actor, kind="info.post_change", person=appointee.cadre, occurred_on=stage.held_on,
                 summary=f"任{case.unit.name}{case.post_title}（{stage.decided_by}；选拔任用纪实第{case.pk}号）",
                 source_app="appointments", source_type="case", source_id=str(case.pk), check_permission=False,
                 request=request)  # fmt: skip


# --- documents and complaints --------------------------------------------------------------------


@transaction.atomic
def document_add(*, actor, stage: Stage, name: str, data: bytes, request=None) -> StageDocument:
    """A stage's document, checked by its content (not its name); none once the stage is frozen."""
    from qinglian.front.filecheck import check_file

    case = _locked_case(stage.case)
    _in_scope(actor, case.unit)
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    if stage.is_closed:
        raise ValidationError({"file": f"“{stage.get_kind_display()}”环节已完结固化，不能再上传材料"})
    try:
        checked = check_file(name, data)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    doc = StageDocument(stage=stage, name=checked.name, content_type=checked.content_type, size=len(checked.data),
                        sha256=hashlib.sha256(checked.data).hexdigest(), uploaded_by=actor, uploaded_at=timezone.now())  # fmt: skip
    doc.file.save("stage.bin", ContentFile(checked.data), save=False)
    doc.save()
    audit_record(actor=actor, action="appointments.document_add", obj=doc, unit_id=case.unit_id, request=request,
                 extra={"stage": stage.pk, "sha256": doc.sha256, "name": doc.name})  # fmt: skip
    return doc


@transaction.atomic
def complaint_receive(*, actor, candidate: Candidate, facts: str, channel: str = "letter", received_on: date | None = None,
                      reporter_name: str = "", reporter_phone: str = "", request=None) -> Complaint:  # fmt: skip
    """A complaint about a candidate received while the case runs (mostly during 任前公示): it goes to
    intake as a received report for the supervising discipline body (its content sealed there) and is
    linked to the case; the case cannot pass 讨论决定 or 任前公示 until intake has disposed of it."""
    from qinglian.intake.models import Channel
    from qinglian.intake.services import report_create
    from qinglian.people.selectors import supervising_body

    case = _locked_case(candidate.case)
    _in_scope(actor, case.unit)
    candidate = Candidate.objects.select_related("cadre", "cadre__unit").get(pk=candidate.pk)
    if candidate.status == Candidate.Status.WITHDRAWN:
        raise ValidationError({"facts": "该人选已退出"})
    if channel not in (Channel.LETTER, Channel.VISIT, Channel.PHONE, Channel.SMS):
        raise ValidationError({"channel": "请选择来信、来访、电话或短信"})
    received_on = received_on or timezone.localdate()
    if not isinstance(received_on, date) or received_on > timezone.localdate():
        raise ValidationError({"received_on": "收到日期不能晚于今天"})
    stage = selectors.current_stage(_stages(case))
    if stage is None:
        raise ValidationError({"facts": "纪实已完成"})
    body = supervising_body(candidate.cadre.unit)
    if body is None:
        raise ValidationError({"facts": "未找到该干部单位的监督执纪机关，请联系管理员完善单位设置"})
    received_at = timezone.make_aware(datetime.combine(received_on, time(9)))
    received_at = min(received_at, timezone.now())
    cadre = candidate.cadre
    report = report_create(
        actor=None, channel=channel, receiving_unit=body, received_at=received_at,
        content={"subject_name": cadre.name, "subject_unit": cadre.unit.name[:100],
                 "subject_post": cadre.post_title[:100], "facts": facts},
        identity={"name": reporter_name, "phone": reporter_phone},
        source_agency=case.unit, source_reference=f"选拔任用纪实第{case.pk}号（{stage.get_kind_display()}期间）",
        request=request,
    )  # fmt: skip
    complaint = Complaint.objects.create(case=case, candidate=candidate, stage=stage, report=report,
                                         received_on=received_on, linked_by=actor, linked_at=timezone.now())  # fmt: skip
    audit_record(actor=actor, action="appointments.complaint_receive", obj=complaint, person_id=cadre.pk,
                 unit_id=case.unit_id, request=request, extra={"report": report.number, "stage": stage.kind})  # fmt: skip
    return complaint
