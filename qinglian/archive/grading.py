"""A person's grade (等次) from the entries that count, set-based.

The scheme is the `archive.grade` rule (qinglian/archive/rules.py), read as in force on the date
asked about; every number below is one of its parameters:

- Only entries that count (the semantics of `bars.counting_entries`: reviewed or needing no
  review, not voided, not superseded or closed — all "as known on" the end of the day asked
  about) of graded kinds (`EntryKind.graded`), on the person's file, decided within the last
  `window_years` years (effective date after the same day `window_years` years earlier).
  Pending states and outside facts are colourless and never graded.
- Points per entry: black −`black_points`, yellow −`yellow_points`, graded blue (基本称职,
  不称职) −`blue_points`, red +`red_points`; an entry decided more than `recent_years` years ago
  counts `older_weight_pct` per cent of that.
- Score = 100 + the sum, kept within 0–100 (commendations offset deductions; they never lift a
  score above 100).
- Grade: 好 from `good_min`, 较好 from `fair_min`, 一般 from `poor_max`, 较差 below it.

Example with the defaults: a 记过 decided 8 months ago → 70 (一般); two 谈话提醒 this year → 84
(一般); one 诫勉 three years ago → 96 (好); nothing graded → 100 (好).

`person_grade_refresh` (on each write) and `grades_refresh_all` (nightly) run the same SQL: one
INSERT … SELECT … GROUP BY person … ON CONFLICT DO UPDATE, over one person or over everyone, on
SQLite and PostgreSQL alike (only the JSON aggregate differs). `PersonGrade.basis` lists each
entry with the points it contributed ([[entry id, points], ...]), so the page can explain the grade.
"""

# ruff: noqa: S608 — SQL text is built from table names, fixed fragments and integer id lists
# read from our own tables; every value is a bound parameter.
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from qinglian.archive.models import ArchiveEntry, EntryKind, PersonGrade
from qinglian.archive.periods import add_months
from qinglian.people.models import Cadre
from qinglian.rules.registry import params

GRADE_RULE = "archive.grade"
GRADES = ("好", "较好", "一般", "较差")
COLOUR_KEYS = ("red", "blue", "yellow", "black")

ENTRY = ArchiveEntry._meta.db_table
KIND = EntryKind._meta.db_table
CADRE = Cadre._meta.db_table
GRADE = PersonGrade._meta.db_table


# --- shared SQL pieces (also used by warnings and ecology) ---------------------------------------


def known_end(as_of: date) -> datetime:
    """What was known "on" `as_of`: everything recorded before the next local midnight."""
    return timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))


def sql_params(as_of: date, **extra) -> dict:
    """The common named parameters of `counting_sql`, adapted for the database."""
    ops = connection.ops
    out = {
        "as_of": ops.adapt_datefield_value(as_of),
        "known": ops.adapt_datetimefield_value(known_end(as_of)),
    }
    for key, value in extra.items():
        if isinstance(value, datetime):
            value = ops.adapt_datetimefield_value(value)
        elif isinstance(value, date):
            value = ops.adapt_datefield_value(value)
        out[key] = value
    return out


def counting_sql(alias: str = "e") -> str:
    """An entry that counts on %(as_of)s as known on %(known)s (`bars.counting_entries` in SQL).

    `ended_at`/`voided_at` are written when a later entry supersedes or closes the entry, or the
    void is approved; an entry ended after what was known still counts."""
    a = alias
    return (
        f"{a}.effective_on <= %(as_of)s AND {a}.recorded_at < %(known)s"
        f" AND ({a}.voided_at IS NULL OR {a}.voided_at >= %(known)s)"
        f" AND ({a}.ended_at IS NULL OR {a}.ended_at >= %(known)s)"
        f" AND ({a}.review = 'not_needed' OR ({a}.review = 'accepted' AND {a}.reviewed_at < %(known)s))"
    )


def in_list(values) -> str:
    """A literal IN list of integers (ids read from our own tables, never user input)."""
    ids = sorted({int(v) for v in values})
    return "(" + ", ".join(str(i) for i in ids) + ")" if ids else "(NULL)"


def kinds() -> dict[str, EntryKind]:
    return {k.code: k for k in EntryKind.objects.all()}


