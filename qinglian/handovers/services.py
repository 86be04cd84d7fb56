"""Writes of the departure handover (离任交接). Every write is scoped, validated, atomic and audited.

The case is a small state machine: open → signed (the successor signs the handover list once no
item is open) → closed (every body's part done, the departure audit reported, every finding
decided). Audit findings count for nothing until the audited side was heard and a named person
decided: a confirmed finding about the unit becomes a unit entry (`unit.audit_finding`, yellow) on
the unit's file; one about the departing cadre goes to his file only as a colourless outside fact
(`external.audit_finding`) that the discipline commission reviews — the handover app never
decides a handling or a sanction.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.archive.services import entry_record
from qinglian.audit.services import audit_record
from qinglian.handovers.defaults import DEFAULT_DUTIES, DEFAULT_ITEMS
from qinglian.handovers.models import (
    AuditFinding,
    Body,
    ChecklistVersion,
    DepartureAudit,
    DepartureReason,
    HandoverCase,
    HandoverItem,
    HandoverPart,
)
from qinglian.rules.registry import params as rule_params
from qinglian.rules.registry import spec_for

RULE = "handovers.departure_handover"
MAX_ITEMS = 30


def _text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"请填写{label}"})
    if len(value) > max_length:
        raise ValidationError({field: f"{label}不超过{max_length}个字"})
    return value


def _not_future(value: date | None, *, field: str, label: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天"})


def _in_scope(actor, unit, capability: str = "handovers.manage") -> None:
    if actor is None:
        return
    if not scope(actor, capability).contains(unit):
        raise PermissionDenied("该单位不在您的管理范围内")


def agency_may_audit(user, case: HandoverCase) -> bool:
    """The audit agency's explicit access: a task-force agency account (scope kind SHARING gives
    it no unit subtree) reaches a case only when its own unit is the audit body named on the case
    (its part in the case, or the departure audit's auditing unit)."""
    if user is None or not getattr(user, "unit_id", None) or not has_capability(user, "handovers.record"):
        return False
    units = {p.unit_id for p in case.parts.all() if p.body == Body.AUDIT}
    audit = getattr(case, "audit", None) if _has_audit(case) else None
    if audit is not None:
        units.add(audit.auditor_unit_id)
    return user.unit_id in units


def _has_audit(case) -> bool:
    try:
        case.audit  # noqa: B018
    except DepartureAudit.DoesNotExist:
        return False
    return True


def _may_record(actor, case: HandoverCase) -> None:
    if actor is None:
        return
    if scope(actor, "handovers.record").contains(case.unit) or agency_may_audit(actor, case):
        return
    raise PermissionDenied("您无权登记该案件的审计情况")


def _locked(case: HandoverCase) -> HandoverCase:
    return HandoverCase.objects.select_for_update().get(pk=case.pk)


def _require_status(case: HandoverCase, *allowed: str, field: str = "status") -> None:
    if case.status not in allowed:
        raise ValidationError({field: f"案件当前状态为“{case.get_status_display()}”，不能进行此操作"})


# --- the checklist --------------------------------------------------------------------------------


def checklist_sync_defaults() -> int:
    if ChecklistVersion.objects.exists():
        return 0
    ChecklistVersion.objects.create(number=1, items=list(DEFAULT_ITEMS), reason="系统默认清单（六大交接事项）",
                                    changed_at=timezone.now())  # fmt: skip
    return 1


def checklist_current() -> ChecklistVersion:
    version = ChecklistVersion.objects.order_by("-number").first()
    if version is None:
        checklist_sync_defaults()
        version = ChecklistVersion.objects.order_by("-number").first()
    return version


@transaction.atomic
def checklist_save(*, actor, items: list[dict], reason: str, request=None) -> ChecklistVersion:
    """A new version of the checklist. Earlier versions stay: cases keep the one they used."""
    if actor is not None and scope(actor, "handovers.manage").is_empty:
        raise PermissionDenied("您无权修改交接事项清单")
    cleaned = []
    for n, item in enumerate(items, 1):
        title = " ".join(str(item.get("title", "")).split())
        guidance = " ".join(str(item.get("guidance", "")).split())
        if not title and not guidance:
            continue
        if not title:
            raise ValidationError({"items": f"第{n}项缺少事项名称"})
        if len(title) > 255 or len(guidance) > 500:
            raise ValidationError({"items": f"第{n}项过长（名称不超过255字，要求不超过500字）"})
        cleaned.append({"title": title, "guidance": guidance})
    if not cleaned:
        raise ValidationError({"items": "清单至少要有一项"})
    if len(cleaned) > MAX_ITEMS:
        raise ValidationError({"items": f"清单不超过{MAX_ITEMS}项"})
    titles = [i["title"] for i in cleaned]
    if len(set(titles)) != len(titles):
        raise ValidationError({"items": "清单中有重复的事项"})
    reason = _text(reason, field="reason", label="修改理由", max_length=255)
    if checklist_current().items == cleaned:
        raise ValidationError({"items": "清单没有变化"})
    number = (ChecklistVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            version = ChecklistVersion.objects.create(number=number, items=cleaned, reason=reason,
                                                      changed_by=actor, changed_at=timezone.now())  # fmt: skip
    except IntegrityError:
        raise ValidationError({"items": "清单刚被他人修改，请刷新后重试"}) from None
    audit_record(actor=actor, action="handovers.checklist_save", obj=version, reason=reason, request=request,
                 extra={"number": number, "items": len(cleaned)})  # fmt: skip
    return version


# --- opening a case -------------------------------------------------------------------------------


def _next_number(year: int) -> str:
    prefix = f"LR{year}-"
    last = (
        HandoverCase.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
        .first()
    )  # fmt: skip
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:04d}"


def _search_text(case: HandoverCase) -> str:
    parts = [case.number, case.departing_name, case.departing_post, case.successor_name, case.unit.name]
    return " ".join(p for p in parts if p).lower()[:500]


@transaction.atomic
def case_open(
    *,
    actor,
    departing,
    successor_name: str,
    departed_on: date,
    reason: str,
    parts: dict[str, dict],
    successor=None,
    audit_required: bool = True,
    request=None,
) -> HandoverCase:
    """Open the handover of a departing top leader with the checklist in force.

    `parts` maps each body (discipline, organisation, audit) to {"unit", "person", "duty"?}: all
    three must be named. Deadlines come from the rule registry (handover_days, part_days)."""
    unit = departing.unit
    _in_scope(actor, unit)
    if not departing.is_top_leader:
        raise ValidationError(
            {"departing": f"{departing.name}不是单位主要领导（一把手），离任交接适用于主要领导干部"}
        )
    if reason not in DepartureReason.values:
        raise ValidationError({"reason": "请选择离任原因"})
    _not_future(departed_on, field="departed_on", label="离任日期")
    if successor is not None:
        if successor.pk == departing.pk:
            raise ValidationError({"successor": "接任人不能是离任干部本人"})
        successor_name = successor.name  # the registered cadre's name, whatever was typed
    successor_name = _text(successor_name, field="successor_name", label="接任人姓名", max_length=32)
    if HandoverCase.objects.filter(departing=departing, departed_on=departed_on).exists():
        raise ValidationError({"departing": "该干部在该日期的离任交接已登记"})
    missing = [Body(b).label for b in Body.values if b not in parts or not parts[b].get("unit")]
    if missing:
        raise ValidationError({"parts": "请指定各监督主体的责任单位：" + "、".join(missing)})
    p = rule_params(RULE, as_of=departed_on)
    now = timezone.now()
    checklist = checklist_current()
    case = HandoverCase(
        number=_next_number(departed_on.year), departing=departing, departing_name=departing.name,
        departing_post=(departing.post_title or "主要负责人")[:100], unit=unit, successor=successor,
        successor_name=successor_name, reason=reason, departed_on=departed_on,
        due_on=departed_on + timedelta(days=int(p["handover_days"].value)), checklist=checklist,
        audit_required=audit_required, status=HandoverCase.Status.OPEN, status_changed_at=now,
        created_by=actor, created_at=now,
    )  # fmt: skip
    case.search_text = _search_text(case)
    case.save()
    HandoverItem.objects.bulk_create(
        [HandoverItem(case=case, position=n, title=i["title"], guidance=i.get("guidance", ""))
         for n, i in enumerate(checklist.items, 1)]
    )  # fmt: skip
    part_due = departed_on + timedelta(days=int(p["part_days"].value))
    for body in Body.values:
        given = parts[body]
        HandoverPart.objects.create(
            case=case, body=body, unit=given["unit"],
            person=_text(given.get("person"), field="parts", label=f"{Body(body).label}责任人", max_length=32),
            duty=_text(given.get("duty") or DEFAULT_DUTIES[body], field="parts", label="职责", max_length=500),
            due_on=given.get("due_on") or part_due,
        )  # fmt: skip
    audit_record(actor=actor, action="handovers.case_open", obj=case, person_id=departing.pk, unit_id=unit.pk,
                 request=request, extra={"number": case.number, "checklist": checklist.number})  # fmt: skip
    if actor is not None:
        from qinglian.workitems.services import workitem_create

        workitem_create(actor=actor, subject=case, kind="handovers.handover", assignee_user=actor,
                        title=f"离任交接：{case.departing_name}（{unit.name}）", due_date=max(case.due_on, timezone.localdate()),
                        request=request)  # fmt: skip
    return case


# --- items and parts ------------------------------------------------------------------------------


@transaction.atomic
def item_update(*, actor, item: HandoverItem, status: str, handed_over: str = "", remark: str = "",
                request=None) -> HandoverItem:  # fmt: skip
    """Record what was handed over for one item (or that it does not apply, with the reason)."""
    case = _locked(item.case)
    _in_scope(actor, case.unit)
    _require_status(case, HandoverCase.Status.OPEN, field="status")
    if status not in HandoverItem.Status.values:
        raise ValidationError({"status": "请选择交接状态"})
    handed_over = _text(handed_over, field="handed_over", label="交接内容", max_length=5000,
                        required=status == HandoverItem.Status.DONE)  # fmt: skip
    remark = _text(remark, field="remark", label="备注（不涉及的，写明理由）", max_length=500,
                   required=status == HandoverItem.Status.NOT_APPLICABLE)  # fmt: skip
    closed = status != HandoverItem.Status.OPEN
    HandoverItem.objects.filter(pk=item.pk).update(
        status=status, handed_over=handed_over, remark=remark, done_by=actor if closed else None,
        done_at=timezone.now() if closed else None,
    )  # fmt: skip
    item.refresh_from_db()
    audit_record(actor=actor, action="handovers.item_update", obj=case, unit_id=case.unit_id, request=request,
                 extra={"item": item.position, "status": status})  # fmt: skip
    return item


@transaction.atomic
def part_update(*, actor, part: HandoverPart, person: str, duty: str, due_on: date, done_on: date | None = None,
                result: str = "", request=None) -> HandoverPart:  # fmt: skip
    """A body's part: who is responsible, what they do, by when, and (once done) when and how."""
    case = _locked(part.case)
    if part.body == Body.AUDIT:
        _may_record(actor, case)
    else:
        _in_scope(actor, case.unit, "handovers.record")
        # The organisation department runs the handover and may update any part; the commission
        # (record without manage) only its own.
        if (
            part.body != Body.DISCIPLINE
            and actor is not None
            and not scope(actor, "handovers.manage").contains(case.unit)
        ):
            raise PermissionDenied(f"您只能登记本机关的职责，不能修改{part.get_body_display()}的职责")
    _require_status(case, HandoverCase.Status.OPEN, HandoverCase.Status.SIGNED)
    person = _text(person, field="person", label="责任人", max_length=32)
    duty = _text(duty, field="duty", label="职责", max_length=500)
    if due_on is None:
        raise ValidationError({"due_on": "请填写完成期限"})
    _not_future(done_on, field="done_on", label="完成日期")
    result = _text(result, field="result", label="履职情况", max_length=1000, required=done_on is not None)
    if done_on is not None and done_on < case.departed_on - timedelta(days=365):
        raise ValidationError({"done_on": "完成日期不合理（早于离任日期一年以上）"})
    HandoverPart.objects.filter(pk=part.pk).update(person=person, duty=duty, due_on=due_on, done_on=done_on,
                                                   result=result, recorded_by=actor, recorded_at=timezone.now())  # fmt: skip
    part.refresh_from_db()
    audit_record(actor=actor, action="handovers.part_update", obj=case, unit_id=case.unit_id, request=request,
                 extra={"body": part.body, "done": done_on is not None})  # fmt: skip
    return part


# --- the departure audit and its findings ---------------------------------------------------------


@transaction.atomic
def departure_audit_save(*, actor, case: HandoverCase, auditor_unit, started_on: date,
                         reported_on: date | None = None, report_number: str = "", conclusion: str = "",
                         request=None) -> DepartureAudit:  # fmt: skip
    """Start or update the departure audit; with a report date it is reported (报告 with 文号 and
    conclusion required)."""
    case = _locked(case)
    _may_record(actor, case)
    _require_status(case, HandoverCase.Status.OPEN, HandoverCase.Status.SIGNED)
    if not case.audit_required:
        raise ValidationError({"started_on": "该案件不需要离任审计"})
    if started_on is None:
        raise ValidationError({"started_on": "请填写进点日期"})
    _not_future(started_on, field="started_on", label="进点日期")
    _not_future(reported_on, field="reported_on", label="报告日期")
    if reported_on is not None and reported_on < started_on:
        raise ValidationError({"reported_on": "报告日期不能早于进点日期"})
    report_number = _text(report_number, field="report_number", label="审计报告文号", max_length=64,
                          required=reported_on is not None)  # fmt: skip
    conclusion = _text(conclusion, field="conclusion", label="审计结论", max_length=10000,
                       required=reported_on is not None)  # fmt: skip
    status = DepartureAudit.Status.REPORTED if reported_on else DepartureAudit.Status.IN_PROGRESS
    audit, created = DepartureAudit.objects.update_or_create(
        case=case,
        defaults={"auditor_unit": auditor_unit, "started_on": started_on, "reported_on": reported_on,
                  "report_number": report_number, "conclusion": conclusion, "status": status,
                  "recorded_by": actor, "recorded_at": timezone.now()},
    )  # fmt: skip
    audit_record(actor=actor, action="handovers.audit_save", obj=case, unit_id=case.unit_id, request=request,
                 extra={"status": status, "created": created})  # fmt: skip
    return audit


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": "涉及金额须为数字"}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e14"):
        raise ValidationError({"amount": "涉及金额须为不小于0的合理数额"})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def finding_record(*, actor, case: HandoverCase, subject: str, category: str, description: str, amount=None,
                   request=None) -> AuditFinding:  # fmt: skip
    """A finding of the departure audit. It counts for nothing until heard and decided."""
    case = _locked(case)
    _may_record(actor, case)
    _require_status(case, HandoverCase.Status.OPEN, HandoverCase.Status.SIGNED)
    if not _has_audit(case):
        raise ValidationError({"description": "请先登记离任审计（进点日期），再登记审计发现问题"})
    if subject not in AuditFinding.Subject.values:
        raise ValidationError({"subject": "请选择涉及对象"})
    if category not in AuditFinding.Category.values:
        raise ValidationError({"category": "请选择问题类别"})
    finding = AuditFinding.objects.create(
        case=case, subject=subject, category=category,
        description=_text(description, field="description", label="问题描述", max_length=5000),
        amount=_amount(amount), recorded_by=actor, recorded_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="handovers.finding_record", obj=case, unit_id=case.unit_id, request=request,
                 person_id=case.departing_id if subject == AuditFinding.Subject.PERSON else None,
                 extra={"finding": finding.pk})  # fmt: skip
    return finding


