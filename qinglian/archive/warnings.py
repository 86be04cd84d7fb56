"""Early warnings (预警): named rules over the archive, set-based, with a life of their own.

Each rule is registered in the rule registry (code `warning.<name>`, qinglian/archive/rules.py)
and is one SQL statement over the entries that count (`grading.counting_sql`) — over everyone in
the nightly scan, or restricted to one person / one unit when an entry is written:

- `warning.black_risk` — 即将转黑: an open 初步核实 or 立案 (one warning per pending entry), or at
  least `yellow_count` yellow entries decided within `months` months (one per person and latest
  yellow entry, so a further yellow entry warns again).
- `warning.influence_ending` — 影响期即将届满: an influence period (an entry with the `object`
  effect) ends within `days` days and no other bar of the person runs longer: a positive notice
  that the person becomes eligible again. One per entry.
- `warning.repeated_reports` — 多次被反映: at least `count` allegations (`allegation.registered`)
  within `months` months. One per person and latest allegation.
- `warning.inquiry_overdue` — 函询逾期: an inquiry (`handling.inquiry`) still open after its reply
  deadline — `deadline.inquiry.reply` working days from its effective date, counted with the
  working-day calendar (`core.workdays.add_working_days`), with the rule as in force on the
  inquiry's date — plus `grace_working_days`. One per inquiry.
- `warning.unit_points` — 单位新增问题点: a unit's yellow/black points this calendar quarter — its
  unit-level entries plus its members' entries (recorded against the unit) — reach `points`.
  One per unit and quarter.

Person warnings concern serving cadres only and are raised on the person's current unit.

A warning keeps its rule, the rule's parameters at the time, the entries behind it, an explanation
naming them (kind and date only: sealed content never appears), and a dedup key (one warning per
rule and key, whatever the number of scans). It opens a to-do (`archive.warning`, 10 working
days) for the responsible body: the unit's supervising body (`Unit.supervisor`: stationed group,
township committee) or, where it has none, the discipline body of the nearest ancestor — the
first unit up the tree (the unit itself first) that has a child of kind `discipline_commission`
or `township_committee`. Life: new → acknowledged → handled / dismissed (with a reason), by users
with `archive.review` whose scope holds the warning's unit; closing it completes the to-do.
"""

# ruff: noqa: S608 — SQL text is built from table names, fixed fragments and integer id lists
# read from our own tables; every value is a bound parameter.
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.archive.grading import (
    CADRE,
    ENTRY,
    GRADE_RULE,
    counting_sql,
    graded_ids,
    in_list,
    kinds,
    known_end,
    person_grade_upsert,
    scheme_from,
    sql_params,
)
from qinglian.archive.models import ArchiveEntry, Warning
from qinglian.archive.periods import add_months
from qinglian.audit.services import audit_record, audit_record_many
from qinglian.core import workdays
from qinglian.people.models import Cadre, Unit
from qinglian.rules.models import RuleParameter
from qinglian.rules.registry import pick_in_force, spec_for

log = logging.getLogger("qinglian.archive.warnings")
UNIT = Unit._meta.db_table

RULES = (
    "warning.black_risk",
    "warning.influence_ending",
    "warning.repeated_reports",
    "warning.inquiry_overdue",
    "warning.unit_points",
)
PERSON_RULES = RULES[:4]
WORKITEM_KIND = "archive.warning"
WORKITEM_DAYS = 10
INQUIRY_RULE = "deadline.inquiry.reply"
RESPONSIBLE_KINDS = ("discipline_commission", "township_committee")


@dataclass
class Candidate:
    """What a rule raises on a date (stored as a Warning unless backtesting)."""

    rule: str
    key: str
    unit_id: int
    person_id: int | None
    entry_ids: list[int]
    explanation: str
    params: dict = field(default_factory=dict)
    name: str = ""  # the person's name (for the to-do's title)


@dataclass
class _Ctx:
    as_of: date
    known: datetime
    kinds: dict
    rule_params: dict[str, dict]  # rule code -> {key: value}
    inquiry_periods: list[tuple[date, int]]  # (effective_from, working days), ascending
    names: dict[int, str] = field(default_factory=dict)  # person id -> name, from the rule rows
    # Where the rules read entries: the entry table, or (nightly scan) a temporary table of the
    # entries that count on `as_of`, already filtered (`scan.counting_table`).
    source: str = ENTRY
    counted: bool = False

    def values(self, **extra) -> dict:
        return sql_params(self.as_of, **extra)

    def counting(self, alias: str = "e") -> str:
        """The "entry counts" condition, unless the source holds only entries that count."""
        return "1 = 1" if self.counted else counting_sql(alias)


# --- parameters ---------------------------------------------------------------------------------


