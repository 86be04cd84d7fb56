"""三办 (领办、转办、督办) for reports that are not discipline matters, and the handling period
of petitions (信访工作条例 2022: 60 days from acceptance, extendable once by 30 with notice).

A referral belongs to a registered report: 领办 — the commission handles it itself; 转办 — a
问题转办单 (generated document with a 发文字号) sends it to the responsible department, with a
reply deadline tracked as a work item assigned to that department; 督办 — the same, marked as
supervised (a 督办单, closer reminders; overdue items escalate to the commission). The
department's reply is recorded, the reporter informed (through the receipt code for a web report,
otherwise staff record how), and once no referral of the report is still open the report closes.

Every function is atomic and audited; the reporter's identity is never read here.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.intake import referral_documents
from qinglian.intake.models import PetitionExtension, ProblemType, Referral, Report
from qinglian.intake.services import report_message_send
from qinglian.intake.states import RS, report_move
from qinglian.people.models import Unit, UnitKind
from qinglian.rules.registry import param
from qinglian.workitems.models import WorkItem
from qinglian.workitems.selectors import open_items_for
from qinglian.workitems.services import workitem_cancel, workitem_create, workitems_complete_for_subject

REPLY_KIND = "intake.referral_reply"
PETITION_KIND = "intake.petition_handling"
PETITION_RULE = "deadline.petition.handling"
MAX_MATTER = 2000
MAX_REPLY = 5000
MAX_REPLY_DAYS = 366
WEB_INFORMED = "网上留言（举报人凭查询码查看）"
INFORM_METHODS = ["电话告知", "书面告知", "当面告知", "短信告知", "匿名反映，无法告知"]


# --- checks -------------------------------------------------------------------------------------


def can_refer(user, report: Report) -> bool:
    return has_capability(user, "intake.referral") and scope(user, "intake.referral").contains(
        report.receiving_unit
    )


def _check_referrer(actor, report: Report) -> None:
    if not can_refer(actor, report):
        raise PermissionDenied("您无权对本件进行“三办”处理")


def _text(value, field: str, label: str, *, max_len: int, required: bool = True, min_len: int = 0) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError({field: f"{label}格式不正确"})
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"请填写{label}"})
    if value and len(value) < min_len:
        raise ValidationError({field: f"{label}过于简单，请写明具体内容（不少于{min_len}个字）"})
    if len(value) > max_len:
        raise ValidationError({field: f"{label}不能超过{max_len}个字"})
    return value


def jurisdiction_of(unit: Unit) -> Unit | None:
    """The nearest 行政区 (city/county) at or above `unit`: referrals go to its departments."""
    ids = [int(p) for p in unit.path.split("/") if p]
    found = Unit.objects.filter(pk__in=ids, kind=UnitKind.JURISDICTION).order_by("-depth").first()
    return found


def department_choices(report: Report):
    """The units a report may be referred to: active units of the receiving body's jurisdiction."""
    area = jurisdiction_of(report.receiving_unit)
    units = Unit.objects.filter(is_active=True)
    if area is not None:
        units = units.filter(path__startswith=area.path)
    return units.order_by("depth", "sort_order", "name")


def is_referable(report: Report) -> bool:
    """Not a discipline matter: classified as such, or a petition (信访诉求)."""
    return report.problem_type == ProblemType.NOT_DISCIPLINE or report.nature == Report.Nature.PETITION


