"""Checked fetches of handover cases.

Staff reach a case by the unit-subtree scope of the capability asked for. The audit agency (a
task-force account, scope kind SHARING, which gives it no unit subtree at all) reaches a case for
`handovers.record` only when its own unit is the audit body named on that case
(`services.agency_may_audit`). The successor and the departing cadre reach their own case on the
cadre-side page.
"""

from __future__ import annotations

from django.http import Http404

from qinglian.accounts.scopes import scope
from qinglian.handovers.models import AuditFinding, HandoverCase, HandoverItem, HandoverPart
from qinglian.handovers.services import agency_may_audit


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("对象不存在") from None


def _case(case_id) -> HandoverCase | None:
    return (
        HandoverCase.objects.select_related("unit", "departing", "successor", "checklist")
        .filter(pk=_pk(case_id))
        .first()
    )


def access_case(user, case_id, capability: str = "handovers.view") -> HandoverCase:
    case = _case(case_id)
    if case is None or not scope(user, capability).contains(case.unit):
        raise Http404("离任交接案件不存在")
    return case


def access_case_for_audit(user, case_id) -> HandoverCase:
    """For the departure-audit pages: staff with `handovers.record` in scope, or the named agency."""
    case = _case(case_id)
    if case is None or not (
        scope(user, "handovers.record").contains(case.unit) or agency_may_audit(user, case)
    ):
        raise Http404("离任交接案件不存在")
    return case


def access_own_case(user, case_id) -> HandoverCase:
    """The departing cadre or the successor: his own case only."""
    case = _case(case_id)
    if (
        case is None
        or not user.is_authenticated
        or user.pk
        not in (
            case.departing.user_id,
            case.successor.user_id if case.successor_id else None,
        )
    ):
        raise Http404("离任交接案件不存在")
    return case


def access_item(user, item_id, capability: str = "handovers.manage") -> HandoverItem:
    item = HandoverItem.objects.select_related("case__unit").filter(pk=_pk(item_id)).first()
    if item is None or not scope(user, capability).contains(item.case.unit):
        raise Http404("交接事项不存在")
    return item


def access_part(user, part_id) -> HandoverPart:
    part = HandoverPart.objects.select_related("case__unit").filter(pk=_pk(part_id)).first()
    if part is None:
        raise Http404("职责记录不存在")
    in_scope = scope(user, "handovers.record").contains(part.case.unit)
    if not in_scope and not (part.body == "audit" and agency_may_audit(user, part.case)):
        raise Http404("职责记录不存在")
    return part


def access_finding(user, finding_id, *, agency_allowed: bool = True) -> AuditFinding:
    f = (
        AuditFinding.objects.select_related("case__unit", "case__departing")
        .filter(pk=_pk(finding_id))
        .first()
    )
    if f is None:
        raise Http404("审计发现问题不存在")
    in_scope = scope(user, "handovers.record").contains(f.case.unit)
    if not in_scope and not (agency_allowed and agency_may_audit(user, f.case)):
        raise Http404("审计发现问题不存在")
    return f