# --- the scheme ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scheme:
    window_years: int
    recent_years: int
    older_weight_pct: int
    points: dict[str, int]  # per colour, signed (deductions negative)
    good_min: Decimal
    fair_min: Decimal
    poor_max: Decimal
    citation: str
    unsettled: bool

    def window_start(self, as_of: date) -> date:
        """Entries decided after this day are inside the window."""
        return add_months(as_of, -12 * self.window_years)

    def recent_start(self, as_of: date) -> date:
        return add_months(as_of, -12 * self.recent_years)

    def grade_for(self, score) -> str:
        score = Decimal(score)
        if score >= self.good_min:
            return "好"
        if score >= self.fair_min:
            return "较好"
        if score >= self.poor_max:
            return "一般"
        return "较差"


def scheme(as_of: date, known_on: datetime | None = None) -> Scheme:
    p = params(GRADE_RULE, as_of=as_of, known_on=known_on)
    first = next(iter(p.values()))
    return scheme_from({k: x.value for k, x in p.items()}, first.citation, first.unsettled)


def scheme_from(v: dict, citation: str = "", unsettled: bool = False) -> Scheme:
    """The scheme from the `archive.grade` parameter values (a missing newer key: no weighting)."""
    return Scheme(
        window_years=int(v["window_years"]),
        recent_years=int(v.get("recent_years", v["window_years"])),
        older_weight_pct=int(v.get("older_weight_pct", 100)),
        points={
            "red": int(v["red_points"]),
            "blue": -int(v["blue_points"]),
            "yellow": -int(v["yellow_points"]),
            "black": -int(v["black_points"]),
        },
        good_min=Decimal(v["good_min"]),
        fair_min=Decimal(v["fair_min"]),
        poor_max=Decimal(v["poor_max"]),
        citation=citation,
        unsettled=unsettled,
    )


def points_sql(alias: str = "e") -> str:
    """The points one entry contributes (needs the %(p_*)s and %(recent)s parameters)."""
    return f"{cents_sql(alias)} / 100.0"


def scheme_params(s: Scheme, as_of: date) -> dict:
    return {
        "p_red": s.points["red"],
        "p_blue": s.points["blue"],
        "p_yellow": s.points["yellow"],
        "p_black": s.points["black"],
        "older_pct": s.older_weight_pct,
        "recent": connection.ops.adapt_datefield_value(s.recent_start(as_of)),
        "window": connection.ops.adapt_datefield_value(s.window_start(as_of)),
        # floats: SQLite compares a number with a text parameter as text
        "good_min": float(s.good_min),
        "fair_min": float(s.fair_min),
        "poor_max": float(s.poor_max),
        # the same bars in hundredths of a point (the light grade pass counts in integers)
        "good_min_cents": float(s.good_min * 100),
        "fair_min_cents": float(s.fair_min * 100),
        "poor_max_cents": float(s.poor_max * 100),
    }


def _json_fragments() -> tuple[str, str, str]:
    """(basis aggregate, counts object, empty basis) for this database. The basis is compact —
    [[entry id, points], ...] — because building it is most of the nightly grade statement's
    time; the page looks the entries up to explain it (`grade_explanation`)."""
    counts = "'red', COALESCE(a.red, 0), 'blue', COALESCE(a.blue, 0), 'yellow', COALESCE(a.yellow, 0), 'black', COALESCE(a.black, 0)"
    if connection.vendor == "postgresql":
        return (
            "jsonb_agg(jsonb_build_array(x.id, x.points) ORDER BY x.id)",
            f"jsonb_build_object({counts})",
            "'[]'::jsonb",
        )
    return "json_group_array(json_array(x.id, x.points))", f"json_object({counts})", "json('[]')"


def _fingerprint_sql() -> str:
    """The basis's fingerprint as an aggregate over the entries `x` (PostgreSQL 14 or later): the
    XOR of a 64-bit hash of each (entry id, points in hundredths) pair — the same whatever the
    order, parallel-safe, and equal for a different basis with a chance of about 2⁻⁶⁴. NULL on
    SQLite, whose nightly rebuilds every basis."""
    if connection.vendor != "postgresql":
        return "NULL"
    return "BIT_XOR(hashint8extended(x.id, x.cents))"