def _load_params(as_of: date, known_on: datetime | None) -> tuple[dict[str, dict], list[tuple[date, int]]]:
    """Every warning rule's parameters in force on `as_of`, and the history of the inquiry reply
    deadline (each inquiry uses the value in force on its own date): one query."""
    rows = RuleParameter.objects.filter(rule__code__in=[*RULES, INQUIRY_RULE, GRADE_RULE]).select_related(
        "rule"
    )
    if known_on is not None:
        rows = [r for r in rows if r.is_default or r.recorded_at <= known_on]
    by_rule: dict[str, list] = defaultdict(list)
    for r in rows:
        by_rule[r.rule.code].append(r)
    out = {}
    for code in (*RULES, GRADE_RULE):
        in_force = pick_in_force(r for r in by_rule[code] if r.effective_from <= as_of)
        values = {k: r.typed_value for k, r in in_force.items()}
        spec = spec_for(code)
        for key, p in (spec.param_specs() if spec else {}).items():
            values.setdefault(key, p.default)
        out[code] = values
    grade_rule = next((r.rule for r in by_rule[GRADE_RULE]), None)
    out["_grade_citation"] = (grade_rule.citation, grade_rule.unsettled) if grade_rule else ("", False)
    # Inquiry deadline: the value in force from each effective date on.
    inquiry = sorted(by_rule[INQUIRY_RULE], key=lambda r: (r.effective_from, r.recorded_at, r.pk))
    periods: dict[date, int] = {}
    for r in inquiry:
        if r.key == "working_days" and r.effective_from <= as_of:
            periods[r.effective_from] = int(r.typed_value)
    if not periods:
        periods[date(2000, 1, 1)] = 15
    return out, sorted(periods.items())


def _context(as_of: date, known_on: datetime | None = None) -> _Ctx:
    rule_params, periods = _load_params(as_of, known_on)
    return _Ctx(as_of, known_end(as_of), kinds(), rule_params, periods)


def _fmt(d) -> str:
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return f"{d:%Y年%m月%d日}"


def _rows(sql: str, values: dict, ctx: _Ctx | None = None) -> list[dict]:
    with connection.cursor() as cur:
        cur.execute(sql, values)
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    if ctx is not None:
        ctx.names.update((r["person_id"], r["person_name"]) for r in rows if r.get("person_name"))
    return rows


def _as_date(v) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v)[:10])


def _filter(person_id: int | None, unit_id: int | None) -> tuple[str, dict]:
    if person_id is not None:
        return "AND e.person_id = %(pid)s", {"pid": int(person_id)}
    if unit_id is not None:
        return "AND e.unit_id = %(uid)s", {"uid": int(unit_id)}
    return "", {}


def _person_entry(ctx: _Ctx, *, kinds: str, extra: str) -> str:
    if ctx.counted:  # the nightly scan's counting table carries the person's status, unit and name
        return f"""
            SELECT e.id, e.person_id, e.person_unit_id AS unit_id, e.person_name, e.kind_id, e.effective_on,
                   e.influence_end
            FROM {ctx.source} e
            WHERE e.person_serving AND e.kind_id IN {kinds} {extra}
        """
    return f"""
        SELECT e.id, e.person_id, c.unit_id, c.name AS person_name, e.kind_id, e.effective_on, e.influence_end
        FROM {ctx.source} e JOIN {CADRE} c ON c.id = e.person_id
        WHERE c.status = 'serving' AND e.kind_id IN {kinds} AND {ctx.counting("e")} {extra}
    """


# --- the rules ----------------------------------------------------------------------------------


def _black_risk(ctx: _Ctx, person_id=None) -> list[Candidate]:
    p = ctx.rule_params["warning.black_risk"]
    k = ctx.kinds
    flt, extra = _filter(person_id, None)
    out = []
    pending = _person_entry(
        ctx, kinds=in_list(k[c].pk for c in ("verification.opened", "case.opened") if c in k), extra=flt
    )
    by_id = {x.pk: x for x in k.values()}
    for r in _rows(pending, ctx.values(**extra), ctx):
        name = by_id[r["kind_id"]].name
        out.append(Candidate("warning.black_risk", f"p{r['person_id']}:pending:{r['id']}", r["unit_id"],
                             r["person_id"], [r["id"]], f"{name}（{_fmt(r['effective_on'])}）尚未办结，可能受到处分，请加强关注。",
                             dict(p)))  # fmt: skip
    months, needed = int(p["months"]), int(p["yellow_count"])
    since = add_months(ctx.as_of, -months)
    yellow = in_list(x.pk for x in k.values() if x.colour == "yellow" and not x.for_units)
    sql = f"""
        SELECT * FROM (
            SELECT y.*, COUNT(*) OVER (PARTITION BY y.person_id) AS n FROM (
                {_person_entry(ctx, kinds=yellow, extra=flt + " AND e.effective_on > %(since)s")}
            ) y
        ) z WHERE z.n >= %(needed)s ORDER BY z.person_id, z.effective_on, z.id
    """
    out += _grouped(
        _rows(sql, ctx.values(since=since, needed=needed, **extra), ctx),
        lambda pid, rows: Candidate(
            "warning.black_risk", f"p{pid}:yellow:{max(r['id'] for r in rows)}", rows[-1]["unit_id"], pid,
            [r["id"] for r in rows],
            f"近{months}个月内有{len(rows)}个黄点（" + "；".join(
                f"{by_id[r['kind_id']].name}，{_fmt(r['effective_on'])}" for r in rows
            ) + f"），达到{needed}个，有转为黑点的风险。", dict(p)),
    )  # fmt: skip
    return out


def _grouped(rows: list[dict], make, key="person_id") -> list[Candidate]:
    groups: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r[key]].append(r)
    return [make(k, rs) for k, rs in groups.items()]


