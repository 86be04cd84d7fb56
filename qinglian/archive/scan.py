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
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
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
    sql_params,
)
from qinglian.archive.warnings import Candidate, _context, _evaluate, clear, nightly_scope, store
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

    def summary(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "backtest": self.backtest, "grades": self.grades,
                "grade_distribution": self.grade_distribution, "restricted_people": self.restricted_people,
                "raised": len(self.warnings), "new_warnings": self.new_warnings, "cleared": self.cleared,
                "by_rule": self.by_rule,
                "seconds": round(self.seconds, 3)}  # fmt: skip


def restricted_people(as_of: date) -> int:
    """Serving people barred from something on `as_of` (as known then): an influence period in
    force, a permanent effect, or a pending state (`bars.bars` in SQL)."""
    ks = kinds().values()
    objecting = in_list(k.pk for k in ks if k.effect == "object" and not k.for_units)
    pending = in_list(k.pk for k in ks if k.effect == "postpone" and not k.for_units)
    sql = f"""
        SELECT COUNT(DISTINCT e.person_id) FROM {ENTRY} e JOIN {CADRE} c ON c.id = e.person_id
        WHERE c.status = 'serving' AND {counting_sql("e")} AND (
            e.kind_id IN {pending}
            OR (e.kind_id IN {objecting} AND (e.permanent = %(true)s OR e.influence_end >= %(as_of)s)))
    """
    with connection.cursor() as cur:
        cur.execute(sql, sql_params(as_of, true=True))
        return int(cur.fetchone()[0])


def archive_scan(as_of: date | None = None, *, backtest: bool = False) -> ScanResult:
    """The nightly scan (or, with `backtest=True`, what it would have raised on `as_of`)."""
    started = time.perf_counter()
    today = timezone.localdate()
    as_of = as_of or today
    if as_of > today:
        raise ValueError("不能对未来日期运行扫描")
    known_on = known_end(as_of) if backtest else None
    if backtest:
        grades, distribution = 0, grade_distribution(as_of, known_on=known_on)
    else:
        grades, distribution = grades_refresh_all(as_of), {}
    restricted = restricted_people(as_of)
    ctx = _context(as_of, known_on)
    found = _evaluate(ctx)
    created = [] if backtest else store(found, as_of=as_of)
    # Clearing is about the present: a run for a past day must not close what holds today.
    cleared = (
        clear(ctx=ctx, found=found, checked=nightly_scope(as_of), stream=True)
        if not backtest and as_of == today
        else []
    )
    result = ScanResult(as_of, backtest, grades, distribution, restricted, found, len(created),
                        dict(Counter(c.rule for c in found)), len(cleared))  # fmt: skip
    result.seconds = time.perf_counter() - started
    if not backtest:
        audit_record(actor=None, action="archive.scan", extra=result.summary())
    return result
