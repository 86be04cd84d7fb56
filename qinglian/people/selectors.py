"""Shared reads of the unit tree, always within the viewer's scope."""

from __future__ import annotations

import re
from datetime import date

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from qinglian.accounts.scopes import scope
from qinglian.people.cadre_forms import FLAGS
from qinglian.people.identity import tail_hash
from qinglian.people.models import Cadre, CadreSearchToken, Unit, UnitKind


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


UNIT_PICK_LIMIT = 20


def units_matching(units: QuerySet[Unit], q: str, *, limit: int) -> list[Unit]:
    """Among `units`, those whose name contains `q` or whose code is `q`: exact name or code first
    (annotated `exact` = 0), then higher units before lower ones; at most `limit`, one query."""
    q = q.strip()[:100]
    if not q:
        return []
    exact = Q(name=q) | Q(code__iexact=q)
    return list(
        units.filter(Q(name__icontains=q) | exact)
        .annotate(exact=Case(When(exact, then=Value(0)), default=Value(1)))
        .order_by("exact", "depth", "path")[:limit]
    )


def unit_pick(
    *, viewer, capability: str = "people.view", q: str = "", limit: int = UNIT_PICK_LIMIT
) -> list[Unit]:
    """The type-ahead of the unit filters: active units in the viewer's scope matching `q`."""
    return units_matching(unit_list(viewer=viewer, capability=capability), q, limit=limit)


# --- cadres ----------------------------------------------------------------------------------

AGE_FIELDS = ("min_age", "max_age")


def years_ago(today: date, years: int) -> date:
    """The same day `years` years earlier (28 February for a 29 February in a common year)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def supervising_body(unit: Unit) -> Unit | None:
    """The body that supervises `unit`: its explicit supervisor (a stationed group or a township
    committee), else the nearest discipline commission above it (a child of the unit or of an
    ancestor). None when the tree has neither."""
    if unit.supervisor_id:
        return unit.supervisor
    node = unit
    while node is not None:
        body = Unit.objects.filter(parent=node, kind=UnitKind.DISCIPLINE_COMMISSION).first()
        if body is not None:
            return body
        node = node.parent
    return None


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
        cadres = cadres.filter(birth_date__lte=years_ago(today, min_age))
    if (max_age := filters.get("max_age")) is not None:
        cadres = cadres.filter(birth_date__gt=years_ago(today, max_age + 1))
    for flag in FLAGS:
        if filters.get(flag):
            cadres = cadres.filter(**{flag: True})
    return cadres.order_by("unit__path", "name", "id")


# The filters a search token carries a copy of (besides the scope): see CadreSearchToken.
TOKEN_FILTERS = frozenset({"q", "unit", "status"})
LIST_FILTERS = (
    "unit",
    "post_level",
    "rank",
    "status",
    "employment_type",
    "managing_body",
    *AGE_FIELDS,
    *FLAGS,
)
ID_TAIL = re.compile(r"\d{3,5}[\dXx]")


def cadre_browse(*, viewer, capability: str = "people.view", filters: dict | None = None):
    """What the cadre list page pages through: the cadres of `cadre_list`, in the same order.

    A pinyin/name search narrowed at most by unit subtree and status is answered from the search
    tokens, which carry the cadre's name, unit path and status: counted and paged from the token
    index alone, and only the page's cadres are fetched (bench/people_list.py: at 500,000 cadres
    the query over the cadre table visited ~13,000 wide rows for a two-letter prefix). Any other
    filter, an ID-digits search or a Chinese search (which also matches unit names) goes through
    `cadre_list`."""
    filters = filters or {}
    q = (filters.get("q") or "").strip()
    used = {f for f in ("q", *LIST_FILTERS) if filters.get(f) not in (None, "", False)}
    if not q or not q.isascii() or ID_TAIL.fullmatch(q) or not used <= TOKEN_FILTERS:
        return cadre_list(viewer=viewer, capability=capability, filters=filters)
    s = scope(viewer, capability)
    in_scope = Q(pk__in=[])
    for path in s.prefixes:
        in_scope |= Q(unit_path__startswith=path)
    for unit_id in s.unit_ids:  # a single unit: its path ends with its own id
        in_scope |= Q(unit_path__endswith=f"/{unit_id}/")
    tokens = CadreSearchToken.objects.filter(in_scope, token__startswith=q.lower()[:64])
    if under := filters.get("unit"):
        tokens = tokens.filter(unit_path__startswith=under.path)
    if status := filters.get("status"):
        tokens = tokens.filter(status=status)
    return TokenSearch(tokens)


class TokenSearch:
    """The cadres matching a filtered set of search tokens, ordered like `cadre_list` (unit path,
    name, id), sliced and counted lazily as Django's paginators do with a QuerySet: a count is one
    query on the tokens, a page is two (the page's cadre ids from the tokens, then those cadres)."""

    ordered = True  # for Paginator's check

    def __init__(self, tokens: QuerySet[CadreSearchToken], start: int = 0, stop: int | None = None):
        self.tokens, self.start, self.stop = tokens, start, stop
        self._cadres: list[Cadre] | None = None

    def order_by(self, *fields) -> TokenSearch:
        if fields:
            raise TypeError("TokenSearch keeps cadre_list's order")
        return self  # CappedPaginator: .order_by()[:cap + 1].count()

    def __getitem__(self, k):
        if not isinstance(k, slice) or k.step is not None or (k.start or 0) < 0 or (k.stop or 0) < 0:
            raise TypeError("TokenSearch takes plain slices")
        start = self.start + (k.start or 0)
        stop = self.stop if k.stop is None else self.start + k.stop
        if self.stop is not None and stop is not None:
            stop = min(stop, self.stop)
        return TokenSearch(self.tokens, start, stop)

    def count(self) -> int:
        if self._cadres is not None:
            return len(self._cadres)
        ids = self.tokens.values("cadre_id").distinct().order_by()
        return ids[self.start : self.stop].count()

    def _fetch(self) -> list[Cadre]:
        if self._cadres is None:
            keys = (
                self.tokens.values_list("unit_path", "name", "cadre_id")
                .distinct()
                .order_by("unit_path", "name", "cadre_id")[self.start : self.stop]
            )
            ids = [cadre_id for _path, _name, cadre_id in keys]
            by_id = Cadre.objects.select_related("unit").in_bulk(ids)
            self._cadres = [by_id[i] for i in ids if i in by_id]
        return self._cadres

    def __iter__(self):
        return iter(self._fetch())

    def __len__(self) -> int:
        return len(self._fetch())

    def __bool__(self) -> bool:
        return bool(self._fetch())