def _influence_ending(ctx: _Ctx, person_id=None) -> list[Candidate]:
    p = ctx.rule_params["warning.influence_ending"]
    days = int(p["days"])
    k = ctx.kinds
    by_id = {x.pk: x for x in k.values()}
    objecting = in_list(x.pk for x in k.values() if x.effect == "object" and not x.for_units)
    blocking = in_list(x.pk for x in k.values() if x.effect in ("object", "postpone") and not x.for_units)
    flt, extra = _filter(person_id, None)
    # No other bar of the person that runs longer (permanent, until closed, or ending later).
    sql = _person_entry(ctx, kinds=objecting, extra=flt + f"""
        AND e.permanent = %(false)s AND e.influence_end >= %(as_of)s AND e.influence_end <= %(until)s
        AND NOT EXISTS (
            SELECT 1 FROM {ctx.source} o WHERE o.person_id = e.person_id AND o.id <> e.id AND o.kind_id IN {blocking}
              AND {ctx.counting("o")}
              AND (o.permanent = %(true)s OR o.influence_end IS NULL OR o.influence_end > e.influence_end)
              AND (o.influence_end IS NULL OR o.influence_end >= %(as_of)s)
        )""")  # fmt: skip
    rows = _rows(
        sql, ctx.values(until=ctx.as_of + timedelta(days=days), true=True, false=False, **extra), ctx
    )
    return [
        Candidate("warning.influence_ending", f"p{r['person_id']}:ends:{r['id']}", r["unit_id"], r["person_id"],
                  [r["id"]], f"{by_id[r['kind_id']].name}（{_fmt(r['effective_on'])}）的影响期至"
                  f"{_fmt(r['influence_end'])}届满，届满后不再影响使用（无其他影响期）。", dict(p))
        for r in rows
    ]  # fmt: skip


def _repeated_reports(ctx: _Ctx, person_id=None) -> list[Candidate]:
    p = ctx.rule_params["warning.repeated_reports"]
    months, needed = int(p["months"]), int(p["count"])
    flt, extra = _filter(person_id, None)
    kind = ctx.kinds.get("allegation.registered")
    sql = f"""
        SELECT * FROM (
            SELECT y.*, COUNT(*) OVER (PARTITION BY y.person_id) AS n FROM (
                {_person_entry(ctx, kinds=in_list([kind.pk] if kind else []), extra=flt + " AND e.effective_on > %(since)s")}
            ) y
        ) z WHERE z.n >= %(needed)s ORDER BY z.person_id, z.effective_on, z.id
    """  # noqa: E501
    rows = _rows(sql, ctx.values(since=add_months(ctx.as_of, -months), needed=needed, **extra), ctx)
    return _grouped(
        rows,
        lambda pid, rs: Candidate(
            "warning.repeated_reports", f"p{pid}:reports:{max(r['id'] for r in rs)}", rs[-1]["unit_id"], pid,
            [r["id"] for r in rs],
            f"近{months}个月内被反映问题{len(rs)}次（登记日期：" + "、".join(_fmt(r["effective_on"]) for r in rs)
            + f"），达到{needed}次。", dict(p)),
    )  # fmt: skip


def _inquiry_cutoff(as_of: date, working_days: int) -> date:
    """The last effective date whose reply deadline fell before `as_of`: the day before the
    `working_days`-th working day counted back from the eve of `as_of`."""
    d, counted = as_of, 0
    while counted < working_days:
        d -= timedelta(days=1)
        if workdays.is_working_day(d):
            counted += 1
    return d - timedelta(days=1)


def _inquiry_overdue(ctx: _Ctx, person_id=None) -> list[Candidate]:
    p = ctx.rule_params["warning.inquiry_overdue"]
    grace = int(p["grace_working_days"])
    kind = ctx.kinds.get("handling.inquiry")
    flt, extra = _filter(person_id, None)
    # One condition per period of the deadline rule: set-based, yet each inquiry uses its own.
    terms, values = [], {}
    periods = ctx.inquiry_periods
    for i, (start, days) in enumerate(periods):
        end = periods[i + 1][0] if i + 1 < len(periods) else None
        values[f"from{i}"] = start
        values[f"cut{i}"] = _inquiry_cutoff(ctx.as_of, days + grace)
        term = f"(e.effective_on >= %(from{i})s AND e.effective_on <= %(cut{i})s"
        if end is not None:
            values[f"to{i}"] = end
            term += f" AND e.effective_on < %(to{i})s"
        terms.append(term + ")")
    sql = _person_entry(
        ctx, kinds=in_list([kind.pk] if kind else []), extra=flt + " AND (" + " OR ".join(terms) + ")"
    )
    out, dues = [], {}
    for r in _rows(sql, ctx.values(**extra, **values), ctx):
        on = _as_date(r["effective_on"])
        days = next(d for s, d in reversed(periods) if s <= on)
        if (on, days) not in dues:  # thousands of inquiries, a few hundred sending days
            dues[on, days] = workdays.add_working_days(on, days).date
        due = dues[on, days]
        out.append(Candidate("warning.inquiry_overdue", f"p{r['person_id']}:inquiry:{r['id']}", r["unit_id"],
                             r["person_id"], [r["id"]], f"谈话函询（{_fmt(on)}发出）应于{_fmt(due)}前书面回复"
                             f"（{days}个工作日），至今未回复。", dict(p) | {"reply_working_days": days}))  # fmt: skip
    return out


def quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def quarter_key(d: date) -> str:
    start = quarter_start(d)
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


