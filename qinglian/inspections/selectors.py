"""Reads of the inspections app shared by views, the API and other apps."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from qinglian.accounts.scopes import scope
from qinglian.inspections.models import Plan, PlanKind, PlanTarget, Rectification, Round, RoundTarget
from qinglian.people.models import Unit, UnitKind

# Units a party committee inspects (its own organs and the commission are not inspection targets).
NOT_INSPECTED = (
    UnitKind.JURISDICTION, UnitKind.DISCIPLINE_COMMISSION, UnitKind.STATIONED_GROUP,
    UnitKind.TOWNSHIP_COMMITTEE, UnitKind.PARTY_COMMITTEE,
)  # fmt: skip


def inspectable_units(within: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=within.path, is_active=True).exclude(kind__in=NOT_INSPECTED)


@dataclass
class Coverage:
    plan: Plan
    units: list[Unit]
    planned: dict[int, list[int]] = field(default_factory=dict)  # unit id -> planned years
    inspected: dict[int, list[str]] = field(default_factory=dict)  # unit id -> round titles

    @property
    def gaps(self) -> list[Unit]:
        """Units neither planned nor inspected in the term."""
        return [u for u in self.units if u.pk not in self.planned and u.pk not in self.inspected]

    @property
    def not_yet_inspected(self) -> list[Unit]:
        return [u for u in self.units if u.pk not in self.inspected]

    @property
    def ratio_planned(self) -> float:
        return 1.0 if not self.units else 1 - len(self.gaps) / len(self.units)

    @property
    def ratio_inspected(self) -> float:
        return 1.0 if not self.units else 1 - len(self.not_yet_inspected) / len(self.units)


def five_year_coverage(plan: Plan) -> Coverage:
    """Every unit at least once per term (巡察全覆盖): planned in the five-year plan or one of its
    annual plans, and actually inspected by a round of the term. Subunits count as inspected with
    their parent target only if they are targets themselves (a village is not covered by its township)."""
    if plan.kind != PlanKind.FIVE_YEAR:
        raise ValueError("coverage is for five-year plans")
    units = list(inspectable_units(plan.owner_unit).order_by("path"))
    cov = Coverage(plan, units)
    plans = Q(plan=plan) | Q(plan__parent=plan)
    for unit_id, year in PlanTarget.objects.filter(plans).values_list("unit_id", "year"):
        cov.planned.setdefault(unit_id, []).append(year)
    rounds = RoundTarget.objects.filter(
        round__organiser__path__startswith=plan.owner_unit.path,
        round__start_date__year__gte=plan.start_year, round__start_date__year__lte=plan.end_year,
    ).exclude(round__status=Round.Status.PLANNED)  # fmt: skip
    for unit_id, title in rounds.values_list("unit_id", "round__title"):
        cov.inspected.setdefault(unit_id, []).append(title)
    return cov


@dataclass
class Alignment:
    """How an annual plan lines up with the city's (imported) plan for the same year."""

    both: list[tuple[Unit, int, int]]  # unit, our order, city order
    only_ours: list[Unit]
    only_city: list[Unit]

    @property
    def order_mismatches(self) -> list[tuple[Unit, int, int]]:
        return [row for row in self.both if row[1] != row[2]]


def city_alignment(annual: Plan, city: Plan) -> Alignment:
    ours = {t.unit_id: t for t in PlanTarget.objects.filter(plan=annual).select_related("unit")}
    theirs = {
        t.unit_id: t
        for t in PlanTarget.objects.filter(plan=city, year__gte=annual.start_year, year__lte=annual.end_year)
        .select_related("unit")
    }  # fmt: skip
    # A city plan lists county systems by their county unit or by units inside the county.
    both = [(ours[k].unit, ours[k].order, theirs[k].order) for k in ours if k in theirs]
    return Alignment(
        both=both,
        only_ours=[t.unit for k, t in ours.items() if k not in theirs],
        only_city=[
            t.unit for k, t in theirs.items() if k not in ours and t.unit.is_within(annual.owner_unit)
        ],
    )


def rounds_visible(user) -> QuerySet[Round]:
    s = scope(user, "inspections.view")
    target_rounds = RoundTarget.objects.filter(s.units_q("unit__")).values("round")
    return (
        Round.objects.filter(s.units_q("organiser__") | Q(pk__in=target_rounds))
        .select_related("organiser", "plan")
        .annotate(n_targets=Count("targets", distinct=True))
        .order_by("-start_date", "-id")
    )


def rectifications_visible(user, capability: str = "inspections.rectify") -> QuerySet[Rectification]:
    """Items whose owner unit is in scope: the inspected unit's contact sees its own unit's only."""
    s = scope(user, capability)
    return (
        Rectification.objects.filter(s.units_q("owner_unit__"))
        .select_related("owner_unit", "round")
        .order_by("deadline", "pk")
    )