def _locked_finding(finding: AuditFinding) -> AuditFinding:
    return AuditFinding.objects.select_for_update().select_related("case", "case__unit").get(pk=finding.pk)


@transaction.atomic
def finding_hear(
    *, actor, finding: AuditFinding, explanation: str, heard_on: date, request=None
) -> AuditFinding:
    """The audited side's explanation (被审计单位意见 / 本人说明), heard before any decision."""
    current = _locked_finding(finding)
    _may_record(actor, current.case)
    if current.status not in (AuditFinding.Status.RECORDED, AuditFinding.Status.HEARD):
        raise ValidationError({"explanation": "已作出认定，不能再修改说明"})
    label = "本人说明（本人未作说明的，写明情况）" if current.subject == "person" else "被审计单位意见"
    explanation = _text(explanation, field="explanation", label=label, max_length=5000)
    if heard_on is None:
        raise ValidationError({"heard_on": "请填写听取说明日期"})
    _not_future(heard_on, field="heard_on", label="听取说明日期")
    AuditFinding.objects.filter(pk=finding.pk).update(explanation=explanation, heard_on=heard_on,
                                                      status=AuditFinding.Status.HEARD)  # fmt: skip
    finding.refresh_from_db()
    audit_record(actor=actor, action="handovers.finding_hear", obj=current.case, unit_id=current.case.unit_id,
                 request=request, extra={"finding": finding.pk})  # fmt: skip
    return finding