def _points_where(ctx: _Ctx, *, counted: bool = False) -> str:
    """A yellow or black point (members' and unit-level) decided this quarter that counts."""
    points = in_list(x.pk for x in ctx.kinds.values() if x.colour in ("yellow", "black"))
    return f"e.kind_id IN {points} AND e.effective_on >= %(start)s AND {ctx.counting('e') if counted else counting_sql('e')}"


def _subtree_pattern(path: str) -> str:
    return path + "%"  # paths are digits and slashes: no LIKE wildcard to escape


def _unit_points(ctx: _Ctx, unit_ids=None) -> list[Candidate]:
    """Every unit whose subtree reached the threshold this quarter (the unit ecology rolls up: a
    township's points include its villages'), or only `unit_ids`. The roll-up is one recursive
    statement over the units of this quarter's points, on SQLite and PostgreSQL alike."""
    p = ctx.rule_params["warning.unit_points"]
    needed = int(p["points"])
    start = quarter_start(ctx.as_of)
    q = quarter_key(ctx.as_of)
    values = ctx.values(start=start, needed=needed)
    pts_filter, anc_filter = "", ""
    if unit_ids is not None:
        units = list(Unit.objects.filter(pk__in=list(unit_ids)).only("id", "path"))
        if not units:
            return []
        terms = []
        for i, u in enumerate(units):
            values[f"tree{i}"] = _subtree_pattern(u.path)
            terms.append(f"d.path LIKE %(tree{i})s")
        pts_filter = f"AND e.unit_id IN (SELECT d.id FROM {UNIT} d WHERE {' OR '.join(terms)})"
        anc_filter = f"WHERE up.anc_id IN {in_list(u.pk for u in units)}"
    sql = f"""
        WITH RECURSIVE pts AS (
            SELECT e.id, e.unit_id, e.person_id, e.colour, e.effective_on FROM {ctx.source} e
            WHERE {_points_where(ctx, counted=True)} {pts_filter}
        ),
        up (unit_id, anc_id) AS (
            SELECT u.id, u.id FROM {UNIT} u WHERE u.id IN (SELECT pts.unit_id FROM pts)
            UNION ALL
            SELECT up.unit_id, u.parent_id FROM up JOIN {UNIT} u ON u.id = up.anc_id WHERE u.parent_id IS NOT NULL
        )
        SELECT * FROM (
            SELECT up.anc_id AS unit_id, p.id, p.unit_id AS own_unit_id, p.person_id, p.colour, p.effective_on,
                   COUNT(*) OVER (PARTITION BY up.anc_id) AS n
            FROM pts p JOIN up ON up.unit_id = p.unit_id {anc_filter}
        ) z WHERE z.n >= %(needed)s ORDER BY z.unit_id, z.effective_on, z.id
    """
    rows = _rows(sql, values)

    def make(uid, rs):
        own = sum(1 for r in rs if r["person_id"] is None)
        yellow = sum(1 for r in rs if r["colour"] == "yellow")
        below = len({r["own_unit_id"] for r in rs if r["own_unit_id"] != uid})
        where = f"，含下级单位{below}个" if below else ""
        return Candidate(
            "warning.unit_points", f"u{uid}:{q}", uid, None, [r["id"] for r in rs],
            f"{start.year}年第{(start.month - 1) // 3 + 1}季度新增问题点{len(rs)}个（单位问题{own}个、本单位人员"
            f"{len(rs) - own}个；黄点{yellow}个、黑点{len(rs) - yellow}个{where}），达到{needed}个。", dict(p) | {"quarter": q},
        )  # fmt: skip

    return _grouped(rows, make, key="unit_id")


def _unit_points_around(ctx: _Ctx, unit_id: int) -> tuple[list[Candidate], set[str], set[str]]:
    """The unit rule after a write, for the entry's unit and each of its ancestors (their figures
    roll up): one statement of capped counts — each stops as soon as it reaches the threshold, so
    the county and the root cost no more than a small unit — then the detail only for the units
    that reach it and have no warning this quarter yet (or one that had cleared: it reopens).

    Returns (candidates to store, keys whose condition holds, every key checked)."""
    unit = Unit.objects.filter(pk=unit_id).only("id", "path").first()
    if unit is None:
        return [], set(), set()
    p = ctx.rule_params["warning.unit_points"]
    needed = int(p["points"])
    q = quarter_key(ctx.as_of)
    ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    values = ctx.values(start=quarter_start(ctx.as_of), needed=needed)
    parts = []
    for i, a in enumerate(ids):
        values[f"tree{i}"] = _subtree_pattern("/" + "/".join(str(x) for x in ids[: i + 1]) + "/")
        parts.append(f"""SELECT {a} AS unit_id, COUNT(*) AS n FROM (
            SELECT 1 AS one FROM {ENTRY} e JOIN {UNIT} d ON d.id = e.unit_id
            WHERE d.path LIKE %(tree{i})s AND {_points_where(ctx)} LIMIT %(needed)s) x{i}""")  # fmt: skip
    counts = {r["unit_id"]: int(r["n"]) for r in _rows(" UNION ALL ".join(parts), values)}
    keys = {a: f"u{a}:{q}" for a in ids}
    holding = {a for a in ids if counts.get(a, 0) >= needed}
    known = set(
        Warning.objects.filter(rule="warning.unit_points", key__in=[keys[a] for a in holding])
        .exclude(status=Warning.Status.CLEARED)
        .values_list("key", flat=True)
    )
    fresh = [a for a in holding if keys[a] not in known]
    return (
        _unit_points(ctx, fresh) if fresh else [],
        {keys[a] for a in holding},
        set(keys.values()),
    )


