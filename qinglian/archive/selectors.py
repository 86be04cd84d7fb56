"""Reads of the archive that pages, the API and other apps share.

Visibility in one place: an entry is visible to a user when its unit is in the user's scope for the
capability, it is not voided, and — if sealed — the user reads clue content in that unit. Pages fetch
a person's whole file in one query and filter it in memory, so the number of queries does not grow
with the number of entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from qinglian.accounts.scopes import capabilities, scope
from qinglian.archive.bars import Bar, bars
from qinglian.archive.models import ArchiveEntry, EntryKind, EntryVoid, PersonGrade, Warning
from qinglian.archive.periods import add_months

PERIODS = {"1y": ("近一年", 12), "3y": ("近三年", 36), "5y": ("近五年", 60)}


def visible_q(user, capability: str = "archive.view", prefix: str = "") -> Q:
    """A condition on ArchiveEntry (or, with prefix="entry__", on a relation to it)."""
    sealed = scope(user, "sealed.clue_content").units_q(f"{prefix}unit__")
    return (
        scope(user, capability).units_q(f"{prefix}unit__")
        & Q(**{f"{prefix}voided_at__isnull": True})
        & (Q(**{f"{prefix}sensitivity": ArchiveEntry.Sensitivity.NORMAL}) | sealed)
    )


def creatable_kinds(user, *, for_units: bool) -> list[EntryKind]:
    """Kinds whose creators intersect the user's capabilities (person or unit kinds)."""
    caps = capabilities(user)
    return [
        k
        for k in EntryKind.objects.filter(for_units=for_units).order_by("code")
        if caps.intersection(k.creators)
    ]


@dataclass
class PersonFile:
    person: object
    entries: list[ArchiveEntry]  # every visible entry, newest first
    superseded_by: dict[int, ArchiveEntry] = field(default_factory=dict)
    closed_by: dict[int, ArchiveEntry] = field(default_factory=dict)
    bars: list[Bar] = field(default_factory=list)
    grade: PersonGrade | None = None
    warnings: list[Warning] = field(default_factory=list)
    reads_sealed: bool = False
    # For viewers who may not read sealed entries: whether sealed pending matters (an open case,
    # verification or inquiry) bar use — shown as "有待核实事项" without any detail.
    pending_sealed: bool = False


def person_file(person, *, viewer, as_of: date) -> PersonFile:
    """A person's file as `viewer` may see it: entries, links, current bars, grade, warnings.

    Five queries whatever the number of entries (entries, grade, warnings; scope lookups are cached
    per request) — plus the rule citations of the bars in force.
    """
    sealed = scope(viewer, "sealed.clue_content").contains(person.unit)
    rows = ArchiveEntry.objects.filter(person=person, voided_at__isnull=True).order_by("-effective_on", "-id")
    if not sealed:
        rows = rows.filter(sensitivity=ArchiveEntry.Sensitivity.NORMAL)
    entries = list(rows)
    # Kinds and recorders from two small queries instead of a join: at hundreds of entries,
    # building a kind and a user object per row was a third of the page's time.
    kinds = {k.pk: k for k in EntryKind.objects.filter(pk__in={e.kind_id for e in entries})}
    from django.contrib.auth import get_user_model

    recorder_ids = {e.recorded_by_id for e in entries if e.recorded_by_id}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=recorder_ids)} if recorder_ids else {}
    for e in entries:
        e.kind = kinds[e.kind_id]
        if e.recorded_by_id:
            e.recorded_by = users.get(e.recorded_by_id)
    by_pk = {e.pk: e for e in entries}
    superseded_by = {e.supersedes_id: e for e in entries if e.supersedes_id in by_pk}
    closed_by = {e.closes_id: e for e in entries if e.closes_id in by_pk}
    for e in entries:
        e.successor, e.closer = superseded_by.get(e.pk), closed_by.get(e.pk)
    grade = PersonGrade.objects.filter(person=person).first()
    warnings = Warning.objects.filter(person=person).order_by("-raised_at", "-id")
    if not sealed:
        warnings = warnings.exclude(entries__sensitivity=ArchiveEntry.Sensitivity.SEALED)
    pending_sealed = False
    if not sealed:
        hidden = list(
            ArchiveEntry.objects.filter(
                person=person, voided_at__isnull=True, sensitivity=ArchiveEntry.Sensitivity.SEALED
            ).select_related("kind")
        )
        pending_sealed = any(b.effect == "postpone" for b in bars(hidden, as_of=as_of)) if hidden else False
    return PersonFile(
        person=person,
        pending_sealed=pending_sealed,
        entries=entries,
        superseded_by=superseded_by,
        closed_by=closed_by,
        bars=bars(entries, as_of=as_of),
        grade=grade,
        warnings=list(warnings.distinct()),
        reads_sealed=sealed,
    )