def cents_sql(alias: str = "e") -> str:
    """The points one entry contributes, in hundredths of a point, as an integer (exactly
    100 × `points_sql`: the points per colour and the older weight are whole numbers)."""
    a = alias
    return (
        f"(CASE {a}.colour WHEN 'red' THEN %(p_red)s WHEN 'blue' THEN %(p_blue)s"
        f" WHEN 'yellow' THEN %(p_yellow)s WHEN 'black' THEN %(p_black)s ELSE 0 END)"
        f" * (CASE WHEN {a}.effective_on > %(recent)s THEN 100 ELSE %(older_pct)s END)"
    )


def graded_ids(all_kinds=None) -> list[int]:
    all_kinds = (all_kinds or kinds()).values()
    return [k.pk for k in all_kinds if k.graded and not k.for_units]


def _select(person_filter: str, graded_kinds: list[int], *, light: bool = False) -> str:
    """person_id, score, grade, counts, basis, fingerprint — for everyone, or one person
    (`AND c.id = %(pid)s`), or some (`AND c.id IN (…)`). `light`: person_id, score_cents, grade and
    fingerprint only, in integer hundredths of a point (the same numbers exactly, several times
    cheaper than numeric) and without JSON: what the nightly compares with the stored grades."""
    basis, counts, empty = _json_fragments()
    order = ""
    if connection.vendor == "postgresql" and not light:
        # The rows arrive sorted by person and entry, so the aggregate appends them in that order
        # without a sort per person (for everyone at once, 475,000 small sorts were most of the
        # statement); the same arrays as ORDER BY x.id.
        basis = basis.replace(" ORDER BY x.id", "")
        order = "ORDER BY e.person_id, e.id"
    graded = in_list(graded_kinds)
    entry_filter = person_filter.replace("c.id", "e.person_id")
    fingerprint = f"COALESCE(a.fingerprint, {'NULL' if connection.vendor != 'postgresql' else '0'})"
    if light:
        raw = "(10000 + COALESCE(a.cents, 0))"
        score = f"(CASE WHEN {raw} > 10000 THEN 10000 WHEN {raw} < 0 THEN 0 ELSE {raw} END)"
        suffix = "_cents"
        points, total = "", "SUM(x.cents) AS cents"
        outputs, aggregates = "", ""
    else:
        raw = "(100 + COALESCE(a.total, 0))"
        score = f"ROUND(CASE WHEN {raw} > 100 THEN 100 WHEN {raw} < 0 THEN 0 ELSE {raw} END, 2)"
        suffix = ""
        points, total = f"ROUND({points_sql('e')}, 2) AS points,", "SUM(x.points) AS total"
        outputs = f", {counts} AS counts, COALESCE(a.basis, {empty}) AS basis"
        aggregates = f"""
                   , SUM(CASE WHEN x.colour = 'red' THEN 1 ELSE 0 END) AS red,
                   SUM(CASE WHEN x.colour = 'blue' THEN 1 ELSE 0 END) AS blue,
                   SUM(CASE WHEN x.colour = 'yellow' THEN 1 ELSE 0 END) AS yellow,
                   SUM(CASE WHEN x.colour = 'black' THEN 1 ELSE 0 END) AS black,
                   {basis} AS basis"""
    return f"""
        SELECT c.id AS person_id, {score} AS score{suffix},
               CASE WHEN {score} >= %(good_min{suffix})s THEN '好' WHEN {score} >= %(fair_min{suffix})s THEN '较好'
                    WHEN {score} >= %(poor_max{suffix})s THEN '一般' ELSE '较差' END AS grade,
               {fingerprint} AS fingerprint {outputs}
        FROM {CADRE} c
        LEFT JOIN (
            SELECT x.person_id, {total}, {_fingerprint_sql()} AS fingerprint {aggregates}
            FROM (
                SELECT e.id, e.person_id, e.colour, {points} {cents_sql("e")} AS cents
                FROM {ENTRY} e
                WHERE e.person_id IS NOT NULL AND e.kind_id IN {graded} AND e.effective_on > %(window)s
                  AND {counting_sql("e")} {entry_filter} {order}
            ) x
            GROUP BY x.person_id
        ) a ON a.person_id = c.id
        WHERE 1 = 1 {person_filter}
    """


def _upsert(person_filter: str, values: dict, graded_kinds: list[int]) -> int:
    if not person_filter and connection.vendor == "postgresql":
        return _refresh_all_pg(values, graded_kinds)
    return _upsert_statement(person_filter, values, graded_kinds)


GRADE_SCAN_TEMP = "archive_grade_scan"


