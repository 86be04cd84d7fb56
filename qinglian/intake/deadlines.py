"""Statutory deadlines of clue disposal, counted in working days (RULES.md "Clues and reports").

The number of days is a rule parameter (qinglian/rules/catalog.py), read as it stood on the day the
count starts, and the count uses the PRC holiday calendar with its adjusted working weekends
(`core.workdays`): "within N working days of X" ends on the N-th working day after X.

- `deadline.inquiry.reply`: a written inquiry is answered within 15 working days of its sending
  (中国共产党纪律检查机关监督执纪工作规则 2019);
- `deadline.report.result_notice`: a real-name reporter is told the result within 15 working days
  after the clue closes (纪检监察机关处理检举控告工作规则 2020, Arts 15-16).
"""

from __future__ import annotations

from datetime import date

from qinglian.core import workdays
from qinglian.rules.registry import param

INQUIRY_REPLY = "deadline.inquiry.reply"
RESULT_NOTICE = "deadline.report.result_notice"


def rule_working_days(code: str, *, start: date) -> int:
    """The rule's number of working days in force on `start`."""
    return int(param(code, "working_days", as_of=start).value)


def due(code: str, *, start: date) -> workdays.Deadline:
    """The deadline of rule `code` counted from `start` (start itself not counted)."""
    return workdays.add_working_days(start, rule_working_days(code, start=start))


def inquiry_reply_due(sent_on: date) -> workdays.Deadline:
    return due(INQUIRY_REPLY, start=sent_on)


def result_notice_due(closed_on: date) -> workdays.Deadline:
    return due(RESULT_NOTICE, start=closed_on)
