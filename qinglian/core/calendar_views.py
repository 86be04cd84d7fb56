"""The working-day calendar pages: enter a year's holiday schedule, preview it, publish it."""

from __future__ import annotations

import calendar as pycal
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from qinglian.accounts.decorators import capability_required
from qinglian.core import services, workdays
from qinglian.core.calendar_forms import HolidayScheduleForm
from qinglian.core.models import HolidaySchedule


def _months(cal: workdays.YearCalendar) -> list[dict]:
    """Twelve month grids (weeks Monday-first) for the year preview."""
    grid = pycal.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(cal.year, month):
            cells = []
            for d in week:
                if d.month != month:
                    cells.append(None)
                    continue
                working = cal.is_working_day(d)
                weekend = d.weekday() >= 5
                if not working and not weekend:
                    kind, mark = "holiday", "休"
                elif working and weekend:
                    kind, mark = "worked", "班"
                elif not working and d in cal.names:
                    kind, mark = "holiday", "休"
                else:
                    kind, mark = ("weekend" if weekend else "workday"), ""
                cells.append({"day": d.day, "kind": kind, "mark": mark, "name": cal.names.get(d, "")})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


@capability_required("calendar.manage")
def calendar_index(request):
    this_year = timezone.localdate().year
    schedules = {s.year: s for s in HolidaySchedule.objects.all()}
    years = sorted(set(range(this_year - 1, this_year + 3)) | set(schedules), reverse=True)
    rows = [{"year": y, "calendar": workdays.year_calendar(y), "schedule": schedules.get(y)} for y in years]
    return render(request, "core/calendar/index.html", {"title": "工作日历", "rows": rows})


@capability_required("calendar.manage")
def calendar_year(request, year: int):
    if not services.MIN_YEAR <= year <= services.MAX_YEAR:
        raise Http404("年份超出范围")
    schedule = HolidaySchedule.objects.filter(year=year).first()
    current = workdays.year_calendar(year)
    preview = None
    status = 200
    if request.method == "POST":
        form = HolidayScheduleForm(request.POST, year=year)
        if form.is_valid():
            if "publish" in request.POST:
                try:
                    services.holiday_schedule_publish(
                        actor=request.user,
                        year=year,
                        text=form.cleaned_data["text"],
                        notice=form.cleaned_data["notice"],
                        request=request,
                    )
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                    status = 400
                else:
                    messages.success(request, f"{year}年节假日安排已发布，相关期限将按新安排重新计算。")
                    return redirect("core:calendar_year", year=year)
            else:
                preview = workdays.calendar_from_days(
                    year, form.cleaned_data["days"], notice=form.cleaned_data["notice"]
                )
        else:
            status = 400
    else:
        form = HolidayScheduleForm(
            year=year,
            initial={
                "text": schedule.source_text if schedule else services.schedule_initial_text(year),
                "notice": schedule.notice if schedule else "",
            },
        )
    shown = preview or current
    return render(
        request,
        "core/calendar/year.html",
        {
            "title": f"{year}年工作日历",
            "year": year,
            "form": form,
            "schedule": schedule,
            "current": current,
            "preview": preview,
            "months": _months(shown),
            "working_days": sum(
                1
                for m in range(1, 13)
                for d in range(1, pycal.monthrange(year, m)[1] + 1)
                if shown.is_working_day(date(year, m, d))
            ),
            "weekdays": "一二三四五六日",
        },
        status=status,
    )
