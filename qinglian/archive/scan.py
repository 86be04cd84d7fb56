"""The nightly archive scan: every grade, the restrictions in force, every warning rule — set-based.

`archive_scan()` runs a fixed number of SQL statements whatever the number of people (one upsert
for the grades, one count of the restrictions, one statement per warning rule), then stores the
warnings not raised before (and their to-dos) and, when run for today, closes the open warnings
that the rules no longer raise (已自动解除, with when and why; their to-dos cancelled). With `backtest=True` it answers "what would the
rules have raised on that date", counting only what had been recorded by the end of that day,
and writes nothing: no grades, no warnings, no to-dos.
"""

# ruff: noqa: S608 — SQL text is built from table names, fixed fragments and integer id lists
# read from our own tables; every value is a bound parameter.
from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from qinglian.archive.grading import (
    CADRE,
    ENTRY,
    counting_sql,
    grade_distribution,
    grades_refresh_all,
    in_list,
    kinds,
    known_end,
    pg_scan_settings,
    scratch_table,
    sql_params,
)
from qinglian.archive.periods import add_months
from qinglian.archive.warnings import (
    Candidate,
    _context,
    _evaluate,
    clear,
    nightly_scope,
    quarter_start,
    store,
)
from qinglian.audit.services import audit_record


@dataclass
class ScanResult:
    as_of: date
    backtest: bool
    grades: int  # grade rows written (0 in a backtest)
    grade_distribution: dict[str, int]  # backtest only: people per grade
    restricted_people: int  # serving people with at least one bar in force
    warnings: list[Candidate] = field(default_factory=list)  # everything the rules raise on as_of
    new_warnings: int = 0  # stored by this run (0 in a backtest)
    by_rule: dict[str, int] = field(default_factory=dict)
    cleared: int = 0  # open warnings closed because their condition cleared (today's run only)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per part (for benchmarks)

    def summary(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "backtest": self.backtest, "grades": self.grades,
                "grade_distribution": self.grade_distribution, "restricted_people": self.restricted_people,
                "raised": len(self.warnings), "new_warnings": self.new_warnings, "cleared": self.cleared,
                "by_rule": self.by_rule,
                "seconds": round(self.seconds, 3)}  # fmt: skip


def restricted_people(as_of: date, *, source: str | None = None, all_kinds=None) -> int:
    """Serving people barred from something on `as_of` (as known then): an influence period in
    force, a permanent effect, or a pending state (`bars.bars` in SQL). `source`: the nightly
    scan's table of entries that count (`counting_table`) instead of the entry table."""
    ks = (all_kinds or kinds()).values()
    objecting = in_list(k.pk for k in ks if k.effect == "object" and not k.for_units)
    pending = in_list(k.pk for k in ks if k.effect == "postpone" and not k.for_units)
    if source:  # the counting table carries the person's status
        head = f"SELECT COUNT(DISTINCT e.person_id) FROM {source} e WHERE e.person_serving"
    else:
        head = f"""SELECT COUNT(DISTINCT e.person_id) FROM {ENTRY} e JOIN {CADRE} c ON c.id = e.person_id
                   WHERE c.status = 'serving' AND {counting_sql("e")}"""
    sql = f"""
        {head} AND (
            e.kind_id IN {pending}
            OR (e.kind_id IN {objecting} AND (e.permanent = %(true)s OR e.influence_end >= %(as_of)s)))
    """
    with connection.cursor() as cur:
        cur.execute(sql, sql_params(as_of, true=True))
        return int(cur.fetchone()[0])