# --- referrals ----------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    actor,
    report: Report,
    mode: str,
    matter: str,
    reply_due: date,
    department: Unit | None = None,
    number_prefix: str = "",
    formats=("docx", "pdf"),
    request=None,
) -> Referral:
    """Open a 三办 referral of a registered report. 转办 and 督办 issue a numbered sheet to the
    department and give it a work item due on `reply_due`; 领办 stays with the commission."""
    from qinglian.documents.services import document_generate

    _check_referrer(actor, report)
    report = Report.objects.select_for_update().select_related("receiving_unit").get(pk=report.pk)
    if mode not in Referral.Mode.values:
        raise ValidationError({"mode": "办理方式无效"})
    if report.restricted or report.is_destroyed:
        raise ValidationError({"mode": "本件已限制访问或内容已销毁，不能按“三办”处理"})
    if report.status not in (RS.REGISTERED, RS.REFERRED):
        raise ValidationError({"mode": f"本件状态为“{report.get_status_display()}”，不能按“三办”处理"})
    if not is_referable(report):
        raise ValidationError(
            {
                "mode": "本件反映的是违纪违法问题，应登记为问题线索办理；如确属群众诉求，请先将问题类别改为“非纪检监察业务”"
            }
        )
    matter = _text(matter, "matter", "转办事项", max_len=MAX_MATTER, min_len=4)
    if mode == Referral.Mode.LEAD:
        department = department or report.receiving_unit
    if department is None:
        raise ValidationError({"department": "请选择责任单位"})
    if not department.is_active or not department_choices(report).filter(pk=department.pk).exists():
        raise ValidationError({"department": "责任单位须是本辖区内的有效单位"})
    if mode != Referral.Mode.LEAD and department.kind in (
        UnitKind.DISCIPLINE_COMMISSION,
        UnitKind.STATIONED_GROUP,
        UnitKind.TOWNSHIP_COMMITTEE,
    ):
        raise ValidationError(
            {"department": "转办、督办的责任单位应是职能部门；由纪检监察机构自办的请选择“领办”"}
        )
    today = timezone.localdate()
    if not isinstance(reply_due, date) or reply_due <= today:
        raise ValidationError({"reply_due": "回复期限须晚于今天"})
    if reply_due > today + timedelta(days=MAX_REPLY_DAYS):
        raise ValidationError({"reply_due": "回复期限不能超过一年"})
    referral = Referral.objects.create(
        report=report, mode=mode, department=department, matter=matter, reply_due=reply_due,
        created_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    commission = report.receiving_unit
    workitem_create(
        actor=actor, subject=referral, kind=REPLY_KIND,
        title=f"{referral.get_mode_display()}：信访件{report.number}的办理回复",
        assignee_unit=department, due_date=reply_due,
        remind_days=(5, 3, 1) if mode == Referral.Mode.SUPERVISE else (3, 1),
        escalate_to=commission, request=request,
    )  # fmt: skip
    if mode != Referral.Mode.LEAD:
        kind = "督" if mode == Referral.Mode.SUPERVISE else "转"
        docs = document_generate(
            actor=actor, template=referral_documents.REFERRAL_SHEET,
            data={"referral": referral, "on_date": today}, issuing_unit=commission, subject=referral,
            number_prefix=number_prefix or referral_documents.default_prefix(commission.name, kind),
            formats=formats, request=request,
        )  # fmt: skip
        referral.document = docs[0]
        Referral.objects.filter(pk=referral.pk).update(document=docs[0])
    if report.status == RS.REGISTERED:
        report_move(report, RS.REFERRED, actor=actor, action="refer", request=request,
                    extra={"mode": mode})  # fmt: skip
    if report.nature == Report.Nature.PETITION:
        petition_deadline_open(actor=actor, report=report, request=request)
    audit_record(
        actor=actor, action="intake.referral.create", obj=referral, unit_id=commission.pk, request=request,
        extra={"report": report.number, "mode": mode, "department": department.pk,
               "reply_due": f"{reply_due:%Y-%m-%d}", "number": referral.document.number if referral.document else ""},
    )  # fmt: skip
    return referral


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("report", "report__receiving_unit", "department")
        .get(pk=referral.pk)
    )


@transaction.atomic
def referral_reply_record(*, actor, referral: Referral, reply: str, request=None) -> Referral:
    """Record the department's (or, for 领办, the commission's own) result; closes its work item."""
    _check_referrer(actor, referral.report)
    referral = _locked(referral)
    if referral.status != Referral.Status.OPEN:
        raise ValidationError({"reply": f"本转办事项{referral.get_status_display()}，不能再登记回复"})
    reply = _text(reply, "reply", "办理回复", max_len=MAX_REPLY, min_len=4)
    now = timezone.now()
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.REPLIED, reply=reply, replied_at=now
    )
    referral.status, referral.reply, referral.replied_at = Referral.Status.REPLIED, reply, now
    workitems_complete_for_subject(actor=actor, subject=referral, kind=REPLY_KIND, note="已登记办理回复",
                                   request=request)  # fmt: skip
    audit_record(actor=actor, action="intake.referral.reply", obj=referral,
                 unit_id=referral.report.receiving_unit_id, request=request)  # fmt: skip
    return referral


@transaction.atomic
def referral_inform(*, actor, referral: Referral, message: str = "", how: str = "", request=None) -> Referral:
    """Tell the reporter the result and close the referral; the report closes with its last one.

    A web report is answered through its receipt code (`report_message_send`, `message` required);
    for any other channel staff record how the reporter was told (`how`, with an optional note)."""
    _check_referrer(actor, referral.report)
    referral = _locked(referral)
    report = referral.report
    if referral.status != Referral.Status.REPLIED:
        raise ValidationError({"message": "请先登记责任单位的办理回复，再告知反映人"})
    if report.receipt_code_hash is not None and not report.is_destroyed:
        message = _text(message, "message", "告知内容", max_len=2000, min_len=4)
        report_message_send(actor=actor, report=report, body=message, request=request)
        informed_how = WEB_INFORMED
    else:
        how = _text(how, "how", "告知方式", max_len=50)
        if how not in INFORM_METHODS:
            raise ValidationError({"how": "请选择告知方式"})
        note = _text(message, "message", "告知情况", max_len=200, required=False)
        informed_how = f"{how}：{note}" if note else how
    now = timezone.now()
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.CLOSED, reporter_informed_at=now, informed_how=informed_how
    )
    referral.status, referral.reporter_informed_at, referral.informed_how = (
        Referral.Status.CLOSED,
        now,
        informed_how,
    )
    if report.result_notified_at is None:
        Report.objects.filter(pk=report.pk).update(result_notified_at=now)
        report.result_notified_at = now
    audit_record(actor=actor, action="intake.referral.inform", obj=referral, unit_id=report.receiving_unit_id,
                 request=request, extra={"how": informed_how[:50]})  # fmt: skip
    still_open = report.referrals.exclude(status=Referral.Status.CLOSED).exists()
    if not still_open and report.status == RS.REFERRED:
        report_move(report, RS.CLOSED, actor=actor, action="close", request=request,
                    extra={"after": "referral"})  # fmt: skip
        workitems_complete_for_subject(actor=actor, subject=report, kind=PETITION_KIND,
                                       note="信访事项已办结并告知", request=request)  # fmt: skip
    return referral


