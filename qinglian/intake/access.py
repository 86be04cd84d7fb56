"""The checked fetches of intake: role and data scope, or 404.

Reports are reached through the unit that received them, clues through the unit they concern.
A restricted report (about the commission's own head) exists only for the intake role. A member of
staff who has recused himself from a clue no longer reaches it. Opening a report or a clue is a
sensitive read and is audited here; revealing a reporter's identity is a separate, reasoned act
(`reveal_identity`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.intake import sealing
from qinglian.intake.models import Clue, Recusal, Report


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("对象不存在") from None


def can_see_report(user, report: Report, capability: str = "intake.view") -> bool:
    if report.restricted and not has_capability(user, "sealed.reporter_identity"):
        return False
    return scope(user, capability).contains(report.receiving_unit)


def access_report(
    user, report_id, request=None, *, capability: str = "intake.view", audit: bool = True
) -> Report:
    report = (
        Report.objects.select_related("receiving_unit", "source_agency").filter(pk=_pk(report_id)).first()
    )
    if report is None or not can_see_report(user, report, capability):
        raise Http404("信访举报件不存在")
    if audit:
        audit_record(actor=user, action="intake.report.view", obj=report, unit_id=report.receiving_unit_id,
                     request=request)  # fmt: skip
    return report


def can_see_clue(user, clue: Clue, capability: str = "intake.view") -> bool:
    if not scope(user, capability).contains(clue.unit):
        return False
    return not Recusal.objects.filter(clue=clue, user=user).exists()


def access_clue(user, clue_id, request=None, *, capability: str = "intake.view", audit: bool = True) -> Clue:
    clue = (
        Clue.objects.select_related("unit", "owner_unit", "assignee", "report")
        .filter(pk=_pk(clue_id))
        .first()
    )
    if clue is None or not can_see_clue(user, clue, capability):
        raise Http404("问题线索不存在")
    if audit:
        audit_record(actor=user, action="intake.clue.view", obj=clue, unit_id=clue.unit_id, request=request)
    return clue


def reads_content(user, unit) -> bool:
    """Clue and report content (sealed.clue_content in scope)."""
    return scope(user, "sealed.clue_content").contains(unit)


def reveal_identity(user, report: Report, *, reason: str, request=None) -> dict:
    """The reporter's identity, for the intake role only, after a reason; audited (the reason is
    kept, the identity is not). Administrators and every other role get PermissionDenied."""
    if not has_capability(user, "sealed.reporter_identity") or not scope(
        user, "sealed.reporter_identity"
    ).contains(report.receiving_unit):
        raise PermissionDenied("只有信访室工作人员可以查看举报人身份")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": "请写明查看举报人身份的理由（不少于4个字）"})
    if not report.real_name:
        raise ValidationError({"reason": "本件为匿名举报，没有举报人身份信息"})
    if report.is_destroyed:
        raise ValidationError({"reason": "本件内容已按规定销毁"})
    identity = sealing.open_json(report.identity, wrapped_key=report.identity_key, purpose=sealing.IDENTITY)
    audit_record(actor=user, action="intake.report.reveal_identity", obj=report, unit_id=report.receiving_unit_id,
                 reason=reason[:500], request=request)  # fmt: skip
    return identity