_PERSON_RULE_FUNCS = (_black_risk, _influence_ending, _repeated_reports, _inquiry_overdue)


def evaluate(as_of: date, *, known_on: datetime | None = None, person_id=None, unit_id=None,
             everyone: bool = True) -> list[Candidate]:  # fmt: skip
    """What the rules raise on `as_of` (as known at the end of that day): for everyone, or for one
    person and/or one unit (`everyone=False`)."""
    return _evaluate(_context(as_of, known_on), person_id=person_id, unit_id=unit_id, everyone=everyone)


def _evaluate(ctx: _Ctx, *, person_id=None, unit_id=None, everyone: bool = True) -> list[Candidate]:
    out: list[Candidate] = []
    if everyone or person_id is not None:
        for func in _PERSON_RULE_FUNCS:
            out += func(ctx, None if everyone else person_id)
    if everyone or unit_id is not None:
        out += _unit_points(ctx, None if everyone else [unit_id])
    _name(ctx, out)
    return out


def _name(ctx: _Ctx, out: list[Candidate]) -> None:
    for c in out:
        if c.person_id is not None:
            c.name = ctx.names.get(c.person_id, "")


# --- storing and the to-do ----------------------------------------------------------------------


def _units_for(unit_ids) -> dict[int, Unit]:
    """The units `responsible_body` needs for these units: themselves, their supervisors, their
    ancestors and the ancestors' discipline bodies (two queries, whatever the tree's size)."""
    own = list(
        Unit.objects.filter(pk__in=set(unit_ids)).only(
            "id", "name", "path", "parent_id", "supervisor_id", "kind"
        )
    )
    ancestors = {int(x) for u in own for x in u.path.strip("/").split("/") if x}
    wanted = ancestors | {u.supervisor_id for u in own if u.supervisor_id}
    more = Unit.objects.filter(
        Q(pk__in=wanted) | Q(parent_id__in=ancestors, kind__in=RESPONSIBLE_KINDS, is_active=True)
    ).only("id", "name", "path", "parent_id", "supervisor_id", "kind")
    return {u.pk: u for u in [*own, *more]}


def responsible_body(unit: Unit, units: dict[int, Unit] | None = None) -> Unit | None:
    """The body that gets the to-do: the unit's supervisor, else the discipline body of the
    nearest ancestor (the unit itself first)."""
    if units is None:
        units = _units_for([unit.pk])
    return _responsible(units.get(unit.pk, unit), units, _responsible_children(units))


def responsible_bodies(unit_ids, units: dict[int, Unit] | None = None) -> dict[int, Unit | None]:
    """`responsible_body` for many units at once: one read of the units (`_units_for`, unless
    given) and one index of their responsible children (built per call, it made storing 26,000
    warnings quadratic)."""
    units = units if units is not None else _units_for(set(unit_ids))
    children = _responsible_children(units)
    return {uid: _responsible(units[uid], units, children) if uid in units else None for uid in set(unit_ids)}


def _responsible_children(units: dict[int, Unit]) -> dict[int, list[Unit]]:
    children: dict[int, list[Unit]] = defaultdict(list)
    for u in units.values():
        if u.parent_id and u.kind in RESPONSIBLE_KINDS:
            children[u.parent_id].append(u)
    for found in children.values():
        found.sort(key=lambda u: (RESPONSIBLE_KINDS.index(u.kind), u.pk))
    return children


def _responsible(unit: Unit, units: dict[int, Unit], children: dict[int, list[Unit]]) -> Unit | None:
    if unit.supervisor_id and unit.supervisor_id in units:
        return units[unit.supervisor_id]
    node = unit
    while node is not None:
        if found := children.get(node.pk):
            return found[0]
        node = units.get(node.parent_id) if node.parent_id else None
    return None


def _title(w: Warning, name: str, units: dict[int, Unit]) -> str:
    spec = spec_for(w.rule)
    label = spec.name.removeprefix("预警：").removeprefix("提示：") if spec else w.rule
    who = name if w.person_id else getattr(units.get(w.unit_id), "name", "")
    return f"{'提示' if w.rule == 'warning.influence_ending' else '预警'}：{who} {label}"[:200]


