"""Reads of the intake desk that pages and the API share: report and clue lists (scoped, with
fixed query counts), a report's detail, registry search for subject matching, handler candidates.

Scope in one place: a report is listed when its receiving unit is in the viewer's intake.view scope
(restricted reports only for the intake role, as access.can_see_report); a clue when its unit is
in scope and the viewer has not recused himself (as access.can_see_clue).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from qinglian.accounts.models import RoleAssignment, User
from qinglian.accounts.roles import ROLES
from qinglian.accounts.scopes import has_capability, scope
from qinglian.intake.models import Clue, Recusal, Report
from qinglian.people.models import Cadre
from qinglian.people.selectors import cadre_list

LIST_COUNT_CAP = 10_000


def report_list(*, viewer, filters: dict | None = None) -> QuerySet[Report]:
    filters = filters or {}
    rows = Report.objects.filter(scope(viewer, "intake.view").units_q("receiving_unit__"))
    if not has_capability(viewer, "sealed.reporter_identity"):
        rows = rows.filter(restricted=False)
    if q := (filters.get("q") or "").strip():
        rows = rows.filter(Q(number=q) | Q(number__endswith=q) | Q(source_reference__icontains=q))
    for field in ("channel", "status", "problem_type"):
        if value := filters.get(field):
            rows = rows.filter(**{field: value})
    if value := filters.get("date_from"):
        rows = rows.filter(received_at__date__gte=value)
    if value := filters.get("date_to"):
        rows = rows.filter(received_at__date__lte=value)
    if filters.get("real_name"):
        rows = rows.filter(real_name=True)
    return rows.select_related("receiving_unit").order_by("-received_at", "-id")


def clue_list(*, viewer, filters: dict | None = None) -> QuerySet[Clue]:
    filters = filters or {}
    rows = Clue.objects.filter(scope(viewer, "intake.view").units_q("unit__")).exclude(
        Exists(Recusal.objects.filter(clue=OuterRef("pk"), user=viewer))
    )
    if q := (filters.get("q") or "").strip():
        rows = rows.filter(Q(number=q) | Q(number__endswith=q))
    for field in ("status", "problem_type", "source"):
        if value := filters.get(field):
            rows = rows.filter(**{field: value})
    if value := filters.get("date_from"):
        rows = rows.filter(registered_at__date__gte=value)
    if value := filters.get("date_to"):
        rows = rows.filter(registered_at__date__lte=value)
    if filters.get("mine"):
        rows = rows.filter(assignee=viewer)
    return rows.select_related("unit", "owner_unit", "assignee").order_by("-registered_at", "-id")


@dataclass
class ReportDetail:
    attachments: list
    messages: list
    subjects: list
    forwardings: list
    repeat_decision: object | None
    repeats: list
    clues: list


def report_detail(report: Report) -> ReportDetail:
    from qinglian.intake.models import (
        Forwarding,
        RepeatDecision,
        ReportAttachment,
        ReportMessage,
        ReportSubject,
    )

    return ReportDetail(
        attachments=list(ReportAttachment.objects.filter(report=report).order_by("id")),
        messages=list(ReportMessage.objects.filter(report=report).select_related("sent_by").order_by("created_at", "id")),
        subjects=list(ReportSubject.objects.filter(report=report).select_related("cadre", "unit").order_by("id")),
        forwardings=list(Forwarding.objects.filter(report=report).select_related("forwarded_by").order_by("id")),
        repeat_decision=RepeatDecision.objects.filter(report=report).select_related("earlier", "decided_by").first(),
        repeats=list(Report.objects.filter(duplicate_of=report).only("id", "number", "received_at").order_by("id")),
        clues=list(report.clues.only("id", "number", "status").order_by("id")),
    )  # fmt: skip


def subject_search(*, viewer, q: str, limit: int = 20) -> list[Cadre]:
    """Registry people in the viewer's intake scope matching `q` (name, pinyin, unit, ID tail)."""
    if not (q or "").strip():
        return []
    return list(cadre_list(viewer=viewer, capability="intake.view", filters={"q": q})[:limit])


def cadres_in_scope(viewer, ids, *, capability: str = "intake.view") -> QuerySet[Cadre]:
    return (
        Cadre.objects.filter(scope(viewer, capability).units_q("unit__"), pk__in=set(ids))
        .select_related("unit")
        .order_by("unit__path", "name", "id")
    )


def handler_candidates(clue: Clue) -> list[User]:
    """Users who may handle the clue (intake.handle reaching its unit), recused ones excluded."""
    handle_roles = [code for code, role in ROLES.items() if "intake.handle" in role.capabilities]
    assignments = (
        RoleAssignment.objects.filter(RoleAssignment.active_q(), role__in=handle_roles, user__is_active=True)
        .select_related("user", "anchor")
        .order_by("user__username")
    )
    recused = set(Recusal.objects.filter(clue=clue).values_list("user_id", flat=True))
    unit = clue.unit
    out: dict[int, User] = {}
    for a in assignments:
        if a.user_id in recused or a.user_id in out or a.anchor is None:
            continue
        if unit.path.startswith(a.anchor.path) or unit.supervisor_id == a.anchor_id:
            out[a.user_id] = a.user
    return list(out.values())
