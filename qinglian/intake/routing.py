"""Routing of registered reports (分流): classification, forwarding to the commission that manages
the person, the commission-head case, and the acknowledgement owed to a real-name reporter.

处理检举控告工作规则 (2020) Arts 15-16: a report that belongs to a higher or lower commission is
forwarded within 5 working days (rule `deadline.report.forwarding`); a real-name reporter is told of
acceptance within 15 working days (`deadline.report.acceptance_notice`). A report about the
commission's own head goes directly to the level above and is not kept on this platform: it is
restricted the moment it is recognised (only the intake role sees it), forwarded, and then its
content, identity and attachments are destroyed by discarding their keys (sealing.py); only the
forwarding record stays.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.audit.services import audit_record
from qinglian.intake.models import (
    Forwarding,
    ManagementLevel,
    ProblemType,
    Report,
    ReportAttachment,
    ReportMessage,
    ReportSubject,
    SimilarityBand,
)
from qinglian.intake.services import _check_receiver, _clean_text
from qinglian.intake.states import RS, report_move
from qinglian.people.models import Unit, UnitKind, UnitLevel
from qinglian.rules.registry import param
from qinglian.workitems.selectors import open_items_for
from qinglian.workitems.services import workitem_cancel, workitem_create, workitems_complete_for_subject

FORWARD_KIND = "intake.forward"
ACKNOWLEDGE_KIND = "intake.acknowledge"
_LEVEL_RANK = {UnitLevel.VILLAGE: 0, UnitLevel.TOWNSHIP: 1, UnitLevel.COUNTY: 2, UnitLevel.CITY: 3,
               UnitLevel.PROVINCE: 4}  # fmt: skip
_CLOSED_STATES = (RS.FORWARDED, RS.CLOSED)


def _rule_days(code: str, on) -> int:
    return int(param(code, "working_days", as_of=on).value)


def _received_on(report: Report):
    return timezone.localdate(report.received_at)


def higher_commission(unit: Unit) -> Unit | None:
    """The discipline commission one level above the body `unit` (escalation and 督办 target)."""
    node = unit.parent
    node = node.parent if node is not None else None
    while node is not None:
        body = Unit.objects.filter(parent=node, kind=UnitKind.DISCIPLINE_COMMISSION).first()
        if body is not None:
            return body
        node = node.parent
    return None


def suggest_management_level(report: Report) -> str:
    """From the matched subjects: the commission's own head, a person managed above or below the
    receiving body, or the body's own level. Staff confirm it (report_classify)."""
    receiving = report.receiving_unit
    own_rank = _LEVEL_RANK.get(receiving.level, 2)
    suggestions = set()
    for s in report.subjects.select_related("cadre", "unit"):
        cadre = s.cadre
        if cadre is None:
            continue
        if cadre.unit_id == receiving.pk and cadre.is_top_leader:
            return ManagementLevel.OWN_HEAD
        managed = _LEVEL_RANK.get(cadre.managing_body, own_rank)
        suggestions.add(
            ManagementLevel.HIGHER
            if managed > own_rank
            else ManagementLevel.LOWER
            if managed < own_rank
            else ManagementLevel.SAME
        )
    for level in (ManagementLevel.HIGHER, ManagementLevel.LOWER, ManagementLevel.SAME):
        if level in suggestions:
            return level
    return ManagementLevel.UNKNOWN


def _open_forward_item(*, actor, report: Report, request=None) -> None:
    if open_items_for(report, FORWARD_KIND).exists():
        return
    start = _received_on(report)
    workitem_create(
        actor=actor, subject=report, kind=FORWARD_KIND, title=f"转送信访举报件 {report.number}",
        assignee_unit=report.receiving_unit, start=start,
        due_working_days=_rule_days("deadline.report.forwarding", start),
        escalate_to=higher_commission(report.receiving_unit) or report.receiving_unit.supervisor,
        request=request,
    )  # fmt: skip


def _require_live(report: Report) -> None:
    if report.is_destroyed:
        raise ValidationError("本件内容已按规定销毁，不能再办理")
    if report.status in _CLOSED_STATES:
        raise ValidationError(f"本件已{report.get_status_display()}，不能再分流")