def filter_entries(entries: list[ArchiveEntry], *, colour: str = "", kind: str = "", period: str = "",
                   today: date) -> list[ArchiveEntry]:  # fmt: skip
    out = entries
    if colour:
        out = [e for e in out if e.colour == colour]
    if kind:
        out = [e for e in out if e.kind.code == kind]
    if period in PERIODS:
        since = add_months(today, -PERIODS[period][1])
        out = [e for e in out if e.effective_on >= since]
    return out


def open_entries(person, *, viewer) -> QuerySet[ArchiveEntry]:
    """Entries of `person` that a new entry may still supersede or close (visible, not ended)."""
    return (
        ArchiveEntry.objects.filter(visible_q(viewer), person=person, ended_at__isnull=True)
        .select_related("kind")
        .order_by("-effective_on", "-id")
    )


def unit_entries(unit, *, viewer) -> QuerySet[ArchiveEntry]:
    """Unit-level entries of `unit` (ecology points), visible to `viewer`."""
    return (
        ArchiveEntry.objects.filter(visible_q(viewer), unit=unit, person__isnull=True)
        .select_related("kind")
        .order_by("-effective_on", "-id")
    )


def person_entries(person, *, viewer, capability: str = "archive.view") -> QuerySet[ArchiveEntry]:
    """A person's visible entries (the API's list)."""
    return (
        ArchiveEntry.objects.filter(visible_q(viewer, capability), person=person)
        .select_related("kind", "person")
        .order_by("-effective_on", "-id")
    )


def warning_list(*, viewer, status: str = "", rule: str = "") -> QuerySet[Warning]:
    """Warnings in the viewer's scope; those resting on sealed entries only for sealed readers."""
    rows = Warning.objects.filter(scope(viewer, "archive.view").units_q("unit__"))
    sealed_scope = scope(viewer, "sealed.clue_content")
    if sealed_scope.is_empty:
        rows = rows.exclude(entries__sensitivity=ArchiveEntry.Sensitivity.SEALED)
    else:
        rows = rows.exclude(
            Q(entries__sensitivity=ArchiveEntry.Sensitivity.SEALED) & ~sealed_scope.units_q("unit__")
        )
    if status:
        rows = rows.filter(status=status)
    if rule:
        rows = rows.filter(rule=rule)
    return rows.select_related("person", "unit").distinct().order_by("-raised_at", "-id")


def warning_rules(*, viewer) -> list[str]:
    return sorted(
        Warning.objects.filter(scope(viewer, "archive.view").units_q("unit__"))
        .values_list("rule", flat=True)
        .distinct()
    )


def review_queue(*, viewer) -> QuerySet[ArchiveEntry]:
    """Outside facts waiting for a reviewer in the viewer's review scope."""
    return (
        ArchiveEntry.objects.filter(visible_q(viewer, "archive.review"), review=ArchiveEntry.Review.PENDING)
        .select_related("kind", "person", "unit", "source_agency", "recorded_by")
        .order_by("recorded_at", "id")
    )


