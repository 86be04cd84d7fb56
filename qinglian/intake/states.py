"""The state machines of reports and clues.

One function per object type performs a transition: it checks the move is allowed from the
current state, stamps the time, writes the event (clues) and the audit record. Services call it;
no view or form assigns a status.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from qinglian.audit.services import audit_record
from qinglian.intake.models import Clue, ClueEvent, Report

RS = Report.Status
REPORT_TRANSITIONS: dict[str, set[str]] = {
    RS.RECEIVED: {RS.REGISTERED, RS.RESTRICTED},
    RS.REGISTERED: {RS.REPEAT, RS.FORWARDED, RS.RESTRICTED, RS.CLUE, RS.REFERRED, RS.CLOSED},
    RS.REPEAT: {RS.REGISTERED},  # a repeat decision reopened by a later fact
    RS.RESTRICTED: {RS.FORWARDED},
    RS.CLUE: {RS.CLOSED},
    RS.REFERRED: {RS.CLOSED},
    RS.FORWARDED: set(),
    RS.CLOSED: set(),
}

# What the reporter sees through the receipt code: plain words, nothing about people or staff.
PUBLIC_STATUS = {
    RS.RECEIVED: "已收到，等待登记",
    RS.REGISTERED: "已受理，正在办理",
    RS.REPEAT: "已受理（与此前反映的问题一并办理）",
    RS.FORWARDED: "已按规定转送有关机关办理",
    RS.RESTRICTED: "已按规定转送有关机关办理",
    RS.CLUE: "已受理，正在办理",
    RS.REFERRED: "已转有关部门办理",
    RS.CLOSED: "已办结",
}

CS = Clue.Status
CLUE_TRANSITIONS: dict[str, set[str]] = {
    CS.REGISTERED: {CS.ASSIGNED},
    CS.ASSIGNED: {CS.ASSIGNED, CS.INQUIRY, CS.VERIFICATION, CS.HELD, CS.CLOSED},
    CS.INQUIRY: {CS.INQUIRY, CS.VERIFICATION, CS.CLOSED},
    CS.VERIFICATION: {CS.CASE_OPENED, CS.CLOSED},
    CS.HELD: {CS.ASSIGNED, CS.CLOSED},
    CS.CASE_OPENED: set(),
    CS.CLOSED: set(),
}


def report_move(
    report: Report, to: str, *, actor, action: str, request=None, extra: dict | None = None
) -> Report:
    if to not in REPORT_TRANSITIONS[report.status]:
        raise ValidationError(f"本件当前状态为“{report.get_status_display()}”，不能改为“{RS(to).label}”")
    before = report.status
    report.status = to
    report.status_changed_at = timezone.now()
    Report.objects.filter(pk=report.pk).update(status=to, status_changed_at=report.status_changed_at)
    audit_record(
        actor=actor, action=f"intake.report.{action}", obj=report, unit_id=report.receiving_unit_id,
        request=request, extra={"from": before, "to": to} | (extra or {}),
    )  # fmt: skip
    return report


def clue_move(clue: Clue, to: str, *, actor, action: str, note: str = "", request=None,
              extra: dict | None = None) -> Clue:  # fmt: skip
    if to not in CLUE_TRANSITIONS[clue.status]:
        raise ValidationError(f"线索当前状态为“{clue.get_status_display()}”，不能改为“{CS(to).label}”")
    before = clue.status
    now = timezone.now()
    clue.status = to
    clue.status_changed_at = now
    fields = {"status": to, "status_changed_at": now}
    if to in (CS.CLOSED, CS.CASE_OPENED):
        clue.closed_at = now
        fields["closed_at"] = now
    Clue.objects.filter(pk=clue.pk).update(**fields)
    ClueEvent.objects.create(
        clue=clue, action=action, from_status=before, to_status=to, note=note[:255], actor=actor, at=now
    )
    audit_record(
        actor=actor, action=f"intake.clue.{action}", obj=clue, unit_id=clue.unit_id, request=request,
        extra={"from": before, "to": to} | (extra or {}),
    )  # fmt: skip
    return clue
