"""A unit's political ecology (政治生态): selectors the pages call, set-based.

For a unit and everything below it (its subtree, by materialised path):

- members: serving cadres of the subtree, and their grades (`PersonGrade`; no row yet = 100);
- members' entries and unit-level entries (`for_units` kinds, e.g. `unit.clue`: a yellow point on
  the unit) that count, by colour, decided within the grade window (`archive.grade` window_years);
  entries belong to the unit they were recorded against (`ArchiveEntry.unit`);
- the unit score: the members' average grade score, less the unit-level points (the grade's points
  per colour and recency weight), kept within 0–100, and graded with the grade's thresholds;
- trend by quarter, comparison with peer units (same kind and level under the same nearest
  jurisdiction), and a heat map of every unit below a root.

Sealed entries (clues, pending states, outside facts) appear only as counts, never content: the
caller decides whether even the counts are shown.
"""

# ruff: noqa: S608 — SQL text is built from table names and fixed fragments; values are bound.
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Value, When
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone

from qinglian.archive.grading import (
    CADRE,
    ENTRY,
    GRADE,
    counting_sql,
    points_sql,
    scheme,
    scheme_params,
    sql_params,
)
from qinglian.archive.models import ArchiveEntry
from qinglian.people.models import Unit

UNIT = Unit._meta.db_table
COLOURS = ("red", "blue", "yellow", "black", "none")


def _unit_stats(targets: list[Unit], as_of: date) -> dict[int, dict]:
    """Members, grades and entry counts for each target unit's subtree: two statements."""
    if not targets:
        return {}
    s = scheme(as_of)
    values = sql_params(as_of) | scheme_params(s, as_of)
    ids = ", ".join(str(int(u.pk)) for u in targets)
    members_sql = f"""
        SELECT t.id, COUNT(c.id), COALESCE(SUM(COALESCE(g.score, 100)), 0),
               SUM(CASE WHEN g.grade = '较好' THEN 1 ELSE 0 END), SUM(CASE WHEN g.grade = '一般' THEN 1 ELSE 0 END),
               SUM(CASE WHEN g.grade = '较差' THEN 1 ELSE 0 END)
        FROM {UNIT} t
        JOIN {UNIT} d ON d.path LIKE t.path || '%%'
        JOIN {CADRE} c ON c.unit_id = d.id AND c.status = 'serving'
        LEFT JOIN {GRADE} g ON g.person_id = c.id
        WHERE t.id IN ({ids})
        GROUP BY t.id
    """
    entries_sql = f"""
        SELECT t.id, e.colour, CASE WHEN e.person_id IS NULL THEN 1 ELSE 0 END AS unit_level,
               COUNT(*), SUM(CASE WHEN e.sensitivity = 'sealed' THEN 1 ELSE 0 END),
               SUM(CASE WHEN e.person_id IS NULL THEN {points_sql("e")} ELSE 0 END),
               SUM(CASE WHEN e.effective_on > %(recent_year)s THEN 1 ELSE 0 END)
        FROM {UNIT} t
        JOIN {UNIT} d ON d.path LIKE t.path || '%%'
        JOIN {ENTRY} e ON e.unit_id = d.id
        WHERE t.id IN ({ids}) AND e.effective_on > %(window)s AND {counting_sql("e")}
        GROUP BY t.id, e.colour, CASE WHEN e.person_id IS NULL THEN 1 ELSE 0 END
    """
    from qinglian.archive.periods import add_months

    values["recent_year"] = connection.ops.adapt_datefield_value(add_months(as_of, -12))
    out = {
        u.pk: {
            "members": 0,
            "member_score_sum": Decimal(0),
            "grades": {"好": 0, "较好": 0, "一般": 0, "较差": 0},
            "member_entries": dict.fromkeys(COLOURS, 0),
            "unit_entries": dict.fromkeys(COLOURS, 0),
            "last_12_months": dict.fromkeys(COLOURS, 0),
            "sealed_entries": 0,
            "unit_points": Decimal(0),
        }
        for u in targets
    }
    with connection.cursor() as cur:
        cur.execute(members_sql, values)
        for uid, n, total, fair, mid, poor in cur.fetchall():
            o = out[uid]
            o["members"], o["member_score_sum"] = int(n), Decimal(str(total))
            o["grades"] = {"好": int(n) - int(fair or 0) - int(mid or 0) - int(poor or 0), "较好": int(fair or 0),
                           "一般": int(mid or 0), "较差": int(poor or 0)}  # fmt: skip
        cur.execute(entries_sql, values)
        for uid, colour, unit_level, n, sealed, points, recent in cur.fetchall():
            o = out[uid]
            o["unit_entries" if unit_level else "member_entries"][colour] += int(n)
            o["last_12_months"][colour] += int(recent or 0)
            o["sealed_entries"] += int(sealed or 0)
            o["unit_points"] += Decimal(str(points or 0))
    for o in out.values():
        average = o["member_score_sum"] / o["members"] if o["members"] else Decimal(100)
        score = max(Decimal(0), min(Decimal(100), average + o["unit_points"]))
        o["score"] = score.quantize(Decimal("0.01"))
        o["grade"] = s.grade_for(o["score"])
        o["unit_points"] = o["unit_points"].quantize(Decimal("0.01"))
        del o["member_score_sum"]
    return out