def void_queue(*, viewer) -> QuerySet[EntryVoid]:
    """Void requests waiting for a second person in the viewer's approval scope."""
    return (
        EntryVoid.objects.filter(
            visible_q(viewer, "archive.approve", prefix="entry__"), approved_at__isnull=True, rejected=False
        )
        .select_related("entry", "entry__kind", "entry__person", "entry__unit", "requested_by")
        .order_by("requested_at", "id")
    )


def overview_root(user):
    """The widest unit the user's archive scope starts at (for the county heat map)."""
    from qinglian.people.models import Unit

    s = scope(user, "archive.view")
    paths = sorted(s._minimal_prefixes(), key=len)
    if paths:
        return Unit.objects.filter(path=paths[0]).first()
    if s.unit_ids:
        return Unit.objects.filter(pk__in=s.unit_ids).order_by("path").first()
    return None


# --- unit ecology and the county heat map --------------------------------------------------------
# The numbers come from `archive.ecology` (set-based, the archive-scan helper's); these shape them
# for the pages and keep them within the viewer's scope.

COLOUR_KEYS = ("red", "blue", "yellow", "black")


def unit_picture(unit, *, viewer, as_of: date, quarters: int = 8) -> dict:
    """The unit's ecology, its quarterly trend (chart data), peers in the viewer's scope, and a heat
    map of its child units when it has any."""
    from qinglian.archive import ecology
    from qinglian.people.models import Unit

    eco = ecology.unit_ecology(unit, as_of)
    trend = ecology.unit_trend(unit, quarters, as_of=as_of)
    allowed = scope(viewer, "archive.view")
    peers = ecology.peer_comparison(unit, as_of)
    paths = dict(Unit.objects.filter(pk__in=[p["unit_id"] for p in peers]).values_list("pk", "path"))
    peers = [p for p in peers if p["is_self"] or any(paths[p["unit_id"]].startswith(x) for x in allowed.prefixes)
             or p["unit_id"] in allowed.unit_ids]  # fmt: skip
    return {
        "eco": eco,
        "grades": list(eco["grades"].items()),
        "last_year": [(c, eco["last_12_months"].get(c, 0)) for c in COLOUR_KEYS],
        "sealed": eco["sealed_entries"] if scope(viewer, "sealed.clue_content").contains(unit) else None,
        "trend": {
            "quarters": [t["quarter"] for t in trend],
            "series": {c: [t[c] for t in trend] for c in COLOUR_KEYS},
        },
        "peers": peers,
        "heatmap": heatmap(unit, as_of=as_of) if unit.kind in ("jurisdiction", "township") else None,
    }


HEATMAP_ROWS = 30


def heatmap(root, *, as_of: date) -> dict | None:
    """Yellow and black points and unit-level entries of each child unit of `root` (its subtree),
    for the ECharts heat map; the unit's score and grade go in its label."""
    from qinglian.archive import ecology

    rows = [r for r in ecology.county_heatmap(root, as_of) if r["depth"] == root.depth + 1]
    if not rows:
        return None
    metrics = [("yellow", "黄点"), ("black", "黑点"), ("unit_entries", "单位记录")]
    # The units with the most points first, and at most HEATMAP_ROWS of them: a county has a hundred
    # units below it, and a map of all of them is a list nobody reads. The page says how many are left.
    total = len(rows)
    rows = sorted(rows, key=lambda r: (-(r["black"] * 3 + r["yellow"] + r["unit_entries"]), r["score"]))[
        :HEATMAP_ROWS
    ]
    return {
        "total": total,
        "shown": len(rows),
        "units": [
            {"id": r["unit_id"], "name": f"{r['unit']}（{r['grade']} {r['score']:.0f}分）"} for r in rows
        ],
        "metrics": [label for _, label in metrics],
        "values": [[x, y, r[key]] for y, r in enumerate(rows) for x, (key, _) in enumerate(metrics)],
        "max": max([1, *(r[key] for r in rows for key, _ in metrics)]),
    }