def counting_table(ctx) -> str:
    """One pass over the entry table for the restrictions and the rules: the entries that count
    on `ctx.as_of` (as known then) and that one of them can look at, with the columns they read
    and the person's status, unit and name (so that the rules need not join the people), into a
    scratch table (`scratch_table`, analysed) that they all read instead. (The grades read the
    entry table themselves, through the same covering index: their 1.5 million rows of the
    benchmark's 1.6 million made writing this table most of its cost.) Which entries:

    - restrictions and "influence ending" (incl. its "no longer bar"): pending kinds, and
      objecting kinds that are permanent, open-ended or end on or after `as_of`;
    - black risk: yellow person kinds within its `months`, plus the pending kinds above;
    - repeated reports: allegations within its `months`; inquiries: pending kinds above;
    - unit points: yellow and black kinds (unit kinds too) decided this quarter.
    """
    k = ctx.kinds
    ks = k.values()
    p = ctx.rule_params
    # Pending kinds, and the kinds the rules name by code (whatever their effect).
    named = ("verification.opened", "case.opened", "handling.inquiry")
    ids = {
        "pending": [x.pk for x in ks if x.effect == "postpone" and not x.for_units]
        + [k[c].pk for c in named if c in k],
        "objecting": [x.pk for x in ks if x.effect == "object" and not x.for_units],
        "yellow": [x.pk for x in ks if x.colour == "yellow" and not x.for_units],
        "points": [x.pk for x in ks if x.colour in ("yellow", "black")],
        "allegation": [k["allegation.registered"].pk] if "allegation.registered" in k else [],
    }
    pending, objecting, yellow, points, allegation = (in_list(v) for v in ids.values())
    # Every kind above, once more as one list: the condition an index scan can start from
    # (PostgreSQL reads only these kinds' entries, from the covering index on kind and date
    # `archive_entry_kind_cover`, instead of most of the table's pages through a bitmap).
    wanted = in_list(x for v in ids.values() for x in v)
    values = sql_params(
        ctx.as_of,
        since_yellow=add_months(ctx.as_of, -int(p["warning.black_risk"]["months"])),
        since_reports=add_months(ctx.as_of, -int(p["warning.repeated_reports"]["months"])),
        quarter=quarter_start(ctx.as_of),
        true=True,
    )
    name, create = scratch_table("archive_scan_counting")
    sql = f"""
        {create} {name} AS
        SELECT e.id, e.person_id, e.unit_id, e.kind_id, e.colour, e.effective_on, e.influence_end, e.permanent,
               c.status = 'serving' AS person_serving, c.unit_id AS person_unit_id, c.name AS person_name
        FROM {ENTRY} e LEFT JOIN {CADRE} c ON c.id = e.person_id
        WHERE e.kind_id IN {wanted} AND {counting_sql("e")} AND (
            e.kind_id IN {pending}
            OR (e.kind_id IN {objecting}
                AND (e.permanent = %(true)s OR e.influence_end IS NULL OR e.influence_end >= %(as_of)s))
            OR (e.kind_id IN {yellow} AND e.effective_on > %(since_yellow)s)
            OR (e.kind_id IN {allegation} AND e.effective_on > %(since_reports)s)
            OR (e.kind_id IN {points} AND e.effective_on >= %(quarter)s))
    """
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {name}")
        cur.execute(sql, values)
        if connection.vendor == "postgresql":
            # A sample of 3,000 rows instead of 30,000 is plenty for the rules' simple plans
            # (ANALYZE took 0.19 s of the nightly at 1.6 million rows; with this, 0.02 s).
            cur.execute("SET LOCAL default_statistics_target = 10")
            cur.execute(f"ANALYZE {name}")
            cur.execute("RESET default_statistics_target")
        else:
            cur.execute(f"ANALYZE {name}")
    return name


@contextmanager
def _compute_settings():
    """One transaction for the computing part of the scan, on PostgreSQL with the settings of
    `grading.pg_scan_settings` (per transaction only)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                pg_scan_settings(cur)
        scratch: list[str] = []  # the scratch tables made inside: dropped before committing
        yield scratch
        # (On an error the transaction rolls back, and the scratch tables' creation with it.)
        with connection.cursor() as cur:
            for name in scratch:
                cur.execute(f"DROP TABLE IF EXISTS {name}")


def archive_scan(as_of: date | None = None, *, backtest: bool = False) -> ScanResult:
    """The nightly scan (or, with `backtest=True`, what it would have raised on `as_of`)."""
    started = last = time.perf_counter()
    phases: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        phases[name], last = now - last, now

    today = timezone.localdate()
    as_of = as_of or today
    if as_of > today:
        raise ValueError("不能对未来日期运行扫描")
    known_on = known_end(as_of) if backtest else None
    ctx = _context(as_of, known_on)
    with _compute_settings() as scratch:
        ctx.source, ctx.counted = counting_table(ctx), True
        scratch.append(ctx.source)
        lap("entries that count")
        if backtest:
            grades, distribution = 0, grade_distribution(as_of, known_on=known_on)
        else:
            grades, distribution = grades_refresh_all(as_of), {}
        lap("grades")
        restricted = restricted_people(as_of, source=ctx.source, all_kinds=ctx.kinds)
        lap("restrictions")
        found = _evaluate(ctx)
        lap("rules")
    ctx.source, ctx.counted = ENTRY, False
    created = [] if backtest else store(found, as_of=as_of)
    lap("store")
    # Clearing is about the present: a run for a past day must not close what holds today.
    cleared = (
        clear(ctx=ctx, found=found, checked=nightly_scope(as_of), stream=True)
        if not backtest and as_of == today
        else []
    )
    lap("clear")
    result = ScanResult(as_of, backtest, grades, distribution, restricted, found, len(created),
                        dict(Counter(c.rule for c in found)), len(cleared))  # fmt: skip
    result.seconds = time.perf_counter() - started
    result.phases = phases
    if not backtest:
        audit_record(actor=None, action="archive.scan", extra=result.summary())
    return result