# --- petitions ----------------------------------------------------------------------------------


def petition_due_item(report: Report) -> WorkItem | None:
    return open_items_for(report, PETITION_KIND).order_by("-id").first()


def petition_last_item(report: Report) -> WorkItem | None:
    """The latest handling period of a petition, whatever its state (for showing it done)."""
    return (
        WorkItem.objects.filter(
            content_type__app_label="intake", content_type__model="report", object_id=str(report.pk),
            kind=PETITION_KIND, status=WorkItem.Status.DONE,
        )
        .order_by("-id")
        .first()
    )  # fmt: skip


@transaction.atomic
def petition_deadline_open(*, actor, report: Report, request=None) -> WorkItem | None:
    """The handling period of a petition: 60 days (rule deadline.petition.handling) from the day it
    was accepted (registered). Idempotent: a report has one open period at a time."""
    if report.nature != Report.Nature.PETITION:
        return None
    existing = WorkItem.objects.filter(
        content_type__app_label="intake", content_type__model="report", object_id=str(report.pk),
        kind=PETITION_KIND,
    ).order_by("-id").first()  # fmt: skip
    if existing is not None:
        return existing
    start = timezone.localdate(report.registered_at or report.received_at)
    days = param(PETITION_RULE, "days", as_of=start)
    return workitem_create(
        actor=actor, subject=report, kind=PETITION_KIND, title=f"信访事项办理：{report.number}",
        assignee_unit=report.receiving_unit, start=start, due_calendar_days=int(days.value), request=request,
    )  # fmt: skip


@transaction.atomic
def petition_extend(*, actor, report: Report, notice: str, request=None) -> PetitionExtension:
    """Extend a petition's handling period once, by the rule's extension days (at most 30), with
    the notice to the petitioner recorded (and sent through the receipt code for a web report)."""
    _check_referrer(actor, report)
    report = Report.objects.select_for_update().select_related("receiving_unit").get(pk=report.pk)
    if report.nature != Report.Nature.PETITION:
        raise ValidationError({"notice": "只有信访诉求件适用办理期限延长"})
    if PetitionExtension.objects.filter(report=report).exists():
        raise ValidationError({"notice": "本件已延长过一次办理期限，不能再次延长"})
    item = petition_due_item(report)
    if item is None:
        raise ValidationError({"notice": "本件没有正在计算的办理期限"})
    today = timezone.localdate()
    if item.due_date < today:
        raise ValidationError({"notice": "办理期限已过，不能再延长；请尽快办结"})
    notice = _text(notice, "notice", "延期告知内容", max_len=2000, min_len=10)
    extra = param(PETITION_RULE, "extension_days", as_of=item.start_date)
    if int(extra.value) <= 0:
        raise ValidationError({"notice": "现行规则不允许延长办理期限"})
    new_due = item.due_date + timedelta(days=int(extra.value))
    if report.receipt_code_hash is not None and not report.is_destroyed:
        report_message_send(actor=actor, report=report, body=notice, request=request)
    workitem_cancel(actor=actor, item=item, reason=f"依据{extra.citation}延长办理期限至{new_due:%Y-%m-%d}",
                    request=request)  # fmt: skip
    workitem_create(
        actor=actor, subject=report, kind=PETITION_KIND, title=f"信访事项办理（已延期）：{report.number}",
        assignee_unit=item.assignee_unit, start=item.start_date, due_date=new_due, request=request,
    )  # fmt: skip
    extension = PetitionExtension.objects.create(
        report=report, previous_due=item.due_date, new_due=new_due, notice=notice, extended_by=actor,
        extended_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="intake.petition.extend", obj=report, unit_id=report.receiving_unit_id,
                 request=request, extra={"previous_due": f"{item.due_date:%Y-%m-%d}", "new_due": f"{new_due:%Y-%m-%d}"})  # fmt: skip
    return extension


def access_referral(user, referral_id) -> Referral:
    """A referral through its report (`access.can_see_report`), or 404."""
    from django.http import Http404

    from qinglian.intake.access import _pk, can_see_report

    referral = (
        Referral.objects.select_related("report", "report__receiving_unit", "department", "document")
        .filter(pk=_pk(referral_id))
        .first()
    )
    if referral is None or not can_see_report(user, referral.report):
        raise Http404("转办事项不存在")
    return referral


def referral_rows(report: Report) -> list[Referral]:
    return list(
        report.referrals.select_related("department", "document", "created_by").order_by("created_at", "id")
    )
