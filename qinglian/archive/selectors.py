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


def person_file(person, *, viewer, as_of: date) -> PersonFile:
    """A person's file as `viewer` may see it: entries, links, current bars, grade, warnings.

    Five queries whatever the number of entries (entries, grade, warnings; scope lookups are cached
    per request) — plus the rule citations of the bars in force.
    """
    sealed = scope(viewer, "sealed.clue_content").contains(person.unit)
    rows = (
        ArchiveEntry.objects.filter(person=person, voided_at__isnull=True)
        .select_related("kind", "recorded_by")
        .order_by("-effective_on", "-id")
    )
    if not sealed:
        rows = rows.filter(sensitivity=ArchiveEntry.Sensitivity.NORMAL)
    entries = list(rows)
    by_pk = {e.pk: e for e in entries}
    superseded_by = {e.supersedes_id: e for e in entries if e.supersedes_id in by_pk}
    closed_by = {e.closes_id: e for e in entries if e.closes_id in by_pk}
    for e in entries:
        e.successor, e.closer = superseded_by.get(e.pk), closed_by.get(e.pk)
    grade = PersonGrade.objects.filter(person=person).first()
    warnings = Warning.objects.filter(person=person).order_by("-raised_at", "-id")
    if not sealed:
        warnings = warnings.exclude(entries__sensitivity=ArchiveEntry.Sensitivity.SEALED)
    return PersonFile(
        person=person,
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
# The archive-scan helper's `archive.ecology` computes the picture when present; until then (and as
# a fallback) these minimal, set-based versions answer: colour counts of the points that count
# (members' and unit-level), by quarter, and per child unit of the root.

COLOUR_KEYS = ("red", "blue", "yellow", "black")


def _counting(prefix_path: str, since: date, as_of: date) -> QuerySet[ArchiveEntry]:
    return ArchiveEntry.objects.filter(
        unit__path__startswith=prefix_path,
        effective_on__gte=since,
        effective_on__lte=as_of,
        voided_at__isnull=True,
        review__in=(ArchiveEntry.Review.NOT_NEEDED, ArchiveEntry.Review.ACCEPTED),
        colour__in=COLOUR_KEYS,
    )


def _quarter_start(d: date) -> date:
    return date(d.year, (d.month - 1) // 3 * 3 + 1, 1)


def unit_picture(unit, *, viewer, as_of: date, quarters: int = 8) -> dict:
    """Members' grade distribution, colour counts of the last 12 months, and the quarterly trend."""
    from django.db.models import Count
    from django.db.models.functions import TruncQuarter

    grades = dict(
        PersonGrade.objects.filter(person__unit__path__startswith=unit.path)
        .values_list("grade")
        .annotate(n=Count("id"))
        .values_list("grade", "n")
    )
    members = unit.cadres.count() if unit.kind != "jurisdiction" else None
    year_ago = add_months(as_of, -12)
    last_year = dict(
        _counting(unit.path, year_ago, as_of)
        .values_list("colour")
        .annotate(n=Count("id"))
        .values_list("colour", "n")
    )
    first = add_months(_quarter_start(as_of), -3 * (quarters - 1))
    labels = []
    q = first
    while q <= as_of:
        labels.append(f"{q.year}Q{(q.month - 1) // 3 + 1}")
        q = add_months(q, 3)
    series = {c: [0] * len(labels) for c in COLOUR_KEYS}
    rows = (
        _counting(unit.path, first, as_of)
        .annotate(q=TruncQuarter("effective_on"))
        .values_list("q", "colour")
        .annotate(n=Count("id"))
    )
    for q, colour, n in rows:
        q = q.date() if hasattr(q, "date") else q
        label = f"{q.year}Q{(q.month - 1) // 3 + 1}"
        if label in labels:
            series[colour][labels.index(label)] += n
    try:
        from qinglian.archive import ecology
    except ImportError:
        ecology = None
    return {
        "grades": [(g, grades.get(g, 0)) for g in ("好", "较好", "一般", "较差")],
        "graded_total": sum(grades.values()),
        "members": members,
        "last_year": [(c, last_year.get(c, 0)) for c in COLOUR_KEYS],
        "trend": {"quarters": labels, "series": series},
        "ecology": ecology,
    }


def heatmap(root, *, as_of: date) -> dict:
    """Points of the last 12 months per child unit of `root` (its subtree), by colour."""
    from django.db.models import Count

    from qinglian.people.models import Unit

    children = list(Unit.objects.filter(parent=root, is_active=True).order_by("sort_order", "path"))
    if not children:
        children = [root]
    by_path = {u.path: u for u in children}
    counts = {u.pk: dict.fromkeys(COLOUR_KEYS, 0) for u in children}
    rows = (
        _counting(root.path, add_months(as_of, -12), as_of)
        .values_list("unit__path", "colour")
        .annotate(n=Count("id"))
    )
    depth = len(children[0].path.strip("/").split("/"))
    for path, colour, n in rows:
        head = "/" + "/".join(path.strip("/").split("/")[:depth]) + "/"
        unit = by_path.get(head)
        if unit is not None:
            counts[unit.pk][colour] += n
    return {
        "units": [{"id": u.pk, "name": u.name} for u in children],
        "colours": list(COLOUR_KEYS),
        "values": [
            [x, y, counts[u.pk][c]] for y, u in enumerate(children) for x, c in enumerate(COLOUR_KEYS)
        ],
        "max": max([1, *(counts[u.pk][c] for u in children for c in ("yellow", "black"))]),
    }
