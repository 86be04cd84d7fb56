"""The PRC working-day calendar, for deadlines counted in working days (RULES.md "Clues and reports").

Where a year's calendar comes from, first match wins:

1. an administrator-entered schedule (`core.HolidaySchedule`, status published, with its
   `CalendarDay` rows: holidays and weekend days made working days);
2. the `chinese_calendar` package, which carries the State Council's published arrangements for
   the years it knows (2004–2026 in version 1.11; it raises NotImplementedError for others);
3. the provisional rule for a year nobody knows yet: Monday to Friday, minus the fixed-date
   statutory holidays of 全国年节及纪念日放假办法 (2024 revision, Art 2): 元旦 1 January,
   劳动节 1–2 May, 国庆节 1–3 October. Lunar holidays (春节, 清明, 端午, 中秋) and the adjusted
   working weekends cannot be known before the notice is published, so every deadline that counts
   a day of such a year is flagged provisional ("暂按……计算") and recomputed when the schedule is
   entered (signal `core.signals.holiday_schedule_changed`).

Nothing here depends on the current date: 1 January of an unpublished year simply falls under rule 3.

Counting convention ("within N working days of X", 处理检举控告工作规则 Arts 15-16): the day X
itself is not counted; the first counted day is the first working day after X, and the deadline is
the N-th working day after X. `working_days_between(a, b)` uses the same convention, so
`working_days_between(x, add_working_days(x, n).date) == n`.

Lookups are cached per year in the process (a frozenset of days off on weekdays and one of worked
weekend days); a schedule change clears the cache in the process that made it, and other processes
reload a year at most `CACHE_SECONDS` later.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

import chinese_calendar
from django.utils import timezone

CACHE_SECONDS = 300.0

# 全国年节及纪念日放假办法 (2024 revision), Art 2: the statutory holidays on fixed solar dates.
PROVISIONAL_FIXED_HOLIDAYS: dict[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}
PROVISIONAL_RULE_TEXT = "周一至周五（扣除元旦、劳动节、国庆节的固定日期假日）"

_PACKAGE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


class Source(StrEnum):
    ADMIN = "admin"
    PACKAGE = "package"
    PROVISIONAL = "provisional"

    @property
    def label(self) -> str:
        return {
            "admin": "管理员录入的节假日安排",
            "package": "国务院公布的节假日安排（内置数据）",
            "provisional": "暂定规则（放假安排尚未公布）",
        }[self.value]


@dataclass(frozen=True)
class YearCalendar:
    year: int
    source: Source
    off_days: frozenset[date]  # Monday–Friday days that are not worked
    worked_weekends: frozenset[date]  # Saturdays/Sundays that are worked (调休上班)
    names: dict[date, str] = field(default_factory=dict, compare=False)
    notice: str = ""

    @property
    def provisional(self) -> bool:
        return self.source == Source.PROVISIONAL

    def is_working_day(self, d: date) -> bool:
        if d.weekday() < 5:
            return d not in self.off_days
        return d in self.worked_weekends

    @property
    def note(self) -> str:
        if self.source == Source.ADMIN:
            return f"{self.year}年按节假日安排" + (f"（{self.notice}）" if self.notice else "")
        if self.source == Source.PACKAGE:
            return f"{self.year}年按国务院公布的节假日安排"
        return f"{self.year}年放假安排尚未公布，暂按{PROVISIONAL_RULE_TEXT}计算"


@dataclass(frozen=True)
class Deadline:
    date: date
    provisional: bool
    basis_note: str


_cache: dict[int, tuple[float, YearCalendar]] = {}
_lock = threading.Lock()


def clear_cache(year: int | None = None) -> None:
    """Forget cached years (all, or one). Called after a schedule change and between tests."""
    with _lock:
        if year is None:
            _cache.clear()
        else:
            _cache.pop(year, None)


def _admin_calendar(year: int) -> YearCalendar | None:
    from qinglian.core.models import CalendarDay, HolidaySchedule

    rows = list(
        CalendarDay.objects.filter(
            schedule__year=year, schedule__status=HolidaySchedule.Status.PUBLISHED
        ).values_list("date", "is_working_day", "name", "schedule__notice")
    )
    if not rows:
        return None
    return calendar_from_days(year, [(d, working, name) for d, working, name, _ in rows], notice=rows[0][3])


def calendar_from_days(
    year: int, days: list[tuple[date, bool, str]], *, notice: str = "", source: Source = Source.ADMIN
) -> YearCalendar:
    """A year's calendar from (date, is_working_day, name) exceptions to the Monday–Friday rule."""
    return YearCalendar(
        year=year,
        source=source,
        off_days=frozenset(d for d, working, _ in days if not working and d.weekday() < 5),
        worked_weekends=frozenset(d for d, working, _ in days if working and d.weekday() >= 5),
        names={d: name for d, _, name in days if name},
        notice=notice,
    )