@transaction.atomic
def finding_decide(*, actor, finding: AuditFinding, confirm: bool, decider_name: str, note: str,
                   request=None) -> AuditFinding:  # fmt: skip
    """A named person (a staff member of the organisation department or the commission, in scope —
    never the audit agency alone) confirms or dismisses the finding, after the hearing.

    Confirmed about the unit: a yellow unit entry `unit.audit_finding` naming the case, the audit
    report and the rule. Confirmed about the departing cadre: a colourless, sealed
    `external.audit_finding` on his file, pending the commission's review — it does not count
    against him unless the commission itself decides."""
    current = _locked_finding(finding)
    case = current.case
    _in_scope(actor, case.unit, "handovers.record")
    decider_name = _text(decider_name, field="decider_name", label="认定人（姓名或会议）", max_length=100)
    note = _text(note, field="note", label="认定意见", max_length=500)
    if current.status in (AuditFinding.Status.CONFIRMED, AuditFinding.Status.DISMISSED):
        raise ValidationError({"note": "已作出认定"})
    if current.status != AuditFinding.Status.HEARD:
        raise ValidationError({"note": "须先听取被审计单位意见或本人说明，再作认定"})
    entry = None
    if confirm:
        audit = case.audit
        rule = spec_for(RULE)
        amount = f"，涉及金额{current.amount}元" if current.amount is not None else ""
        summary = (
            f"离任审计（{case.number}，{case.departing_name}离任，审计报告{audit.report_number or '未出具'}）发现"
            f"{current.get_category_display()}问题{amount}：{current.description[:800]}。"
            f"说明（{current.heard_on:%Y-%m-%d}）：{current.explanation[:300]}。认定意见：{note}。"
            f"依据：{rule.name}，{rule.citation.text}。"
        )[:2000]
        occurred = audit.reported_on or audit.started_on
        common = {"actor": actor, "occurred_on": occurred, "effective_on": max(occurred, timezone.localdate()),
                  "summary": summary, "decided_by": decider_name, "source_app": "handovers",
                  "source_type": "audit_finding", "source_id": str(current.pk),
                  "source_reference": audit.report_number, "request": request}  # fmt: skip
        if current.subject == AuditFinding.Subject.UNIT:
            entry = entry_record(kind="unit.audit_finding", unit=case.unit, **common)
        else:
            # An outside fact for the commission to review; this app has checked its own permission.
            entry = entry_record(kind="external.audit_finding", person=case.departing, unit=case.unit,
                                 check_permission=False, **common)  # fmt: skip
    AuditFinding.objects.filter(pk=finding.pk).update(
        status=AuditFinding.Status.CONFIRMED if confirm else AuditFinding.Status.DISMISSED, decided_by=actor,
        decider_name=decider_name, decision_note=note, decided_at=timezone.now(), entry=entry,
    )  # fmt: skip
    finding.refresh_from_db()
    audit_record(actor=actor, action="handovers.finding_decide", obj=case, unit_id=case.unit_id, request=request,
                 person_id=case.departing_id if current.subject == "person" else None, reason=note,
                 extra={"finding": finding.pk, "confirm": confirm})  # fmt: skip
    return finding