@transaction.atomic
def report_classify(
    *, actor, report: Report, problem_type: str, management_level: str, request=None
) -> Report:
    """Set the problem type and the level that manages the person. A higher or lower level opens
    the 5-working-day forwarding to-do; the commission's own head restricts the report at once."""
    _check_receiver(actor, report.receiving_unit)
    report = Report.objects.select_for_update().select_related("receiving_unit").get(pk=report.pk)
    _require_live(report)
    if problem_type not in ProblemType.values:
        raise ValidationError({"problem_type": "问题类别无效"})
    if management_level not in ManagementLevel.values:
        raise ValidationError({"management_level": "管理权限无效"})
    if report.restricted and management_level != ManagementLevel.OWN_HEAD:
        raise ValidationError({"management_level": "本件已按反映本级纪委主要负责人限制访问，只能转送上级"})
    if management_level == ManagementLevel.OWN_HEAD:
        Report.objects.filter(pk=report.pk).update(problem_type=problem_type)
        report.problem_type = problem_type
        return report_restrict_own_head(actor=actor, report=report, request=request)
    Report.objects.filter(pk=report.pk).update(problem_type=problem_type, management_level=management_level)
    report.problem_type, report.management_level = problem_type, management_level
    if management_level in (ManagementLevel.HIGHER, ManagementLevel.LOWER):
        _open_forward_item(actor=actor, report=report, request=request)
    audit_record(actor=actor, action="intake.report.classify", obj=report, unit_id=report.receiving_unit_id,
                 request=request, extra={"problem_type": problem_type, "management_level": management_level})  # fmt: skip
    return report


@transaction.atomic
def report_restrict_own_head(*, actor, report: Report, request=None) -> Report:
    """The report concerns the head of this commission: from now on only the intake role sees it
    (access.can_see_report), and it must be forwarded to the level above."""
    _check_receiver(actor, report.receiving_unit)
    report = Report.objects.select_for_update().select_related("receiving_unit").get(pk=report.pk)
    _require_live(report)
    if report.status not in (RS.RECEIVED, RS.REGISTERED, RS.RESTRICTED):
        raise ValidationError(
            f"本件已{report.get_status_display()}，请先撤回后再按反映本级纪委主要负责人处理"
        )
    Report.objects.filter(pk=report.pk).update(restricted=True, management_level=ManagementLevel.OWN_HEAD)
    report.restricted, report.management_level = True, ManagementLevel.OWN_HEAD
    if report.status != RS.RESTRICTED:
        report = report_move(report, RS.RESTRICTED, actor=actor, action="restrict", request=request)
    _open_forward_item(actor=actor, report=report, request=request)
    return report


@transaction.atomic
def report_forward(
    *, actor, report: Report, direction: str, to_body: str, reason: str, to_unit: Unit | None = None,
    request=None,
) -> Forwarding:  # fmt: skip
    """Record that the report was sent to another commission (转送). A restricted report (about
    this commission's head) goes only upwards and is destroyed here once forwarded."""
    _check_receiver(actor, report.receiving_unit)
    report = Report.objects.select_for_update().select_related("receiving_unit").get(pk=report.pk)
    _require_live(report)
    if direction not in Forwarding.Direction.values:
        raise ValidationError({"direction": "转送方向无效"})
    to_body = _clean_text(to_body, "to_body", "接收机关", required=True, max_len=100)
    reason = _clean_text(reason, "reason", "转送理由", required=True, max_len=255)
    if report.restricted and direction != Forwarding.Direction.HIGHER:
        raise ValidationError({"direction": "反映本级纪委主要负责人的，只能转送上一级纪委监委"})
    if report.status not in (RS.REGISTERED, RS.RESTRICTED):
        raise ValidationError(f"本件状态为“{report.get_status_display()}”，请先登记后再转送")
    now = timezone.now()
    forwarding = Forwarding.objects.create(
        report=report, direction=direction, to_unit=to_unit, to_body=to_body, reason=reason,
        forwarded_by=actor, forwarded_at=now,
    )  # fmt: skip
    level = ManagementLevel.HIGHER if direction == Forwarding.Direction.HIGHER else ManagementLevel.LOWER
    if not report.restricted:
        Report.objects.filter(pk=report.pk).update(management_level=level)
        report.management_level = level
    report_move(report, RS.FORWARDED, actor=actor, action="forward", request=request,
                extra={"direction": direction, "to_body": to_body})  # fmt: skip
    workitems_complete_for_subject(actor=actor, subject=report, kind=FORWARD_KIND, note=f"已转送{to_body}",
                                   request=request)  # fmt: skip
    if report.restricted:
        report_destroy(actor=actor, report=report, request=request)
        Forwarding.objects.filter(pk=forwarding.pk).update(content_destroyed=True)
        forwarding.content_destroyed = True
    return forwarding