def unit_ecology(unit: Unit, as_of: date | None = None) -> dict:
    """The unit's picture: members, grade distribution, entries by colour (members' and unit-level,
    within the grade window, and the last 12 months), sealed count, unit score and grade."""
    as_of = as_of or timezone.localdate()
    s = scheme(as_of)
    stats = _unit_stats([unit], as_of)[unit.pk]
    return {"unit_id": unit.pk, "unit": unit.name, "as_of": as_of, "window_start": s.window_start(as_of),
            "citation": s.citation, "unsettled": s.unsettled, **stats}  # fmt: skip


def _quarters(as_of: date, n: int) -> list[tuple[int, int]]:
    y, q = as_of.year, (as_of.month - 1) // 3 + 1
    out = []
    for _ in range(n):
        out.append((y, q))
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    return out[::-1]


def unit_trend(unit: Unit, quarters: int = 8, *, as_of: date | None = None) -> list[dict]:
    """Entries of the unit's subtree per quarter (by decision date), oldest first, the current
    quarter last: one row per quarter with counts per colour and the unit-level count."""
    as_of = as_of or timezone.localdate()
    wanted = _quarters(as_of, max(1, min(int(quarters), 40)))
    (y0, q0) = wanted[0]
    start = date(y0, 3 * (q0 - 1) + 1, 1)
    rows = (
        ArchiveEntry.objects.filter(unit__path__startswith=unit.path, effective_on__gte=start, effective_on__lte=as_of,
                                    voided_at__isnull=True, review__in=["not_needed", "accepted"])
        .annotate(y=ExtractYear("effective_on"), q=ExtractQuarter("effective_on"),
                  unit_level=Case(When(person__isnull=True, then=Value(1)), default=Value(0)))
        .values("y", "q", "colour", "unit_level")
        .order_by()
    )  # fmt: skip
    from django.db.models import Count

    counts: dict[tuple[int, int], dict] = defaultdict(lambda: dict.fromkeys(COLOURS, 0) | {"unit_level": 0})
    for r in rows.annotate(n=Count("id")):
        c = counts[(r["y"], r["q"])]
        c[r["colour"]] += r["n"]
        if r["unit_level"]:
            c["unit_level"] += r["n"]
    return [
        {"quarter": f"{y}Q{q}", "label": f"{y}年第{q}季度", **counts[(y, q)],
         "points": counts[(y, q)]["yellow"] + counts[(y, q)]["black"]}
        for y, q in wanted
    ]  # fmt: skip


def _jurisdiction(unit: Unit) -> Unit | None:
    ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ids, kind="jurisdiction")}
    for pk in reversed(ids):
        if pk in found and pk != unit.pk:
            return found[pk]
    return None


def peer_comparison(unit: Unit, as_of: date | None = None) -> list[dict]:
    """The unit and its peers (same kind and level under the same nearest jurisdiction), best
    score first, with rank; the unit itself is marked `is_self`."""
    as_of = as_of or timezone.localdate()
    j = _jurisdiction(unit)
    peers = Unit.objects.filter(kind=unit.kind, level=unit.level, is_active=True)
    if j is not None:
        peers = peers.filter(path__startswith=j.path)
    peers = list(peers.order_by("path"))
    if unit.pk not in {p.pk for p in peers}:
        peers.append(unit)
    stats = _unit_stats(peers, as_of)
    rows = [{"unit_id": p.pk, "unit": p.name, "is_self": p.pk == unit.pk, **stats[p.pk]} for p in peers]
    rows.sort(key=lambda r: (-r["score"], r["unit"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows


def county_heatmap(root_unit: Unit, as_of: date | None = None) -> list[dict]:
    """One row per active unit below `root_unit` (its subtree score), for an ECharts heat map."""
    as_of = as_of or timezone.localdate()
    units = list(Unit.objects.filter(path__startswith=root_unit.path, is_active=True).exclude(pk=root_unit.pk)
                 .order_by("path"))  # fmt: skip
    stats = _unit_stats(units, as_of)
    return [
        {"unit_id": u.pk, "unit": u.name, "parent_id": u.parent_id, "kind": u.kind, "level": u.level,
         "depth": u.depth, "score": stats[u.pk]["score"], "grade": stats[u.pk]["grade"],
         "members": stats[u.pk]["members"], "yellow": stats[u.pk]["member_entries"]["yellow"]
         + stats[u.pk]["unit_entries"]["yellow"], "black": stats[u.pk]["member_entries"]["black"]
         + stats[u.pk]["unit_entries"]["black"], "unit_entries": sum(stats[u.pk]["unit_entries"].values())}
        for u in units
    ]  # fmt: skip