# --- sign-off and closing -------------------------------------------------------------------------


def open_items(case: HandoverCase) -> list[HandoverItem]:
    return list(case.items.filter(status=HandoverItem.Status.OPEN).order_by("position"))


def closing_obstacles(case: HandoverCase) -> list[str]:
    """Why the case cannot close yet (empty: it can)."""
    out = []
    items = open_items(case)
    if items:
        out.append("尚有未完成的交接事项：" + "、".join(f"{i.position}.{i.title}" for i in items))
    if case.status == HandoverCase.Status.OPEN:
        out.append("接任人尚未签收交接清单")
    order = list(Body.values)
    parts = sorted(case.parts.all(), key=lambda p: order.index(p.body))
    pending = [p.get_body_display() for p in parts if p.done_on is None]
    if pending:
        out.append("以下监督主体尚未完成职责：" + "、".join(pending))
    if case.audit_required:
        if not _has_audit(case) or case.audit.status != DepartureAudit.Status.REPORTED:
            out.append("离任审计尚未出具审计报告")
    undecided = case.findings.exclude(
        status__in=[AuditFinding.Status.CONFIRMED, AuditFinding.Status.DISMISSED]
    )
    n = undecided.count()
    if n:
        out.append(f"尚有{n}个审计发现问题未作认定")
    return out


