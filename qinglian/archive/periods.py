"""Influence periods: when an entry stops counting against a person.

Month arithmetic (documented because sanctions are counted in months): adding N months keeps the
day of the month, clamped to the last day of the target month — 31 August + 6 months is
28 February (29 in a leap year), 31 January + 1 month is 28/29 February. A period of N months
from decision date D covers D up to, but not including, D + N months: its last day
(`influence_end`) is D + N months − 1 day. So a 12-month sanction decided on 2026-03-15 counts
on 2027-03-14 and no longer on 2027-03-15.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from qinglian.archive.kinds import Period
from qinglian.rules.registry import param


def add_months(d: date, months: int) -> date:
    month_index = d.month - 1 + months
    year, month = d.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def last_day_of(start: date, months: int) -> date:
    return add_months(start, months) - timedelta(days=1)


@dataclass(frozen=True)
class Influence:
    end: date | None  # the last day the entry counts; None with permanent/until closed
    permanent: bool
    months: int | None  # the months applied (for the explanation)
    rule: str
    citation: str
    unsettled: bool
    note: str = ""


class PeriodError(ValueError):
    pass


def compute(kind, *, effective_on: date, period_months: int | None, period_year: int | None) -> Influence:
    """The influence of an entry of `kind` decided on `effective_on`, with the rule as in force then."""
    period = Period(kind.period)
    if period in (Period.NONE, Period.UNTIL_CLOSED):
        return Influence(None, False, None, kind.rule, "", False)
    if period == Period.PERMANENT:
        cite = param(kind.rule, next(iter(_keys(kind.rule))), as_of=effective_on) if kind.rule else None
        return Influence(None, True, None, kind.rule, cite.citation if cite else "", False)
    if period == Period.NEXT_YEAR:
        if not period_year:
            raise PeriodError("年度考核记录必须填写考核年度")
        p = param(kind.rule, "years", as_of=effective_on)
        return Influence(
            date(period_year + p.value, 12, 31),
            False,
            None,
            kind.rule,
            p.citation,
            p.unsettled,
            f"{period_year}年度考核结果影响其后{p.value}年",
        )
    if period == Period.RULE_MONTHS:
        p = param(kind.rule, "months", as_of=effective_on)
        return Influence(
            last_day_of(effective_on, int(p.value)), False, int(p.value), kind.rule, p.citation, p.unsettled
        )
    if period == Period.PROBATION:
        if period_months not in (12, 24, 36):
            raise PeriodError("留党察看须写明察看期限（12或24个月；延长一年的为36个月）")
        p = param(kind.rule, "bar_after_months", as_of=effective_on)
        months = period_months + int(p.value)
        return Influence(
            last_day_of(effective_on, months),
            False,
            months,
            kind.rule,
            p.citation,
            p.unsettled,
            f"察看期{period_months}个月，期满后{p.value}个月内不得任高于原职务",
        )
    if period == Period.GOV_COMBINED:
        if period_months:
            cap = param("sanction.gov.combined", "max_months", as_of=effective_on)
            if period_months > int(cap.value):
                raise PeriodError(f"合并执行的处分期间不得超过{cap.value}个月（{cap.citation}）")
            return Influence(
                last_day_of(effective_on, period_months),
                False,
                period_months,
                "sanction.gov.combined",
                cap.citation,
                cap.unsettled,
                "决定载明的合并处分期间",
            )
        p = param(kind.rule, "months", as_of=effective_on)
        return Influence(
            last_day_of(effective_on, int(p.value)), False, int(p.value), kind.rule, p.citation, p.unsettled
        )
    if period == Period.ORG_HANDLING:
        lo = param(kind.rule, "min_months", as_of=effective_on)
        hi = param(kind.rule, "max_months", as_of=effective_on)
        months = period_months or int(lo.value)
        if not int(lo.value) <= months <= int(hi.value):
            raise PeriodError(f"组织处理影响期应在{lo.value}至{hi.value}个月之间（{lo.citation}）")
        note = "" if period_months else f"决定未载明期限，按最短影响期{lo.value}个月计算"
        return Influence(
            last_day_of(effective_on, months), False, months, kind.rule, lo.citation, lo.unsettled, note
        )
    raise PeriodError(f"未知的影响期计算方式：{period}")


def _keys(code: str):
    from qinglian.rules.registry import spec_for

    spec = spec_for(code)
    return spec.param_specs().keys() if spec else ()
