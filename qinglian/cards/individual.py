"""The individual problem list a card proposes from the recipient's unit (个性问题清单).

Sources: the unit's unrectified inspection and audit findings, its overdue to-dos, and its unit-level
early warnings. Never anything about clues, reports, inquiries, verifications or cases: a card goes to
the very person who may be under inquiry, and must not tip him off. The editor adjusts the proposal
before the cards are issued.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from qinglian.archive.models import ArchiveEntry, Warning
from qinglian.workitems.models import WorkItem

FINDING_KINDS = ("unit.inspection_finding", "unit.audit_finding")
# To-dos and warnings that come from intake (clues, reports, inquiries) never appear on a card.
SECRET_PREFIXES = ("intake.", "archive.clue", "warning.repeated_reports", "warning.inquiry_overdue",
                   "warning.black_risk")  # fmt: skip
SECRET_ENTRY_KINDS = ("unit.clue", "allegation.registered")
MAX_ITEMS = 8


@dataclass(frozen=True)
class Proposal:
    text: str
    source: str


def _short(text: str, n: int = 120) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def propose(unit_ids: list[int], *, as_of: date) -> dict[int, list[Proposal]]:
    """unit id -> proposed items, for many units at once (three queries whatever their number)."""
    out: dict[int, list[Proposal]] = defaultdict(list)
    since = as_of - timedelta(days=365)
    findings = (
        ArchiveEntry.objects.filter(
            unit_id__in=unit_ids, person__isnull=True, kind__code__in=FINDING_KINDS, voided_at__isnull=True,
            ended_at__isnull=True, effective_on__gte=since,
        )
        .select_related("kind")
        .order_by("unit_id", "-effective_on", "-id")
    )  # fmt: skip
    for e in findings:
        out[e.unit_id].append(
            Proposal(f"整改：{_short(e.summary)}", f"{e.kind.name}（{e.effective_on:%Y-%m-%d}）")
        )
    overdue = WorkItem.objects.filter(
        assignee_unit_id__in=unit_ids, status=WorkItem.Status.OPEN, due_date__lt=as_of
    )
    for prefix in SECRET_PREFIXES:
        overdue = overdue.exclude(kind__startswith=prefix)
    for w in overdue.order_by("assignee_unit_id", "due_date", "id"):
        out[w.assignee_unit_id].append(
            Proposal(f"按期办结：{_short(w.title)}", f"逾期待办（期限{w.due_date:%Y-%m-%d}）")
        )
    warnings = (
        Warning.objects.filter(unit_id__in=unit_ids, person__isnull=True, closed_at__isnull=True,
                               status__in=[Warning.Status.NEW, Warning.Status.ACKNOWLEDGED])
        .prefetch_related("entries__kind")
        .order_by("unit_id", "-raised_on")
    )  # fmt: skip
    for w in warnings:
        if w.rule.startswith(SECRET_PREFIXES):
            continue
        kinds = {e.kind.code for e in w.entries.all()}
        if kinds & set(SECRET_ENTRY_KINDS) or not kinds:
            continue  # a warning that rests on clues could reveal them
        out[w.unit_id].append(
            Proposal("针对本单位政治生态预警事项开展自查自纠", f"单位预警（{w.raised_on:%Y-%m-%d}）")
        )
    return {u: items[:MAX_ITEMS] for u, items in out.items()}