def store(candidates: list[Candidate], *, as_of: date) -> list[Warning]:
    """Save the candidates not yet raised (by rule and key) with their entries, audit them and open
    their to-dos; a cleared warning raised again opens again. Returns the warnings created or
    reopened by this call."""
    if not candidates:
        return []
    keys: dict[str, set[str]] = defaultdict(set)
    for c in candidates:
        keys[c.rule].add(c.key)
    existing, cleared = set(), {}
    # Keys per query: SQLite limits a statement's parameters; on PostgreSQL, 26,000 keys in
    # chunks of 500 took 53 queries and 0.4 s of the nightly scan.
    chunk = 10_000 if connection.vendor == "postgresql" else 500
    for rule, ks in keys.items():
        ks = sorted(ks)
        for i in range(0, len(ks), chunk):
            for pk, key, status in Warning.objects.filter(rule=rule, key__in=ks[i : i + chunk]).values_list(
                "pk", "key", "status"
            ):
                existing.add((rule, key))
                if status == Warning.Status.CLEARED:
                    cleared[(rule, key)] = pk
    fresh, seen = [], set()
    for c in candidates:
        if (c.rule, c.key) not in existing and (c.rule, c.key) not in seen:
            seen.add((c.rule, c.key))
            fresh.append(c)
    reopened = _reopen([c for c in candidates if (c.rule, c.key) in cleared], cleared, as_of=as_of)
    if not fresh:
        return reopened
    now = timezone.now()
    by_key = {(c.rule, c.key): c for c in fresh}
    rows = [Warning(rule=c.rule, key=c.key, unit_id=c.unit_id, person_id=c.person_id, params=_jsonable(c.params),
                    explanation=c.explanation, raised_on=as_of, raised_at=now) for c in fresh]  # fmt: skip
    with transaction.atomic():
        try:
            with transaction.atomic():
                mine = Warning.objects.bulk_create(rows, batch_size=1000)
        except IntegrityError:  # raised meanwhile by another process: keep only what we create
            Warning.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
            mine = []
            for rule in {c.rule for c in fresh}:
                ks = sorted(k for r, k in by_key if r == rule)
                for i in range(0, len(ks), 500):
                    mine += Warning.objects.filter(rule=rule, key__in=ks[i : i + 500], raised_at=now)
        Through = Warning.entries.through
        Through.objects.bulk_create(
            [Through(warning_id=w.pk, archiveentry_id=e) for w in mine for e in by_key[(w.rule, w.key)].entry_ids],
            ignore_conflicts=True, batch_size=5000,
        )  # fmt: skip
        audit_record_many([
            {"actor": None, "action": "archive.warning_raise", "obj": w, "person_id": w.person_id,
             "unit_id": w.unit_id, "extra": {"rule": w.rule, "key": w.key, "entries": by_key[(w.rule, w.key)].entry_ids}}
            for w in mine
        ])  # fmt: skip
        _open_todos(mine, {k: c.name for k, c in by_key.items()}, as_of=as_of)
    return reopened + mine


def _open_todos(warnings: list[Warning], names: dict[tuple[str, str], str], *, as_of: date) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField, OuterRef, Subquery
    from django.db.models.functions import Cast

    from qinglian.workitems.models import WorkItem
    from qinglian.workitems.services import workitems_create_many

    units = _units_for({w.unit_id for w in warnings})
    bodies = responsible_bodies({w.unit_id for w in warnings}, units)
    start = min(as_of, timezone.localdate())
    todo, specs = [], []
    for w in warnings:
        body = bodies.get(w.unit_id)
        if body is None:
            log.warning("no responsible body for warning %s (unit %s)", w.pk, w.unit_id)
            continue
        todo.append(w)
        specs.append(
            {"subject": w, "title": _title(w, names.get((w.rule, w.key), ""), units), "assignee_unit": body}
        )
    # One set-based call for all of them: the same rows, audit events and notifications as one
    # `workitem_create` per warning.
    items = workitems_create_many(actor=None, kind=WORKITEM_KIND, items=specs, due_working_days=WORKITEM_DAYS,
                                  start=start)  # fmt: skip
    for w, item in zip(todo, items, strict=True):
        w.workitem_id = item.pk
    # Each warning points at the to-do just opened about it: one UPDATE per 5,000 warnings with
    # a correlated look-up on the to-dos' subject index (not a CASE with a branch per row).
    newest = WorkItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Warning), kind=WORKITEM_KIND,
        object_id=Cast(OuterRef("pk"), CharField()),
    ).order_by("-pk").values("pk")[:1]  # fmt: skip
    ids = [w.pk for w in todo]
    for i in range(0, len(ids), 5000):
        Warning.objects.filter(pk__in=ids[i : i + 5000]).update(workitem_id=Subquery(newest))


@transaction.atomic
def _reopen(
    candidates: list[Candidate], cleared: dict[tuple[str, str], int], *, as_of: date
) -> list[Warning]:
    """A cleared warning whose condition holds again (e.g. a unit's quarter reaches the threshold
    again after a void) opens again with today's entries and a new to-do; its clearing stays in
    the audit trail."""
    if not candidates:
        return []
    by_key = {(c.rule, c.key): c for c in candidates}
    ws = list(
        Warning.objects.select_for_update().filter(pk__in=[cleared[k] for k in by_key], status="cleared")
    )
    now = timezone.now()
    Through = Warning.entries.through
    events = []
    for w in ws:
        c = by_key[(w.rule, w.key)]
        events.append({"actor": None, "action": "archive.warning_reopen", "obj": w, "person_id": w.person_id,
                       "unit_id": w.unit_id, "extra": {"rule": w.rule, "key": w.key, "entries": c.entry_ids,
                                                       "cleared_at": str(w.closed_at),
                                                       "cleared_reason": w.closed_reason}})  # fmt: skip
        w.status, w.closed_at, w.closed_reason = Warning.Status.NEW, None, ""
        w.status_changed_by, w.status_changed_at, w.status_note = None, now, ""
        w.explanation, w.params, w.raised_on, w.raised_at = c.explanation, _jsonable(c.params), as_of, now
        w.workitem_id = None
    audit_record_many(events)
    Warning.objects.bulk_update(ws, ["status", "closed_at", "closed_reason", "status_changed_by", "status_changed_at",
                                     "status_note", "explanation", "params", "raised_on", "raised_at", "workitem_id"])  # fmt: skip
    Through.objects.filter(warning_id__in=[w.pk for w in ws]).delete()
    Through.objects.bulk_create([Through(warning_id=w.pk, archiveentry_id=e) for w in ws
                                 for e in by_key[(w.rule, w.key)].entry_ids], ignore_conflicts=True)  # fmt: skip
    _open_todos(ws, {k: c.name for k, c in by_key.items()}, as_of=as_of)
    return ws