def _package_calendar(year: int) -> YearCalendar | None:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:  # "no available data for year ..."
        return None
    off, worked, names = set(), set(), {}
    d, end = date(year, 1, 1), date(year, 12, 31)
    while d <= end:
        on_holiday, name = chinese_calendar.get_holiday_detail(d)
        if d.weekday() < 5 and on_holiday:
            off.add(d)
        elif d.weekday() >= 5 and not on_holiday:
            worked.add(d)
        if name:
            names[d] = _PACKAGE_NAMES.get(name, name) + ("调休上班" if not on_holiday else "")
        d += timedelta(days=1)
    return YearCalendar(year, Source.PACKAGE, frozenset(off), frozenset(worked), names)


def _provisional_calendar(year: int) -> YearCalendar:
    names = {date(year, m, d): name for (m, d), name in PROVISIONAL_FIXED_HOLIDAYS.items()}
    off = frozenset(d for d in names if d.weekday() < 5)
    return YearCalendar(year, Source.PROVISIONAL, off, frozenset(), names)


def year_calendar(year: int) -> YearCalendar:
    """The calendar of `year` from the first source that knows it (cached)."""
    now = time.monotonic()
    hit = _cache.get(year)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    cal = _admin_calendar(year) or _package_calendar(year) or _provisional_calendar(year)
    with _lock:
        _cache[year] = (now, cal)
    return cal


def _as_date(d: date) -> date:
    if isinstance(d, datetime):
        return timezone.localdate(d)
    return d


def is_working_day(d: date) -> bool:
    d = _as_date(d)
    return year_calendar(d.year).is_working_day(d)


def _basis(years: list[int], head: str) -> tuple[bool, str]:
    cals = [year_calendar(y) for y in years]
    provisional = any(c.provisional for c in cals)
    return provisional, head + "；" + "；".join(c.note for c in cals)


def add_working_days(start: date, n: int) -> Deadline:
    """The n-th working day after `start` (`start` itself is not counted; n=0 gives `start`).

    Provisional when any counted day (start+1 … the result) falls in a provisional year.
    """
    start = _as_date(start)
    if n < 0:
        raise ValueError("n must not be negative")
    d, counted = start, 0
    years: list[int] = []
    while counted < n:
        d += timedelta(days=1)
        if not years or years[-1] != d.year:
            years.append(d.year)
        if year_calendar(d.year).is_working_day(d):
            counted += 1
    if not years:
        return Deadline(start, False, f"{start:%Y-%m-%d}（当日）")
    provisional, note = _basis(years, f"自{start:%Y-%m-%d}次日起算{n}个工作日")
    return Deadline(d, provisional, note)


def add_calendar_days(start: date, n: int) -> Deadline:
    """`start` + n calendar days (自然日). Never provisional: no holiday calendar is involved."""
    start = _as_date(start)
    if n < 0:
        raise ValueError("n must not be negative")
    return Deadline(start + timedelta(days=n), False, f"自{start:%Y-%m-%d}次日起算{n}个自然日")


def working_days_between(a: date, b: date) -> int:
    """Working days d with a < d <= b (start excluded, end included); negative when b < a.

    So `working_days_between(today, due)` is the number of working days left until `due`,
    `due` itself included, and 0 on the due date.
    """
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -working_days_between(b, a)
    count, d = 0, a
    while d < b:
        d += timedelta(days=1)
        if year_calendar(d.year).is_working_day(d):
            count += 1
    return count


def years_spanned(start: date, end: date) -> range:
    """The years whose days a count from `start` (excluded) to `end` (included) touches."""
    first = (start + timedelta(days=1)).year
    return range(first, max(first, end.year) + 1)