def report_destroy(*, actor, report: Report, request=None) -> Report:
    """Discard the report's keys and ciphertexts, its attachments (files deleted after commit), its
    messages, fingerprints and matched subjects. The report row (number, dates, channel) and its
    forwarding records stay. Called inside report_forward's transaction."""
    if report.is_destroyed:
        return report
    now = timezone.now()
    files = [a.file.name for a in ReportAttachment.objects.filter(report=report) if a.file]
    ReportAttachment.objects.filter(report=report).delete()
    ReportMessage.objects.filter(report=report).delete()
    ReportSubject.objects.filter(report=report).delete()
    SimilarityBand.objects.filter(report=report).delete()
    Report.objects.filter(pk=report.pk).update(
        content_key="", content="", identity_key="", identity="", subject_name_hash="",
        similarity_signature=None, destroyed_at=now,
    )  # fmt: skip
    report.content_key = report.content = report.identity_key = report.identity = ""
    report.subject_name_hash, report.similarity_signature, report.destroyed_at = "", None, now
    for item in open_items_for(report, ACKNOWLEDGE_KIND):
        workitem_cancel(
            actor=actor, item=item, reason="本件已转送上级纪委监委并销毁，由其告知", request=request
        )

    def delete_files():
        storage = ReportAttachment._meta.get_field("file").storage
        for name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
    audit_record(actor=actor, action="intake.report.destroy", obj=report, unit_id=report.receiving_unit_id,
                 request=request, extra={"attachments": len(files)})  # fmt: skip
    return report


# --- acknowledgement of a real-name reporter -------------------------------------------------------


def acknowledgement_open(*, actor, report: Report, request=None):
    """A registered real-name report owes the reporter word of acceptance within 15 working days
    of receipt. Idempotent: no second to-do while one is open or once acknowledged."""
    if not report.real_name or report.acknowledged_at or report.is_destroyed:
        return None
    if open_items_for(report, ACKNOWLEDGE_KIND).exists():
        return None
    start = _received_on(report)
    return workitem_create(
        actor=actor, subject=report, kind=ACKNOWLEDGE_KIND, title=f"告知实名举报人受理情况 {report.number}",
        assignee_unit=report.receiving_unit, start=start,
        due_working_days=_rule_days("deadline.report.acceptance_notice", start),
        escalate_to=higher_commission(report.receiving_unit) or report.receiving_unit.supervisor,
        request=request,
    )  # fmt: skip


@transaction.atomic
def report_acknowledge(*, actor, report: Report, method: str, request=None) -> Report:
    """Record that the real-name reporter was told the report was accepted (受理告知)."""
    _check_receiver(actor, report.receiving_unit)
    report = Report.objects.select_for_update().select_related("receiving_unit").get(pk=report.pk)
    method = _clean_text(method, "method", "告知方式", required=True, max_len=100)
    if not report.real_name:
        raise ValidationError({"method": "本件为匿名举报，无需告知受理情况"})
    if report.is_destroyed:
        raise ValidationError({"method": "本件内容已按规定销毁"})
    if report.acknowledged_at:
        raise ValidationError({"method": "已告知过受理情况"})
    if report.status == RS.RECEIVED:
        raise ValidationError({"method": "请先登记本件，再告知受理情况"})
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(acknowledged_at=now)
    report.acknowledged_at = now
    workitems_complete_for_subject(actor=actor, subject=report, kind=ACKNOWLEDGE_KIND, note=f"已告知（{method}）",
                                   request=request)  # fmt: skip
    audit_record(actor=actor, action="intake.report.acknowledge", obj=report, unit_id=report.receiving_unit_id,
                 request=request, extra={"method": method})  # fmt: skip
    return report