def _may_sign(actor, case: HandoverCase) -> None:
    if actor is None:
        return
    if scope(actor, "handovers.manage").contains(case.unit):
        return
    if case.successor_id and case.successor.user_id == actor.pk:
        return  # the successor signs his own case (cadre-side page)
    raise PermissionDenied("只有接任人本人或组织部门经办人可以签收")


@transaction.atomic
def case_sign(*, actor, case: HandoverCase, signer_name: str, signed_on: date, note: str = "",
              request=None) -> HandoverCase:  # fmt: skip
    """The successor signs the handover list (接任人签收). Not while an item is open."""
    case = _locked(case)
    _may_sign(actor, case)
    _require_status(case, HandoverCase.Status.OPEN)
    items = open_items(case)
    if items:
        raise ValidationError({"signer_name": "尚有未完成的交接事项，不能签收："
                               + "、".join(f"{i.position}.{i.title}" for i in items)})  # fmt: skip
    signer_name = _text(signer_name, field="signer_name", label="签收人（接任人姓名）", max_length=32)
    if signer_name != case.successor_name:
        raise ValidationError({"signer_name": f"签收人须为接任人{case.successor_name}本人"})
    if signed_on is None:
        raise ValidationError({"signed_on": "请填写签收日期"})
    _not_future(signed_on, field="signed_on", label="签收日期")
    if signed_on < case.departed_on - timedelta(days=90):
        raise ValidationError({"signed_on": "签收日期不合理（早于离任日期三个月以上）"})
    note = _text(note, field="note", label="签收意见", max_length=500, required=False)
    now = timezone.now()
    HandoverCase.objects.filter(pk=case.pk).update(
        status=HandoverCase.Status.SIGNED, status_changed_at=now, signer_name=signer_name, signed_on=signed_on,
        sign_note=note, signed_by=actor,
    )  # fmt: skip
    case.refresh_from_db()
    audit_record(actor=actor, action="handovers.case_sign", obj=case, unit_id=case.unit_id, request=request,
                 person_id=case.successor_id)  # fmt: skip
    return case


