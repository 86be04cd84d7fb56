"""Reads of the departure database (离任信息数据库) shared by the pages and the API."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from qinglian.accounts.scopes import has_capability, scope
from qinglian.handovers.models import AuditFinding, Body, HandoverCase, HandoverPart


def _with_counts(cases: QuerySet[HandoverCase]) -> QuerySet[HandoverCase]:
    """Per-row figures as correlated subqueries, not joins with GROUP BY: the page's COUNT(*)
    then stays a plain count of cases (Django strips unused non-aggregate annotations)."""
    findings = (
        AuditFinding.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cases.select_related("unit", "checklist").annotate(
        n_findings=Coalesce(Subquery(findings, output_field=IntegerField()), 0)
    )


def case_list(*, viewer, capability: str = "handovers.view", filters: dict | None = None, units_q=None):
    """The cases in the viewer's scope, searched and filtered. Fixed number of queries per page:
    counts are annotations, related rows are joined."""
    f = filters or {}
    q = units_q if units_q is not None else scope(viewer, capability).units_q("unit__")
    cases = HandoverCase.objects.filter(q)
    text = " ".join(str(f.get("q") or "").split())[:50]
    for token in text.lower().split(" ") if text else []:
        # search_text is stored lower-cased: a plain LIKE, no UPPER() over every row (bench/handovers_list.py)
        cases = cases.filter(search_text__contains=token)
    if f.get("status") in HandoverCase.Status.values:
        cases = cases.filter(status=f["status"])
    if f.get("reason"):
        cases = cases.filter(reason=f["reason"])
    year = str(f.get("year") or "")
    if year.isdigit() and len(year) == 4:
        cases = cases.filter(departed_on__year=int(year))
    if f.get("findings") == "yes":
        cases = cases.filter(Exists(AuditFinding.objects.filter(case=OuterRef("pk"))))
    elif f.get("findings") == "confirmed":
        cases = cases.filter(
            Exists(AuditFinding.objects.filter(case=OuterRef("pk"), status=AuditFinding.Status.CONFIRMED))
        )
    if f.get("overdue") == "yes":
        from django.utils import timezone

        cases = cases.filter(status=HandoverCase.Status.OPEN, due_on__lt=timezone.localdate())
    return _with_counts(cases).order_by("-departed_on", "-id")


def agency_cases(*, viewer) -> QuerySet[HandoverCase]:
    """The cases an audit agency is named on (its unit is the audit body), for its audit list."""
    if not has_capability(viewer, "handovers.record") or not viewer.unit_id:
        return HandoverCase.objects.none()
    named = HandoverPart.objects.filter(case=OuterRef("pk"), body=Body.AUDIT, unit_id=viewer.unit_id)
    return HandoverCase.objects.filter(Q(Exists(named)) | Q(audit__auditor_unit_id=viewer.unit_id))


def audit_cases(*, viewer) -> QuerySet[HandoverCase]:
    """The departure audits a user works on: staff by scope, the agency by being named."""
    q = scope(viewer, "handovers.record").units_q("unit__")
    ids = agency_cases(viewer=viewer).values("pk")
    cases = HandoverCase.objects.filter(q | Q(pk__in=ids)).filter(audit_required=True)
    return _with_counts(cases).order_by("-departed_on", "-id")


def own_cases(*, user) -> QuerySet[HandoverCase]:
    """The cadre-side list: cases where the user is the departing cadre or the successor."""
    return (
        HandoverCase.objects.filter(Q(departing__user=user) | Q(successor__user=user))
        .select_related("unit")
        .order_by("-departed_on", "-id")
    )
