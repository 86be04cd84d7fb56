"""Writes of the core app: the administrator-entered holiday schedules."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.core import workdays
from qinglian.core.models import CalendarDay, HolidaySchedule
from qinglian.core.signals import holiday_schedule_changed

MIN_YEAR, MAX_YEAR = 2000, 2100
_WEEKDAYS = "一二三四五六日"
_OFF_MARKS = {"休", "放假", "假", "休息"}
_WORK_MARKS = {"班", "上班", "补班", "调休上班"}
_DATE = r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
_LINE = re.compile(rf"^({_DATE})(?:\s*(?:~|～|至|到)\s*({_DATE}))?\s+(\S+)(?:\s+(.+))?$")


def _parse_date(text: str) -> date | None:
    y, m, d = (int(p) for p in re.split(r"[-/.]", text))
    try:
        return date(y, m, d)
    except ValueError:
        return None


def schedule_parse(*, year: int, text: str) -> list[tuple[date, bool, str]]:
    """Parse lines like `2027-01-01 休 元旦`, `2027-10-01~2027-10-07 休 国庆节`, `2027-02-06 班`.

    Returns (date, is_working_day, name) sorted by date, or raises ValidationError with one
    Chinese message per bad line (all lines are checked, not only the first bad one).
    """
    errors: list[str] = []
    seen: dict[date, int] = {}
    days: list[tuple[date, bool, str]] = []
    lines = (text or "").replace("\u3000", " ").splitlines()
    for i, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            errors.append(f"第{i}行：无法识别，请按“{year}-01-01 休 元旦”或“{year}-02-06 班”的格式填写")
            continue
        first, last = _parse_date(m[1]), _parse_date(m[2]) if m[2] else None
        if first is None or (m[2] and last is None):
            errors.append(f"第{i}行：日期“{m[1] if first is None else m[2]}”不存在")
            continue
        last = last or first
        if last < first:
            errors.append(f"第{i}行：结束日期早于开始日期")
            continue
        if first.year != year or last.year != year:
            errors.append(f"第{i}行：日期不在{year}年内")
            continue
        mark, name = m[3], (m[4] or "").strip()
        if mark in _OFF_MARKS:
            working = False
        elif mark in _WORK_MARKS:
            working = True
            name = name or "调休上班"
        else:
            errors.append(f"第{i}行：请用“休”或“班”标明当天放假还是上班（读到的是“{mark}”）")
            continue
        if len(name) > 64:
            errors.append(f"第{i}行：名称过长（不超过64个字）")
            continue
        d = first
        while d <= last:
            if d in seen:
                errors.append(f"第{i}行：{d:%Y-%m-%d} 与第{seen[d]}行重复")
            elif working and d.weekday() < 5:
                errors.append(
                    f"第{i}行：{d:%Y-%m-%d}（周{_WEEKDAYS[d.weekday()]}）本来就是工作日，无需标注为“班”"
                )
            else:
                seen[d] = i
                days.append((d, working, name))
            d += timedelta(days=1)
    if errors:
        raise ValidationError(errors)
    if not days:
        raise ValidationError("请至少录入一行放假日或调休上班日")
    return sorted(days)


def schedule_initial_text(year: int) -> str:
    """The lines describing `year` as currently known (to start an entry from, or to correct)."""
    cal = workdays.year_calendar(year)
    dates = sorted(set(cal.names) | cal.off_days | cal.worked_weekends)
    lines = []
    for d in dates:
        working = cal.is_working_day(d)
        if working and d.weekday() < 5:
            continue  # a named ordinary working day carries no information
        lines.append(f"{d:%Y-%m-%d} {'班' if working else '休'} {cal.names.get(d, '')}".rstrip())
    return "\n".join(lines)


@transaction.atomic
def holiday_schedule_publish(
    *, actor, year: int, text: str, notice: str = "", request=None
) -> HolidaySchedule:
    """Enter or replace the holiday schedule of `year` and publish it.

    Clears the working-day cache and sends `holiday_schedule_changed(year=...)` inside the
    transaction, so that what other apps derive from the calendar changes together with it.
    """
    from qinglian.accounts.scopes import has_capability
    from qinglian.audit.services import audit_record

    if actor is not None and not has_capability(actor, "calendar.manage"):
        raise PermissionDenied("无权维护节假日安排")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": f"年份须在{MIN_YEAR}至{MAX_YEAR}之间"})
    notice = (notice or "").strip()
    if len(notice) > 255:
        raise ValidationError({"notice": "依据文件名称过长（不超过255个字）"})
    days = schedule_parse(year=year, text=text)
    schedule, created = HolidaySchedule.objects.select_for_update().get_or_create(year=year)
    before = {d: w for d, w in schedule.days.values_list("date", "is_working_day")}
    after = {d: w for d, w, _ in days}
    schedule.days.all().delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(schedule=schedule, date=d, is_working_day=w, name=name) for d, w, name in days
    )
    schedule.status = HolidaySchedule.Status.PUBLISHED
    schedule.notice = notice
    schedule.source_text = text.strip()
    schedule.updated_by = actor if actor is not None and actor.is_authenticated else None
    schedule.published_at = timezone.now()
    schedule.save()
    changed = sorted(d for d in before.keys() | after.keys() if before.get(d) != after.get(d))
    audit_record(
        actor=actor,
        action="calendar.publish" if created else "calendar.change",
        obj=schedule,
        reason=notice,
        request=request,
        extra={
            "year": year,
            "holidays": sum(1 for w in after.values() if not w),
            "working_days": sum(1 for w in after.values() if w),
            "changed_dates": [f"{d:%Y-%m-%d}" for d in changed][:100],
        },
    )
    workdays.clear_cache(year)
    # A rollback would leave this process's cache with rows that never existed: clear it after
    # commit too (and other processes reload within workdays.CACHE_SECONDS).
    transaction.on_commit(lambda: workdays.clear_cache(year))
    holiday_schedule_changed.send(sender=HolidaySchedule, year=year)
    return schedule