# --- clearing -----------------------------------------------------------------------------------

OPEN = ("new", "acknowledged")


def _clear_reason(w: Warning, ctx: _Ctx, *, newer: set[tuple[str, str]], left: set[int], ends: dict) -> str:
    if w.person_id is not None and w.person_id in left:
        return "该人员已不在职"
    what = w.key.split(":")[1] if w.person_id is not None else "unit"
    p = ctx.rule_params.get(w.rule, {})
    if what in ("yellow", "reports") and (w.rule, w.key.rsplit(":", 1)[0]) in newer:
        return "已由该人员新的同类预警取代"
    if what == "ends":
        end = ends.get(w.pk)
        if end is not None and _as_date(end) < ctx.as_of:
            return f"影响期已于{_fmt(end)}届满"
        return "另有更长的影响期，或该记录已撤销、更正或作废"
    return {
        "pending": "初步核实或立案审查调查已办结，或该记录已撤销、作废",
        "yellow": f"近{p.get('months', '')}个月内的黄点已不足{p.get('yellow_count', '')}个",
        "reports": f"近{p.get('months', '')}个月内被反映问题已不足{p.get('count', '')}次",
        "inquiry": "函询已回复，或该记录已撤销、作废",
        "unit": f"本季度问题点已不足{p.get('points', '')}个（有记录撤销、更正或作废）",
    }.get(what, "预警条件已不再成立")


@transaction.atomic
def clear(
    *,
    ctx: _Ctx,
    found: list[Candidate],
    checked: Q,
    held: set[tuple[str, str]] = frozenset(),
    stream: bool = False,
) -> list[Warning]:
    """Close the open warnings (new or acknowledged) among `checked` whose rule no longer raises
    them on `ctx.as_of` (neither in `found` nor in `held`): status 已自动解除, with when and why;
    audited; their to-dos are cancelled with the same reason. Handled or dismissed warnings are
    left as they are. One query finds them, whatever the number of open warnings."""
    from qinglian.workitems.models import WorkItem
    from qinglian.workitems.services import workitem_cancel

    held = set(held) | {(c.rule, c.key) for c in found}
    rows = Warning.objects.filter(checked, status__in=OPEN).values_list("pk", "rule", "key")
    # The nightly scan streams every open warning; after one entry a handful: a plain query.
    gone = [
        pk
        for pk, rule, key in (rows.iterator(chunk_size=10_000) if stream else rows)
        if (rule, key) not in held
    ]
    if not gone:
        return []
    ws = []
    for i in range(0, len(gone), 1000):
        ws += Warning.objects.select_for_update().filter(pk__in=gone[i : i + 1000], status__in=OPEN)
    newer = {(c.rule, c.key.rsplit(":", 1)[0]) for c in found if c.person_id is not None}
    people = {w.person_id for w in ws if w.person_id is not None}
    left = set(Cadre.objects.filter(pk__in=people).exclude(status="serving").values_list("pk", flat=True))
    ending = [w.pk for w in ws if w.rule == "warning.influence_ending"]
    ends = dict(
        Warning.entries.through.objects.filter(warning_id__in=ending).values_list(
            "warning_id", "archiveentry__influence_end"
        )
    )
    now = timezone.now()
    for w in ws:
        reason = _clear_reason(w, ctx, newer=newer, left=left, ends=ends)
        w.status, w.closed_at, w.closed_reason = Warning.Status.CLEARED, now, reason[:255]
        w.status_changed_at, w.status_changed_by = now, None
        audit_record(actor=None, action="archive.warning_clear", obj=w, person_id=w.person_id, unit_id=w.unit_id,
                     reason=reason, extra={"rule": w.rule, "key": w.key, "as_of": ctx.as_of.isoformat()})  # fmt: skip
    Warning.objects.bulk_update(ws, ["status", "closed_at", "closed_reason", "status_changed_at", "status_changed_by"],
                                batch_size=1000)  # fmt: skip
    reasons = {w.workitem_id: w.closed_reason for w in ws if w.workitem_id}
    for item in WorkItem.objects.filter(pk__in=list(reasons), status=WorkItem.Status.OPEN):
        workitem_cancel(actor=None, item=item, reason=f"预警已自动解除：{reasons[item.pk]}")
    return ws


def nightly_scope(as_of: date) -> Q:
    """What the nightly scan re-checks: every person warning, and the unit warnings of the
    current quarter (a past quarter's warning records what happened then: it stays)."""
    return Q(rule__in=PERSON_RULES) | Q(rule="warning.unit_points", key__endswith=f":{quarter_key(as_of)}")


