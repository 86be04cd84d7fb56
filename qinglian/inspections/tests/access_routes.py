"""This app's rows of the access matrix (qinglian/core/tests/test_access_matrix.py merges them).

ROUTES: url name -> Route; OBJECTS: object name -> function (tree, unit) giving the URL part of an
object that lives in `unit`."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from qinglian.testing.access import Route


def _plan(unit):
    from qinglian.inspections.models import Plan

    return Plan.objects.create(kind="annual", title="矩阵计划", owner_unit=unit, start_year=2026, end_year=2026,
                               created_at=timezone.now())  # fmt: skip


def _round(tree, unit):
    from qinglian.inspections.models import Round, RoundTarget

    rnd = Round.objects.create(plan=_plan(unit), number=1, title="矩阵轮次", kind="regular", organiser=unit,
                               start_date=date(2026, 3, 1), end_date=date(2026, 4, 1), created_at=timezone.now())  # fmt: skip
    RoundTarget.objects.create(round=rnd, unit=unit)
    return rnd


def _finding(tree, unit):
    from qinglian.inspections.models import Finding

    return Finding.objects.create(
        round=_round(tree, unit), unit=unit, text="矩阵问题", recorded_at=timezone.now()
    )


def _rectification(tree, unit):
    from qinglian.inspections.models import Rectification

    f = _finding(tree, unit)
    now = timezone.now()
    return Rectification.objects.create(finding=f, round=f.round, owner_unit=unit, problem="矩阵问题", category="correct",
                                        deadline=date(2026, 6, 1), status_changed_at=now, created_at=now).pk  # fmt: skip


def _inspector(tree, unit):
    from qinglian.core.tests.test_access_matrix import _cadre
    from qinglian.inspections.models import Inspector

    return Inspector.objects.create(cadre=_cadre(tree, unit), pool="talent", entered_on=date(2026, 1, 1),
                                    entry_reason="矩阵").pk  # fmt: skip


OBJECTS: dict = {
    "insp_plan": lambda tree, unit: _plan(unit).pk,
    "insp_round": lambda tree, unit: _round(tree, unit).pk,
    "insp_target": lambda tree, unit: _round(tree, unit).targets.get().pk,
    "insp_finding": lambda tree, unit: _finding(tree, unit).pk,
    "insp_rectification": _rectification,
    "insp_inspector": _inspector,
}

ROUTES: dict = {
    "inspections:home": Route("/inspections/"),
    "inspections:plan_new": Route("/inspections/plans/new/"),
    "inspections:plan": Route("/inspections/plans/{obj}/", obj="insp_plan"),
    "inspections:plan_import": Route("/inspections/plans/{obj}/import/", method="POST", obj="insp_plan"),
    "inspections:indicators": Route("/inspections/indicators/"),
    "inspections:round_new": Route("/inspections/rounds/new/"),
    "inspections:round": Route("/inspections/rounds/{obj}/", obj="insp_round"),
    "inspections:team_new": Route("/inspections/rounds/{obj}/teams/new/", obj="insp_round"),
    "inspections:round_assign": Route("/inspections/rounds/{obj}/assign/", method="POST", obj="insp_round"),
    "inspections:round_move": Route("/inspections/rounds/{obj}/move/", method="POST", obj="insp_round"),
    "inspections:unification": Route(
        "/inspections/rounds/{obj}/unifications/", method="POST", obj="insp_round"
    ),
    "inspections:disclosure": Route("/inspections/rounds/{obj}/disclosure/", obj="insp_round"),
    "inspections:finding_new": Route("/inspections/rounds/{obj}/findings/new/", obj="insp_round"),
    "inspections:target_override": Route("/inspections/targets/{obj}/override/", obj="insp_target"),
    "inspections:finding": Route("/inspections/findings/{obj}/", obj="insp_finding"),
    "inspections:finding_confirm": Route(
        "/inspections/findings/{obj}/confirm/", method="POST", obj="insp_finding"
    ),
    "inspections:finding_handover": Route(
        "/inspections/findings/{obj}/handover/", method="POST", obj="insp_finding"
    ),
    "inspections:rectifications": Route("/inspections/rectifications/"),
    "inspections:rectification": Route("/inspections/rectifications/{obj}/", obj="insp_rectification"),
    "inspections:rectification_plan": Route(
        "/inspections/rectifications/{obj}/plan/", method="POST", obj="insp_rectification"
    ),
    "inspections:gate_pass": Route(
        "/inspections/rectifications/{obj}/gates/start/", method="POST", obj="insp_rectification"
    ),
    "inspections:monthly": Route("/inspections/monthly/"),
    "inspections:pools": Route("/inspections/pools/"),
    "inspections:inspector_new": Route("/inspections/pools/new/"),
    "inspections:inspector": Route("/inspections/inspectors/{obj}/", obj="insp_inspector"),
    "inspections:inspector_action": Route(
        "/inspections/inspectors/{obj}/remove/", method="POST", obj="insp_inspector"
    ),
}