def pg_scan_settings(cur) -> None:
    """Per transaction (SET LOCAL: the server's configuration is not touched), for the
    everyone-at-once statements on PostgreSQL: sorts and hashes in memory rather than temporary
    files; two parallel workers, costed as cheap (by default the planner kept the scan's largest
    statements serial on a two-core machine, where the parallel plan took 2.7 s instead of 3.4–4.7 s
    for the pass over the entries); and no JIT (compiling each statement cost 0.3–1.5 s, more than
    it saved)."""
    cur.execute("SET LOCAL work_mem = '256MB'")
    cur.execute("SET LOCAL max_parallel_workers_per_gather = 2")
    cur.execute("SET LOCAL parallel_setup_cost = 10")
    cur.execute("SET LOCAL parallel_tuple_cost = 0.001")
    cur.execute("SET LOCAL jit = off")


def scratch_table(prefix: str) -> tuple[str, str]:
    """(name, CREATE … TABLE words) for a table that lives inside one transaction of a scan.

    On PostgreSQL an UNLOGGED table with a name of its own, not a TEMPORARY one: a temporary
    table's pages sit in the creating backend's local buffers, so neither the statement that fills
    it nor any statement that reads it can use parallel workers (the nightly scan then ran on one
    of the two cores while DuckDB used both). Created inside the scan's transaction, it is
    invisible to other sessions and vanishes with a rollback; the scan drops it before committing.
    On SQLite, a temporary table."""
    if connection.vendor == "postgresql":
        return f"{prefix}_{secrets.token_hex(6)}", "CREATE UNLOGGED TABLE"
    return prefix, "CREATE TEMPORARY TABLE"


def _refresh_all_pg(values: dict, graded_kinds: list[int]) -> int:
    """Everyone's grade on PostgreSQL, in scratch tables (unlogged, named for this run, dropped
    at the end; a temporary table would keep the statements that fill and read it off parallel
    workers):

    1. everyone's score, grade and basis fingerprint, in integers and without building any JSON,
       compared with the stored grades: the people whose grade differs in any of them, or who
       have none;
    2. for those people only, the whole grade (counts and basis), then one UPDATE of the rows that
       changed and one INSERT of the missing ones (NOT IN: one hashed set read before the insert).

    Everyone is recomputed; only the bases that changed are rebuilt (building 500,000 JSON
    arrays was most of the nightly grade step). Same rows as `_upsert_statement`."""
    (changed, _), (full, _) = scratch_table(f"{GRADE_SCAN_TEMP}_c"), scratch_table(f"{GRADE_SCAN_TEMP}_f")
    with transaction.atomic(), connection.cursor() as cur:
        pg_scan_settings(cur)
        cur.execute(
            f"""CREATE UNLOGGED TABLE {changed} AS
                SELECT g.person_id FROM ({_select("", graded_kinds, light=True)}) g
                LEFT JOIN {GRADE} t ON t.person_id = g.person_id
                WHERE t.person_id IS NULL OR t.fingerprint IS DISTINCT FROM g.fingerprint
                   OR t.grade IS DISTINCT FROM g.grade OR t.score * 100 <> g.score_cents""",
            values,
        )
        cur.execute(f"ANALYZE {changed}")
        only_changed = f"AND c.id IN (SELECT person_id FROM {changed})"
        cur.execute(f"CREATE UNLOGGED TABLE {full} AS {_select(only_changed, graded_kinds)}", values)
        cur.execute(f"ANALYZE {full} (person_id)")
        cur.execute(
            f"""UPDATE {GRADE} t SET score = g.score, grade = g.grade, counts = g.counts, basis = g.basis,
                       fingerprint = g.fingerprint, as_of = %(as_of)s, computed_at = %(now)s
                FROM {full} g
                WHERE t.person_id = g.person_id
                  AND (t.score IS DISTINCT FROM g.score OR t.grade IS DISTINCT FROM g.grade
                       OR t.basis IS DISTINCT FROM g.basis OR t.fingerprint IS DISTINCT FROM g.fingerprint)""",
            values,
        )
        written = cur.rowcount
        cur.execute(
            f"""INSERT INTO {GRADE} (person_id, score, grade, counts, basis, fingerprint, as_of, computed_at)
                SELECT g.person_id, g.score, g.grade, g.counts, g.basis, g.fingerprint, %(as_of)s, %(now)s
                FROM {full} g
                WHERE g.person_id NOT IN (SELECT t.person_id FROM {GRADE} t)
                ON CONFLICT (person_id) DO NOTHING""",
            values,
        )
        written += cur.rowcount
        cur.execute(f"DROP TABLE {changed}, {full}")
        return written


