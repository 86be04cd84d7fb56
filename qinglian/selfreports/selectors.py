"""Shared reads of the selfreports app (scoped to `inspections.reports`)."""

from __future__ import annotations

from qinglian.accounts.scopes import scope
from qinglian.selfreports.models import CopyPair, SelfReport

CAP = "inspections.reports"


def reports_visible(user):
    return SelfReport.objects.filter(scope(user, CAP).units_q("unit__")).defer("text")


def _pairs_in_scope(user):
    s = scope(user, CAP)
    return CopyPair.objects.filter(s.units_q("report_a__unit__")).filter(s.units_q("report_b__unit__"))


def pairs_visible(user, run):
    """The run's pairs whose two reports both lie in the user's scope (a pair shows both texts)."""
    return (
        _pairs_in_scope(user)
        .filter(run=run)
        .select_related("report_a__cadre", "report_a__unit", "report_b__cadre", "report_b__unit")
        .defer("report_a__text", "report_b__text")
        .order_by("-jaccard", "id")
    )


def pairs_of_report(user, report, limit: int = 50):
    """The pairs the report is part of, in the latest run that found any, both sides in scope."""
    from django.db.models import Q

    qs = _pairs_in_scope(user).filter(Q(report_a=report) | Q(report_b=report))
    latest = qs.order_by("-run_id").values_list("run_id", flat=True).first()
    if latest is None:
        return []
    return list(
        qs.filter(run_id=latest)
        .select_related("report_a__cadre", "report_b__cadre")
        .defer("report_a__text", "report_b__text")
        .order_by("-jaccard")[:limit]
    )
