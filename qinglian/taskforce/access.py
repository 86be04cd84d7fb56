"""Who reads what in the task force (issue 9, item 4).

Two sides:

- the lead and the staff roles with `taskforce.view` (organisation department, discipline commission,
  leadership) see the task force's pages: agencies, the reporting grid, each report's figures. Item
  content is sealed outside information: only roles that read clue content see it.
- a member agency's accounts (role `taskforce_agency`, scope kind SHARING — no unit subtree) see
  their own agency's reports and items, plus exactly what the sharing rules give their agency:
  items of the shared row types and the shared aggregates. Nothing else; an account not linked to
  an agency sees nothing at all. API tokens act as their integration account: the same rules.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from qinglian.accounts.scopes import has_capability, scope
from qinglian.taskforce.models import Agency, AgencyMember, MonthlyReport, RowType

AGGREGATES = {
    "monthly_counts": "各成员单位每月报送条数（按信息类型）",
    "report_status": "各成员单位报送情况（按月）",
}
_CACHE = "_taskforce_agency"


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("对象不存在") from None


def agency_of(user) -> Agency | None:
    """The agency a user account belongs to (cached on the user for the request)."""
    if not user or not user.is_authenticated:
        return None
    if not hasattr(user, _CACHE):
        m = AgencyMember.objects.select_related("agency").filter(user=user, agency__active=True).first()
        setattr(user, _CACHE, m.agency if m else None)
    return getattr(user, _CACHE)


def is_agency_account(user) -> bool:
    """An agency's account reads through the sharing rules only, whatever other role it holds."""
    return has_capability(user, "taskforce.report") or agency_of(user) is not None


def is_staff_side(user) -> bool:
    return has_capability(user, "taskforce.view") and not is_agency_account(user)


def reads_content(user) -> bool:
    """Staff who may read sealed item content (the discipline roles)."""
    return is_staff_side(user) and has_capability(user, "sealed.clue_content")


def shares_aggregate(user, code: str) -> bool:
    if is_staff_side(user):
        return True
    agency = agency_of(user)
    return agency is not None and code in (agency.shared_aggregates or [])


def shared_row_type_codes(user) -> set[str]:
    agency = agency_of(user)
    return set(agency.shared_row_types or []) if agency is not None else set()


def readable_items_q(user, prefix: str = "") -> Q:
    """Report items (ReportItem) whose content `user` may read: an agency's own items and the shared
    types; staff who read clue content: all; anyone else: none."""
    if reads_content(user):
        return Q()
    agency = agency_of(user) if is_agency_account(user) else None
    if agency is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}report__agency": agency}) | Q(
        **{f"{prefix}row_type__code__in": sorted(shared_row_type_codes(user))}
    )


def visible_reports_q(user) -> Q:
    """Reports (their figures) a user may open: staff those of agencies in their scope (or with no
    unit yet); an agency its own."""
    if is_staff_side(user):
        return Q(agency__unit__isnull=True) | scope(user, "taskforce.view").units_q("agency__unit__")
    agency = agency_of(user)
    return Q(agency=agency) if agency is not None else Q(pk__in=[])


def access_report(user, report_id) -> MonthlyReport:
    report = (
        MonthlyReport.objects.select_related("agency", "submitted_by")
        .filter(visible_reports_q(user), pk=_pk(report_id))
        .first()
    )
    if report is None:
        raise Http404("月报表不存在")
    return report


def access_agency(user, agency_id) -> Agency:
    """Agencies are edited by the lead (`taskforce.manage`) of their jurisdiction only."""
    agency = Agency.objects.select_related("unit").filter(pk=_pk(agency_id)).first()
    if agency is None or not has_capability(user, "taskforce.manage"):
        raise Http404("成员单位不存在")
    if agency.unit is not None and not scope(user, "taskforce.manage").contains(agency.unit):
        raise Http404("成员单位不存在")
    return agency


def access_row_type(user, row_type_id) -> RowType:
    row_type = RowType.objects.filter(pk=_pk(row_type_id)).first()
    if row_type is None or not has_capability(user, "taskforce.manage"):
        raise Http404("信息类型不存在")
    return row_type
