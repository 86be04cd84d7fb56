"""This app's rows of the access matrix (qinglian/core/tests/test_access_matrix.py merges them).

ROUTES: url name -> Route; OBJECTS: object name -> function (tree, unit) giving the URL part of an
object that lives in `unit` (organised by it, and with its item or task led by it)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from qinglian.testing.access import Route


def _actor():
    from qinglian.accounts.models import User

    return User.objects.order_by("pk")[0]


def _project(tree, unit):
    from qinglian.projects.models import DispatchItem, Project

    p = Project.objects.create(kind="five_n", field="工程建设领域", title="矩阵项目", scope_text="矩阵", targets="矩阵",
                               period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), owner_unit=unit,
                               created_by=_actor(), created_at=timezone.now())  # fmt: skip
    DispatchItem.objects.create(project=p, number=1, unit=unit, matter="矩阵派单", deadline=date(2026, 12, 31),
                                dispatched_by=_actor(), dispatched_at=timezone.now())  # fmt: skip
    return p


def _item(tree, unit):
    return _project(tree, unit).items.get().pk


def _evidence(tree, unit):
    from django.core.files.base import ContentFile

    from qinglian.projects.models import Evidence

    item = _project(tree, unit).items.get()
    ev = Evidence(item=item, name="a.pdf", content_type="application/pdf", size=8, uploaded_by=_actor(),
                  uploaded_at=timezone.now())  # fmt: skip
    ev.file.save("m.pdf", ContentFile(b"%PDF-1.4"), save=False)
    ev.save()
    return ev.pk


def _list(tree, unit):
    from qinglian.projects.models import ResponsibilityList

    return ResponsibilityList.objects.get_or_create(
        owner_unit=unit, year=2026, defaults={"title": "矩阵清单", "created_at": timezone.now()}
    )[0]


def _task(tree, unit):
    from qinglian.projects.models import ResponsibilityTask

    rl = _list(tree, unit)
    n = rl.tasks.count() + 1
    return ResponsibilityTask.objects.create(responsibility_list=rl, number=n, title="矩阵任务", lead_unit=unit,
                                             start_month=date(2026, 1, 1), deadline=date(2026, 12, 31),
                                             expected_evidence="矩阵").pk  # fmt: skip


def _evaluated_list(tree, unit):
    rl = _list(tree, unit)
    type(rl).objects.filter(pk=rl.pk).update(status="evaluated")
    return rl.pk


def _evaluation(tree, unit):
    from qinglian.projects.models import UnitEvaluation

    return UnitEvaluation.objects.create(responsibility_list=_list(tree, unit), unit=unit, n_tasks=1, score=10,
                                         passed=False).pk  # fmt: skip


OBJECTS: dict = {
    "proj_project": lambda tree, unit: _project(tree, unit).pk,
    "proj_item": _item,
    "proj_evidence": _evidence,
    "proj_list": lambda tree, unit: _list(tree, unit).pk,
    "proj_task": _task,
    "proj_evaluated_list": _evaluated_list,
    "proj_evaluation": _evaluation,
}
ROUTES: dict = {
    "projects:dashboard": Route("/projects/"),
    "projects:projects": Route("/projects/list/"),
    "projects:project_new": Route("/projects/new/"),
    "projects:project": Route("/projects/{obj}/", obj="proj_project"),
    "projects:dispatch": Route("/projects/{obj}/dispatch/", method="POST", obj="proj_project"),
    "projects:project_close": Route("/projects/{obj}/close/", method="POST", obj="proj_project"),
    "projects:item": Route("/projects/items/{obj}/", obj="proj_item"),
    "projects:item_report": Route("/projects/items/{obj}/report/", method="POST", obj="proj_item"),
    "projects:item_verify": Route("/projects/items/{obj}/verify/", method="POST", obj="proj_item"),
    "projects:evidence": Route("/projects/files/{obj}/", obj="proj_evidence"),
    "projects:mine": Route("/projects/mine/"),
    "projects:lists": Route("/projects/lists/"),
    "projects:list_new": Route("/projects/lists/new/"),
    "projects:list": Route("/projects/lists/{obj}/", obj="proj_list"),
    "projects:task_add": Route("/projects/lists/{obj}/tasks/add/", method="POST", obj="proj_list"),
    "projects:list_evaluate": Route("/projects/lists/{obj}/evaluate/", method="POST", obj="proj_list"),
    "projects:list_export": Route("/projects/lists/{obj}/export/", obj="proj_evaluated_list"),
    "projects:task": Route("/projects/tasks/{obj}/", obj="proj_task"),
    "projects:task_report": Route("/projects/tasks/{obj}/report/", method="POST", obj="proj_task"),
    "projects:propose": Route("/projects/evaluations/{obj}/propose/", method="POST", obj="proj_evaluation"),
    "projects:decide": Route("/projects/proposals/999999/decide/", method="POST"),
}