def refresh(ctx: _Ctx, *, person_id: int | None = None, unit_id: int | None = None) -> tuple[list, list]:
    """The incremental update: the person rules for one person, the unit rule for one unit and its
    ancestors; stores what is new and clears what no longer holds. Returns (raised, cleared)."""
    found: list[Candidate] = []
    held: set[tuple[str, str]] = set()
    checked = Q(pk__in=[])
    if person_id is not None:
        for func in _PERSON_RULE_FUNCS:
            found += func(ctx, person_id)
        checked |= Q(person_id=person_id, rule__in=PERSON_RULES)
    if unit_id is not None:
        more, holding, keys = _unit_points_around(ctx, unit_id)
        found += more
        held |= {("warning.unit_points", k) for k in holding}
        checked |= Q(rule="warning.unit_points", key__in=sorted(keys))
    _name(ctx, found)
    raised = store(found, as_of=ctx.as_of)
    return raised, clear(ctx=ctx, found=found, checked=checked, held=held)


def _jsonable(params: dict) -> dict:
    return {
        k: (v if isinstance(v, (int, float, str, bool)) or v is None else str(v)) for k, v in params.items()
    }


def warnings_refresh(*, person_id: int | None = None, unit_id: int | None = None,
                     as_of: date | None = None) -> list[Warning]:  # fmt: skip
    """Re-run the person rules for one person and the unit rule for one unit and its ancestors
    (on each write); returns the warnings raised (those that cleared are closed too)."""
    as_of = as_of or timezone.localdate()
    return refresh(_context(as_of), person_id=person_id, unit_id=unit_id)[0]


def on_entry_recorded(sender, person_id=None, unit_id=None, **kwargs) -> None:
    """After an entry is committed: that person's grade and warnings (new ones raised, cleared ones
    closed), the unit rule for that unit and its ancestors —
    the rule parameters and kinds read once for all of it. A failure here must not fail the write
    that is already committed: it is logged, and the nightly scan repairs it."""
    try:
        today = timezone.localdate()
        ctx = _context(today)
        if person_id is not None:
            citation, unsettled = ctx.rule_params["_grade_citation"]
            s = scheme_from(ctx.rule_params[GRADE_RULE], citation, unsettled)
            person_grade_upsert(person_id, today, s, graded_ids(ctx.kinds))
        refresh(ctx, person_id=person_id, unit_id=unit_id)
    except Exception:
        log.exception("incremental grade/warning update failed (person %s, unit %s)", person_id, unit_id)


# --- the life of a warning ----------------------------------------------------------------------


def _check(actor, warning: Warning) -> Warning:
    warning = Warning.objects.select_for_update().select_related("unit").get(pk=warning.pk)
    if not has_capability(actor, "archive.review") or not scope(actor, "archive.review").contains(
        warning.unit
    ):
        raise PermissionDenied("您无权处理该预警")
    return warning


def _transition(actor, warning: Warning, status: str, note: str, action: str, request) -> Warning:
    warning.status = status
    warning.status_changed_by = actor
    warning.status_changed_at = timezone.now()
    warning.status_note = note
    warning.save(update_fields=["status", "status_changed_by", "status_changed_at", "status_note"])
    audit_record(actor=actor, action=action, obj=warning, person_id=warning.person_id, unit_id=warning.unit_id,
                 reason=note, request=request, extra={"rule": warning.rule, "status": status})  # fmt: skip
    return warning


@transaction.atomic
def warning_acknowledge(*, actor, warning: Warning, note: str = "", request=None) -> Warning:
    """签收: the responsible staff have seen the warning."""
    warning = _check(actor, warning)
    if warning.status != Warning.Status.NEW:
        raise ValidationError({"status": f"该预警{warning.get_status_display()}，不能签收"})
    return _transition(actor, warning, Warning.Status.ACKNOWLEDGED, (note or "").strip(),
                       "archive.warning_acknowledge", request)  # fmt: skip


def _close(actor, warning, status, note, action, request, missing) -> Warning:
    warning = _check(actor, warning)
    if warning.status not in (Warning.Status.NEW, Warning.Status.ACKNOWLEDGED):
        raise ValidationError({"status": f"该预警{warning.get_status_display()}，不能再处理"})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": missing})
    if len(note) > 2000:
        raise ValidationError({"note": "说明过长（不超过2000个字）"})
    warning = _transition(actor, warning, status, note, action, request)
    from qinglian.workitems.services import workitems_complete_for_subject

    workitems_complete_for_subject(
        actor=actor, subject=warning, kind=WORKITEM_KIND, note=note, request=request
    )
    return warning


@transaction.atomic
def warning_handle(*, actor, warning: Warning, note: str, request=None) -> Warning:
    """已处置: what was done (a talk, a check...); completes the to-do."""
    return _close(actor, warning, Warning.Status.HANDLED, note, "archive.warning_handle", request,
                  "请填写处置情况")  # fmt: skip


@transaction.atomic
def warning_dismiss(*, actor, warning: Warning, reason: str, request=None) -> Warning:
    """已排除: the warning does not call for action, with the reason; completes the to-do."""
    return _close(actor, warning, Warning.Status.DISMISSED, reason, "archive.warning_dismiss", request,
                  "请填写排除理由")  # fmt: skip


def warning_entries(warning: Warning) -> list[ArchiveEntry]:
    return list(warning.entries.select_related("kind").order_by("effective_on", "id"))
