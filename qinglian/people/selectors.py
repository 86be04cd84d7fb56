"""Shared reads of the unit tree, always within the viewer's scope."""

from __future__ import annotations

import re
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from qinglian.accounts.scopes import scope
from qinglian.people.cadre_forms import FLAGS
from qinglian.people.identity import tail_hash
from qinglian.people.models import Cadre, CadreSearchToken, Unit


def unit_list(
    *,
    viewer,
    capability: str = "units.view",
    q: str = "",
    kind: str = "",
    level: str = "",
    under: Unit | None = None,
    include_inactive: bool = False,
) -> QuerySet[Unit]:
    units = Unit.objects.filter(scope(viewer, capability).units_q()).select_related("parent", "supervisor")
    if not include_inactive:
        units = units.filter(is_active=True)
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if kind:
        units = units.filter(kind=kind)
    if level:
        units = units.filter(level=level)
    if under is not None:
        units = units.filter(path__startswith=under.path)
    return units.order_by("path")


# --- cadres ----------------------------------------------------------------------------------

AGE_FIELDS = ("min_age", "max_age")


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def cadre_search_q(q: str) -> Q:
    """One search box: name, pinyin or initials (prefix), the last 4–6 ID digits, or the unit's name."""
    q = q.strip()
    if not q:
        return Q()
    if re.fullmatch(r"\d{3,5}[\dXx]", q):
        if len(q) == 4:
            return Q(id_masked__endswith=q.upper())
        field = "id_tail5_hash" if len(q) == 5 else "id_tail6_hash"
        return Q(**{field: tail_hash(q.upper())})
    token_match = Exists(
        CadreSearchToken.objects.filter(cadre=OuterRef("pk"), token__startswith=q.lower()[:64])
    )
    if q.isascii():
        return Q(token_match)
    return Q(token_match) | Q(unit__name__icontains=q)


def cadre_list(*, viewer, capability: str = "people.view", filters: dict | None = None) -> QuerySet[Cadre]:
    filters = filters or {}
    cadres = Cadre.objects.filter(scope(viewer, capability).units_q("unit__")).select_related("unit")
    if q := filters.get("q"):
        cadres = cadres.filter(cadre_search_q(q))
    if under := filters.get("unit"):
        cadres = cadres.filter(unit__path__startswith=under.path)
    for field in ("post_level", "rank", "status", "employment_type", "managing_body"):
        if value := filters.get(field):
            cadres = cadres.filter(**{field: value})
    today = timezone.localdate()
    if (min_age := filters.get("min_age")) is not None:
        cadres = cadres.filter(birth_date__lte=_years_ago(today, min_age))
    if (max_age := filters.get("max_age")) is not None:
        cadres = cadres.filter(birth_date__gt=_years_ago(today, max_age + 1))
    for flag in FLAGS:
        if filters.get(flag):
            cadres = cadres.filter(**{flag: True})
    return cadres.order_by("unit__path", "name", "id")
