"""Reads shared by the spot-check pages, the API and other apps.

`check_status` is what other modules (appointments, opinions) may know: the state of a cadre's
latest check and a summary without declaration details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qinglian.accounts.scopes import scope
from qinglian.spotchecks.models import AgencyRequest, SampleRound, SpotCheck

OPEN_STATUSES = (SpotCheck.Status.OPEN, SpotCheck.Status.EXPLAINING, SpotCheck.Status.EXPLAINED)


@dataclass(frozen=True)
class CheckStatus:
    state: str  # none | open | consistent | omission | concealment
    check_id: int | None = None
    decided_on: date | None = None
    summary: str = ""


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def check_status(cadre, as_of: date | None = None) -> CheckStatus:
    """The cadre's latest check started on or before `as_of` (default today), as it stood then.

    A check decided after `as_of` was still open on that day."""
    as_of = as_of or timezone.localdate()
    end = _end_of(as_of)
    check = (
        SpotCheck.objects.filter(cadre=cadre, created_at__lte=end)
        .exclude(status=SpotCheck.Status.CANCELLED)
        .order_by("-created_at", "-id")
        .first()
    )
    if check is None:
        return CheckStatus("none", summary="未开展个人有关事项核查")
    kind = check.get_kind_display()
    if check.status != SpotCheck.Status.DECIDED or check.decided_at is None or check.decided_at > end:
        return CheckStatus("open", check.pk, None, f"{kind}正在进行（{check.created_at:%Y-%m-%d}发起）")
    decided_on = timezone.localtime(check.decided_at).date()
    text = f"{kind}：{check.get_result_display()}（{decided_on:%Y-%m-%d}认定，认定人{check.decider_name}）"
    return CheckStatus(check.result, check.pk, decided_on, text)


def _in_scope(viewer, capability: str = "declarations.check") -> Q:
    return scope(viewer, capability).units_q("unit__")


def check_list(*, viewer, status: str = "", kind: str = "", year: int | None = None,
               units_q: Q | None = None) -> QuerySet[SpotCheck]:  # fmt: skip
    qs = SpotCheck.objects.filter(units_q if units_q is not None else _in_scope(viewer))
    if status in SpotCheck.Status.values:
        qs = qs.filter(status=status)
    if kind in SpotCheck.Kind.values:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(created_at__year=year)
    return qs.select_related("cadre", "unit").order_by("-created_at", "-id")


def round_list(*, viewer) -> QuerySet[SampleRound]:
    s = scope(viewer, "declarations.check")
    return (
        SampleRound.objects.filter(s.units_q("scope_unit__"))
        .select_related("scope_unit", "drawn_by")
        .order_by("-year", "-id")
    )


def request_list(*, viewer) -> QuerySet[AgencyRequest]:
    s = scope(viewer, "declarations.check")
    return (
        AgencyRequest.objects.filter(s.units_q("issuing_unit__"))
        .select_related("issuing_unit", "created_by")
        .annotate(n_lines=Count("lines", distinct=True), n_returns=Count("returns", distinct=True))
        .order_by("-created_at", "-id")
    )


def own_checks(*, user) -> QuerySet[SpotCheck]:
    """The cadre's own checks that asked for an explanation (or were decided)."""
    return (
        SpotCheck.objects.filter(cadre__user=user, status__in=[
            SpotCheck.Status.EXPLAINING, SpotCheck.Status.EXPLAINED, SpotCheck.Status.DECIDED])
        .select_related("cadre", "unit")
        .order_by("-created_at", "-id")
    )  # fmt: skip


def status_counts(*, viewer) -> dict[str, int]:
    rows = SpotCheck.objects.filter(_in_scope(viewer)).values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}