@transaction.atomic
def case_close(*, actor, case: HandoverCase, note: str = "", request=None) -> HandoverCase:
    """Close the case: only when nothing is open (items, sign-off, parts, audit, findings)."""
    case = _locked(case)
    _in_scope(actor, case.unit)
    _require_status(case, HandoverCase.Status.OPEN, HandoverCase.Status.SIGNED)
    obstacles = closing_obstacles(case)
    if obstacles:
        raise ValidationError({"note": obstacles})
    note = _text(note, field="note", label="办结意见", max_length=500, required=False)
    now = timezone.now()
    HandoverCase.objects.filter(pk=case.pk).update(status=HandoverCase.Status.CLOSED, status_changed_at=now,
                                                   closed_by=actor, closed_at=now, close_note=note)  # fmt: skip
    case.refresh_from_db()
    from qinglian.workitems.services import workitems_complete_for_subject

    workitems_complete_for_subject(actor=actor, subject=case, note="离任交接已办结")
    audit_record(actor=actor, action="handovers.case_close", obj=case, unit_id=case.unit_id, request=request,
                 person_id=case.departing_id)  # fmt: skip
    return case


def case_document(*, actor, case: HandoverCase, request=None):
    """The handover record (离任交接清单) as docx and pdf, through the documents app."""
    from qinglian.documents.services import document_generate
    from qinglian.handovers.documents import HANDOVER_RECORD

    _in_scope(actor, case.unit)
    return document_generate(actor=actor, template=HANDOVER_RECORD, data={"case": case,
                             "on_date": timezone.localdate()}, issuing_unit=case.unit, subject=case,
                             request=request)  # fmt: skip
