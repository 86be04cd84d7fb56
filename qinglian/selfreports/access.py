"""Checked fetches: a report, run or pair is reachable with `inspections.reports` in whose scope its
unit lies (a pair: both reports' units; a run: its scope unit); anything else is 404."""

from __future__ import annotations

from django.http import Http404

from qinglian.accounts.scopes import scope
from qinglian.selfreports.models import CopyPair, DetectionRun, SelfReport

CAP = "inspections.reports"


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("对象不存在") from None


def access_report(user, report_id) -> SelfReport:
    r = SelfReport.objects.select_related("cadre", "unit", "uploaded_by").filter(pk=_pk(report_id)).first()
    if r is None or not scope(user, CAP).contains(r.unit):
        raise Http404("材料不存在")
    return r


def access_run(user, run_id) -> DetectionRun:
    run = DetectionRun.objects.select_related("scope_unit", "started_by").filter(pk=_pk(run_id)).first()
    if run is None or not scope(user, CAP).contains(run.scope_unit):
        raise Http404("比对不存在")
    return run


def access_pair(user, pair_id) -> CopyPair:
    p = (
        CopyPair.objects.select_related(
            "run", "run__scope_unit", "report_a__cadre", "report_a__unit", "report_b__cadre", "report_b__unit",
            "finding",
        )
        .filter(pk=_pk(pair_id))
        .first()
    )  # fmt: skip
    s = scope(user, CAP)
    if p is None or not (s.contains(p.report_a.unit) and s.contains(p.report_b.unit)):
        raise Http404("比对结果不存在")
    return p