def _upsert_statement(person_filter: str, values: dict, graded_kinds: list[int]) -> int:
    sql = f"""
        INSERT INTO {GRADE} (person_id, score, grade, counts, basis, fingerprint, as_of, computed_at)
        SELECT g.person_id, g.score, g.grade, g.counts, g.basis, g.fingerprint, %(as_of)s, %(now)s
        FROM ({_select(person_filter, graded_kinds)}) g
        WHERE true
        ON CONFLICT (person_id) DO UPDATE SET
            score = excluded.score, grade = excluded.grade, counts = excluded.counts,
            basis = excluded.basis, fingerprint = excluded.fingerprint, as_of = excluded.as_of,
            computed_at = excluded.computed_at
        WHERE {GRADE}.score IS DISTINCT FROM excluded.score OR {GRADE}.grade IS DISTINCT FROM excluded.grade
           OR {GRADE}.basis IS DISTINCT FROM excluded.basis OR {GRADE}.fingerprint IS DISTINCT FROM excluded.fingerprint
    """
    with connection.cursor() as cur:
        cur.execute(sql, values)
        return cur.rowcount


def _values(as_of: date, s: Scheme, **extra) -> dict:
    return sql_params(as_of, now=timezone.now(), **extra) | scheme_params(s, as_of)


def person_grade_upsert(person_id: int, as_of: date, s: Scheme, graded_kinds: list[int]) -> None:
    """One person's grade with the scheme and kinds already at hand (the incremental path)."""
    _upsert("AND c.id = %(pid)s", _values(as_of, s, pid=int(person_id)), graded_kinds)


def person_grade_refresh(person_id: int, as_of: date | None = None) -> PersonGrade:
    """Recompute one person's grade (called after each write to their file) and return it."""
    as_of = as_of or timezone.localdate()
    person_grade_upsert(person_id, as_of, scheme(as_of), graded_ids())
    return PersonGrade.objects.get(person_id=person_id)


def grades_refresh_all(as_of: date | None = None) -> int:
    """Recompute every person's grade in one statement; returns the rows written. A row whose
    score, grade and basis did not change is left alone (its `as_of`/`computed_at` stay those of
    the last change), so the nightly run writes only what moved."""
    as_of = as_of or timezone.localdate()
    return _upsert("", _values(as_of, scheme(as_of)), graded_ids())


def grade_distribution(as_of: date, *, known_on: datetime | None = None) -> dict[str, int]:
    """How many people would have each grade on `as_of` (as known then), without writing (backtest)."""
    values = _values(as_of, scheme(as_of, known_on))
    sql = f"SELECT g.grade, COUNT(*) FROM ({_select('', graded_ids(), light=True)}) g GROUP BY g.grade"
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            pg_scan_settings(cur)
        cur.execute(sql, values)
        found = dict(cur.fetchall())
    return {g: int(found.get(g, 0)) for g in GRADES}


def basis_items(basis) -> list[tuple[int, float]]:
    """(entry id, points) pairs of a stored basis (also the older {"entry":…, "points":…} form)."""
    return [(b["entry"], b["points"]) if isinstance(b, dict) else (b[0], b[1]) for b in basis or []]


def grade_explanation(grade: PersonGrade) -> list[str]:
    """The grade's reasons in Chinese, newest entry first (for the person page)."""
    s = scheme(grade.as_of)
    points = {int(entry_id): value for entry_id, value in basis_items(grade.basis)}
    entries = (
        ArchiveEntry.objects.filter(pk__in=list(points))
        .select_related("kind")
        .only("id", "effective_on", "kind__name")
    )
    lines = []
    for e in sorted(entries, key=lambda e: (e.effective_on, e.pk), reverse=True):
        value = Decimal(str(points[e.pk])).normalize()
        sign = "+" if value > 0 else ""
        lines.append(f"{e.kind.name}（{e.effective_on:%Y-%m-%d}）：{sign}{value:f}分")
    head = f"{grade.grade}（{Decimal(grade.score).normalize():f}分），依据{s.citation}"
    if s.unsettled:
        head += "（默认值，依据待核实）"
    if not lines:
        lines.append(f"近{s.window_years}年无计分记录")
    return [head, *lines]
