"""Shared set-up for the disposal tests: a real-name report, a clue about a cadre, assigned."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from qinglian.intake.disposal import disposal_decide, disposal_propose
from qinglian.intake.services import clue_assign, clue_register

REPORTER = {"name": "李举报", "phone": "13800000000"}


def assigned_clue(
    staff, tree, make_cadre, make_report, *, unit=None, name="王某", heads=False, identity=REPORTER
):
    cadre = make_cadre(unit or tree.dept_a1, name)
    report = make_report(identity=identity)
    clue = clue_register(
        actor=staff.supervisor, summary="反映其为亲属承揽工程", problem_type="integrity", cadres=[cadre],
        report=report, heads_lower_committee={cadre.pk} if heads else frozenset(),
    )  # fmt: skip
    return clue_assign(actor=staff.supervisor, clue=clue, assignee=staff.supervisor2), cadre


def propose(staff, clue, method, *, actor=None, **kw):
    data = {"meeting": "委务会", "meeting_on": timezone.localdate(), "members": "张书记、李副书记、赵主任",
            "decision": "经集体研究，同意按此方式处置"} | kw  # fmt: skip
    return disposal_propose(actor=actor or staff.supervisor, clue=clue, method=method, **data)


def dispose(staff, clue, method, *, approver=None, **kw):
    disposal = propose(staff, clue, method, **kw)
    disposal_decide(actor=approver or staff.case, disposal=disposal, approve=True)
    clue.refresh_from_db()
    return disposal


def later(days=30) -> date:
    from datetime import timedelta

    return timezone.localdate() + timedelta(days=days)
