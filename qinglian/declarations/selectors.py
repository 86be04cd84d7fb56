"""Reads of personal-matters reports shared by views, the API and other apps (spotchecks).

The contract with spotchecks (issue 7): `must_report`, `reporters`, `latest_submitted`,
`declared_items` and `DeclaredItem`. These return declaration details: callers outside this app
must only hand them to people allowed to see them (org_supervision with sealed.personal_matters,
or the cadre) and show everyone else findings only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from qinglian.declarations.items import KIND_ORDER, KINDS, row_label
from qinglian.declarations.models import Declaration, Item
from qinglian.declarations.rules import ANNUAL_RULE, REPORTERS_RULE
from qinglian.people.models import Cadre, CadreStatus, PostLevel, Rank
from qinglian.rules.registry import params

# --- who must report -----------------------------------------------------------------------------


def _level_code(text: str, enum) -> str | None:
    text = (text or "").strip()
    for member in enum:
        if text in (member.value, member.label):
            return member.value
    return None


@dataclass(frozen=True)
class ReporterRule:
    post_levels: frozenset[str]
    ranks: frozenset[str]
    basis: str
    text: str = ""  # in Chinese, for the pages

    def q(self, prefix: str = "") -> Q:
        cond = Q(**{f"{prefix}post_level__in": sorted(self.post_levels)})
        if self.ranks:
            cond |= Q(**{f"{prefix}rank__in": sorted(self.ranks)})
        return Q(**{f"{prefix}status": CadreStatus.SERVING}) & cond

    def applies(self, cadre: Cadre) -> bool:
        return cadre.status == CadreStatus.SERVING and (
            cadre.post_level in self.post_levels or cadre.rank in self.ranks
        )


def reporter_rule(on: date) -> ReporterRule:
    """The thresholds in force on `on` (rule declarations.reporters). An unreadable value falls back
    to the shipped default rather than silently making nobody a reporter."""
    values = params(REPORTERS_RULE, as_of=on)
    levels = list(PostLevel)  # lowest first
    level = _level_code(str(values["min_post_level"].value), PostLevel) or PostLevel.DEPUTY_DIVISION
    post_levels = frozenset(m.value for m in levels[[m.value for m in levels].index(level) :])
    ranks_high_first = [m for m in Rank if m != Rank.NONE]
    rank_text = str(values["min_rank"].value).strip()
    if rank_text in ("无", "none", ""):
        ranks = frozenset()
    else:
        rank = _level_code(rank_text, Rank) or Rank.RESEARCHER_4
        cut = [m.value for m in ranks_high_first].index(rank)
        ranks = frozenset(m.value for m in ranks_high_first[: cut + 1])
    text = f"在职且职务层级为{PostLevel(level).label}及以上"
    if ranks:
        text += f"，或职级为{Rank(rank).label}及以上"
    return ReporterRule(post_levels, ranks, values["min_post_level"].basis, text)


def must_report(cadre: Cadre, on: date) -> bool:
    """Whether `cadre` must report personal matters on `on` (by the cadre's current level and rank)."""
    return reporter_rule(on).applies(cadre)


def reporters(on: date) -> QuerySet[Cadre]:
    """Every cadre who must report on `on` (one query when evaluated)."""
    return Cadre.objects.filter(reporter_rule(on).q())


def annual_due(year: int) -> date:
    """The due date of the annual report covering `year` (31 January of the next year by default)."""
    values = params(ANNUAL_RULE, as_of=date(year + 1, 1, 1))
    month, day = int(values["month"].value), int(values["day"].value)
    for d in range(day, 27, -1):
        try:
            return date(year + 1, month, d)
        except ValueError:
            continue
    return date(year + 1, month, 28)


def current_report_year(today: date | None = None) -> int:
    """The year the current annual report covers: last year's."""
    return (today or timezone.localdate()).year - 1


# --- the contract with spotchecks ------------------------------------------------------------------


@dataclass(frozen=True)
class DeclaredItem:
    kind: str  # one of the 14 codes of items.KINDS
    key: dict  # fields that identify the row (plain JSON types)
    values: dict  # fields compared within tolerances
    label: str  # one line in Chinese
    item_id: int | str


def latest_submitted(cadre: Cadre, as_of: datetime | None = None) -> Declaration | None:
    """The cadre's latest submitted (locked) version, or the latest submitted by `as_of`."""
    qs = Declaration.objects.filter(cadre=cadre, status=Declaration.Status.SUBMITTED)
    if as_of is not None:
        qs = qs.filter(submitted_at__lte=as_of)
    return qs.order_by("-version").first()


def latest_submitted_many(
    cadre_ids, as_of: datetime | None = None, *, chunk: int = 5000
) -> dict[int, Declaration]:
    """cadre_id -> latest submitted version (by `as_of`), items prefetched: `declared_items` then
    reads no more rows. Two queries per `chunk` cadres (the latest versions, their items), for
    batch comparisons (bench/declarations_read.py)."""
    ids = sorted(set(cadre_ids))
    out: dict[int, Declaration] = {}
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        submitted = Declaration.objects.filter(status=Declaration.Status.SUBMITTED)
        if as_of is not None:
            submitted = submitted.filter(submitted_at__lte=as_of)
        later = submitted.filter(cadre=OuterRef("cadre"), version__gt=OuterRef("version"))
        found = {d.pk: d for d in submitted.filter(cadre_id__in=part).exclude(Exists(later))}
        rows: dict[int, list[ItemRow]] = {pk: [] for pk in found}
        # Plain rows, not model instances: a third of the time at 10,000 reports (bench/declarations_read.py).
        for row in Item.objects.filter(declaration_id__in=list(found)).values_list(
            "pk", "declaration_id", "kind", "position", "data"
        ):
            rows[row[1]].append(ItemRow(*row))
        for pk, d in found.items():
            d.item_rows = rows[pk]
            out[d.cadre_id] = d
    return out


@dataclass(frozen=True)
class ItemRow:
    """An item as read in bulk (same attributes as Item for `declared_items`)."""

    pk: int
    declaration_id: int
    kind: str
    position: int
    data: dict


def items_of(version: Declaration) -> list:
    items = getattr(version, "item_rows", None)
    if items is None:
        prefetched = "items" in getattr(version, "_prefetched_objects_cache", {})
        items = version.items.all() if prefetched else version.items.order_by()
    return sorted(items, key=lambda i: (KIND_ORDER.get(i.kind, 99), i.position, i.pk))


def declared_items(version: Declaration) -> list[DeclaredItem]:
    out = []
    for item in items_of(version):
        kind = KINDS.get(item.kind)
        if kind is None:
            continue
        data = item.data or {}
        out.append(DeclaredItem(
            kind=item.kind,
            key={name: data.get(name, "") for name in kind.key},
            values={name: data.get(name, "") for name in kind.values},
            label=row_label(kind, data),
            item_id=item.pk,
        ))  # fmt: skip
    return out


# --- lists ------------------------------------------------------------------------------------------


def reporter_status_list(*, units_q: Q, year: int, on: date, q: Q | None = None) -> QuerySet[Cadre]:
    """Reporters in `units_q` (a condition on Cadre's unit) with, annotated, whether the annual
    report for `year` is submitted or only drafted. One query per page."""
    annual = Declaration.objects.filter(cadre=OuterRef("pk"), kind=Declaration.Kind.ANNUAL, year=year)
    qs = (
        reporters(on).filter(units_q)
        .annotate(annual_submitted=Exists(annual.filter(status=Declaration.Status.SUBMITTED)),
                  annual_draft=Exists(annual.filter(status=Declaration.Status.DRAFT)),
                  latest_id=Subquery(Declaration.objects.filter(cadre=OuterRef("pk"), status=Declaration.Status.SUBMITTED)
                                     .order_by("-version").values("pk")[:1]))
        .select_related("unit")
        .order_by("unit__path", "name", "pk")
    )  # fmt: skip
    if q is not None:
        qs = qs.filter(q)
    return qs


def declaration_list(*, units_q: Q, filters: dict | None = None) -> QuerySet[Declaration]:
    """Submitted reports in `units_q` (a condition on the cadre's unit, prefix cadre__unit__)."""
    filters = filters or {}
    qs = Declaration.objects.filter(units_q, status=Declaration.Status.SUBMITTED)
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("q") is not None:
        qs = qs.filter(filters["q"])
    return qs.select_related("cadre__unit").order_by("-submitted_at", "-pk")


def own_declarations(cadre: Cadre) -> QuerySet[Declaration]:
    return Declaration.objects.filter(cadre=cadre).order_by(F("version").desc(nulls_first=True), "-pk")
