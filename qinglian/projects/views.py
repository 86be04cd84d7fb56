"""Pages of the responsibility list and the special supervision projects: thin, through access
helpers and services. Every page needs `projects.view`; the access helpers then decide between
the whole object (the organiser's scope) and the user's own unit's part of it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability
from qinglian.audit.services import audit_record
from qinglian.core.forms import add_service_errors, error_text, form_status
from qinglian.core.pagination import paginate, query_without_page
from qinglian.people.models import Cadre
from qinglian.projects import exports, selectors, services
from qinglian.projects.access import (
    access_evaluation,
    access_evidence,
    access_item,
    access_list,
    access_project,
    access_proposal,
    access_task,
    oversees,
    own_units_q,
    owns,
)
from qinglian.projects.forms import (
    FIELD_SUGGESTIONS,
    DecideForm,
    DispatchForm,
    ItemReportForm,
    ListForm,
    ProgressForm,
    ProjectForm,
    ProposeForm,
    TaskForm,
    VerifyForm,
    files_of,
)
from qinglian.projects.models import AccountabilityProposal, DispatchItem, Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(request, exc) -> None:
    messages.error(request, error_text(exc))


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


# --- dashboard and projects ---------------------------------------------------------------------


@capability_required("projects.view")
def dashboard(request):
    figs = selectors.figures(viewer=request.user)
    kinds = dict(Project.Kind.choices)
    per_kind = [
        {"label": kinds[k], "n_projects": figs["n_projects"].get(k, 0), **figs["per_kind"].get(k, {})}
        for k in Project.Kind.values
    ]
    recent = selectors.with_figures(selectors.project_rows(viewer=request.user)[:10])
    chart = {
        "projects": [p.title[:16] for p in recent],
        "found": [p.figures["found"] for p in recent],
        "rectified": [p.figures["rectified"] for p in recent],
        "kinds": [{"name": r["label"], "value": r["n_projects"]} for r in per_kind],
    }
    return render(request, "projects/dashboard.html", {"figs": figs["total"], "per_kind": per_kind,
                                                       "recent": recent, "chart": chart})  # fmt: skip


@capability_required("projects.view")
def project_list(request):
    q = (request.GET.get("q") or "").strip()[:100]
    kind = request.GET.get("kind") if request.GET.get("kind") in Project.Kind.values else ""
    status = request.GET.get("status") if request.GET.get("status") in Project.Status.values else ""
    page = paginate(request, selectors.project_rows(viewer=request.user, search=q, kind=kind, status=status))
    page.object_list = selectors.with_figures(page.object_list)
    return render(request, "projects/projects.html", {
        "page": page, "q": q, "kind": kind, "status": status, "kinds": Project.Kind.choices,
        "statuses": Project.Status.choices, "query": query_without_page(request),
        "can_manage": has_capability(request.user, "projects.manage")})  # fmt: skip


@capability_required("projects.manage")
@require_http_methods(["GET", "POST"])
def project_new(request):
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("owner_unit", str(exc))
        else:
            messages.success(request, "已立项（选题），请派单")
            return redirect("projects:project", project_id=project.pk)
    return render(request, "projects/project_new.html", {"form": form, "suggestions": FIELD_SUGGESTIONS},
                  status=form_status(request, form))  # fmt: skip


def _project_page(request, project, dispatch_form=None, status=200):
    full = oversees(request.user, project.owner_unit)
    items = project.items.select_related("unit").order_by("number")
    if not full:
        items = items.filter(own_units_q(request.user))
    [project] = selectors.with_figures([project])
    can_manage = full and services.can_manage(request.user, project.owner_unit)
    audit_record(actor=request.user, action="projects.project.read", obj=project, unit_id=project.owner_unit_id,
                 request=request)  # fmt: skip
    return render(request, "projects/project.html", {
        "project": project, "items": items, "full": full, "can_manage": can_manage,
        "dispatch_form": dispatch_form or (DispatchForm(user=request.user) if can_manage else None),
    }, status=status)  # fmt: skip


@capability_required("projects.view")
def project_detail(request, project_id: int):
    return _project_page(request, access_project(request.user, project_id))


@capability_required("projects.manage")
@require_POST
def dispatch(request, project_id: int):
    project = access_project(request.user, project_id)
    if not services.can_manage(request.user, project.owner_unit):
        raise PermissionDenied("您无权为该项目派单")
    form = DispatchForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            item = services.item_dispatch(
                actor=request.user, project=project, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已派单（第{item.number}单），承办单位将收到待办")
            return redirect("projects:project", project_id=project.pk)
    return _project_page(request, project, form, status=400)


@capability_required("projects.manage")
@require_POST
def project_close(request, project_id: int):
    project = access_project(request.user, project_id)
    try:
        services.project_close(actor=request.user, project=project, request=request)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, "项目已验单完成")
    return redirect("projects:project", project_id=project.pk)


def _item_page(request, item, report_form=None, verify_form=None, status=200):
    full = oversees(request.user, item.project.owner_unit)
    own = owns(request.user, item.unit) and has_capability(request.user, "projects.report")
    can_report = own and item.status in (DispatchItem.Status.DISPATCHED, DispatchItem.Status.RETURNED)
    can_verify = item.status == DispatchItem.Status.REPORTED and services.can_verify(
        request.user, item.project.owner_unit
    )
    audit_record(
        actor=request.user, action="projects.item.read", obj=item, unit_id=item.unit_id, request=request
    )
    return render(request, "projects/item.html", {
        "item": item, "full": full, "files": item.files.order_by("id"),
        "events": item.events.select_related("actor").order_by("at", "id"),
        "report_form": report_form or (ItemReportForm() if can_report else None),
        "verify_form": verify_form or (VerifyForm() if can_verify else None),
    }, status=status)  # fmt: skip


@capability_required("projects.view")
def item_detail(request, item_id: int):
    return _item_page(request, access_item(request.user, item_id))


@capability_required("projects.report")
@require_POST
def item_report(request, item_id: int):
    item = access_item(request.user, item_id)
    form = ItemReportForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.item_report(
                actor=request.user, item=item, result=d["result"], problems_found=d["problems_found"],
                problems_rectified=d["problems_rectified"], money_recovered=d["money_recovered"],
                people_handled=d["people_handled"], files=files_of(d["files"]), request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已报结，等待验单")
            return redirect("projects:item", item_id=item.pk)
    return _item_page(request, item, report_form=form, status=400)


@capability_required("projects.verify")
@require_POST
def item_verify(request, item_id: int):
    item = access_item(request.user, item_id)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.item_verify(actor=request.user, item=item, passed=form.cleaned_data["decision"] == "pass",
                                 reason=form.cleaned_data["reason"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "验单通过" if form.cleaned_data["decision"] == "pass" else "已退回承办单位"
            )
            return redirect("projects:item", item_id=item.pk)
    return _item_page(request, item, verify_form=form, status=400)


@capability_required("projects.view")
def evidence(request, evidence_id: int):
    ev = access_evidence(request.user, evidence_id)
    audit_record(actor=request.user, action="projects.evidence.read", obj=ev, request=request)
    response = FileResponse(
        ev.file.open("rb"), content_type=ev.content_type, as_attachment=True, filename=ev.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@capability_required("projects.report")
def mine(request):
    """The user's own unit's dispatched items and responsibility-list tasks (never another unit's)."""
    status = request.GET.get("status", "open")
    if status not in ("open", "all", *DispatchItem.Status.values):
        status = "open"
    year = _year(request)
    page = paginate(
        request, selectors.my_items(viewer=request.user, status="" if status == "all" else status)
    )
    tasks = list(selectors.my_tasks(viewer=request.user, year=year))
    return render(request, "projects/mine.html", {"page": page, "status": status, "tasks": tasks, "year": year,
                                                  "statuses": DispatchItem.Status.choices,
                                                  "query": query_without_page(request)})  # fmt: skip


# --- responsibility list ------------------------------------------------------------------------


@capability_required("projects.view")
def lists(request):
    page = paginate(request, selectors.list_rows(viewer=request.user))
    return render(request, "projects/lists.html", {"page": page,
                                                   "can_manage": has_capability(request.user, "projects.manage")})  # fmt: skip


@capability_required("projects.manage")
@require_http_methods(["GET", "POST"])
def list_new(request):
    form = ListForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            rl = services.list_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("owner_unit", str(exc))
        else:
            messages.success(request, "清单已建立，请逐项增加任务")
            return redirect("projects:list", list_id=rl.pk)
    return render(request, "projects/list_new.html", {"form": form}, status=form_status(request, form))


def _list_page(request, rl, task_form=None, status=200):
    q = (request.GET.get("q") or "").strip()[:100]
    page = paginate(request, selectors.task_rows(rl, search=q))
    can_manage = services.can_manage(request.user, rl.owner_unit)
    units = rl.unit_scores.select_related("unit").annotate(
        n_open=Count("proposals", distinct=True)
    ).order_by("score", "unit__code")  # fmt: skip
    proposals = (
        AccountabilityProposal.objects.filter(evaluation__responsibility_list=rl)
        .select_related("evaluation__unit", "cadre")
        .order_by("-proposed_at")
    )
    failed = [u for u in units if not u.passed]
    cadres: dict[int, list] = {}
    for c in Cadre.objects.filter(unit__in=[u.unit_id for u in failed]).order_by("unit_id", "name")[:500]:
        cadres.setdefault(c.unit_id, []).append(c)
    for u in units:
        u.cadres = cadres.get(u.unit_id, [])
    return render(request, "projects/list.html", {
        "rl": rl, "page": page, "q": q, "query": query_without_page(request), "can_manage": can_manage,
        "task_form": task_form or (TaskForm(user=request.user) if can_manage and rl.status == "active" else None),
        "units": units, "proposals": proposals, "propose_form": ProposeForm(), "decide_form": DecideForm(),
        "today": timezone.localdate(),
    }, status=status)  # fmt: skip


@capability_required("projects.view")
def list_detail(request, list_id: int):
    return _list_page(request, access_list(request.user, list_id))


@capability_required("projects.manage")
@require_POST
def task_add(request, list_id: int):
    rl = access_list(request.user, list_id)
    form = TaskForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.task_add(
                actor=request.user, responsibility_list=rl, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已增加任务")
            return redirect("projects:list", list_id=rl.pk)
    return _list_page(request, rl, form, status=400)


@capability_required("projects.manage")
@require_POST
def list_evaluate(request, list_id: int):
    rl = access_list(request.user, list_id)
    try:
        services.list_evaluate(actor=request.user, responsibility_list=rl, request=request)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已完成年终评价")
    return redirect("projects:list", list_id=rl.pk)


@capability_required("projects.view")
def list_export(request, list_id: int):
    rl = access_list(request.user, list_id)
    if rl.status != rl.Status.EVALUATED:
        messages.error(request, "清单尚未年终评价，无可导出的结果")
        return redirect("projects:list", list_id=rl.pk)
    audit_record(
        actor=request.user, action="projects.list.export", obj=rl, unit_id=rl.owner_unit_id, request=request
    )
    response = HttpResponse(exports.evaluation_workbook(rl), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="evaluation-{rl.year}-{rl.pk}.xlsx"'
    return response


@capability_required("projects.view")
def task_detail(request, task_id: int, form=None, status=200):
    task = access_task(request.user, task_id)
    can_report = (
        owns(request.user, task.lead_unit)
        and has_capability(request.user, "projects.report")
        and task.responsibility_list.status == "active"
    )
    reports = task.reports.select_related("reported_by").prefetch_related("files").order_by("month")
    return render(request, "projects/task.html", {
        "task": task, "reports": reports, "partners": task.partner_units.order_by("path"),
        "form": form or (ProgressForm(initial={"month": timezone.localdate()}) if can_report else None),
        "due_months": services.months_due(task, timezone.localdate()),
        "evaluation": getattr(task, "evaluation", None) if task.responsibility_list.status == "evaluated" else None,
    }, status=status)  # fmt: skip


@capability_required("projects.report")
@require_POST
def task_report(request, task_id: int):
    task = access_task(request.user, task_id)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.progress_report(actor=request.user, task=task, month=d["month"], state=d["state"], note=d["note"],
                                     files=files_of(d["files"]), request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已报送本月进展")
            return redirect("projects:task", task_id=task.pk)
    return task_detail(request, task_id, form=form, status=400)


@capability_required("projects.manage")
@require_POST
def propose(request, evaluation_id: int):
    ev = access_evaluation(request.user, evaluation_id)
    form = ProposeForm(request.POST)
    if form.is_valid():
        cadre = None
        if form.cleaned_data["cadre"]:
            cadre = Cadre.objects.filter(
                pk=form.cleaned_data["cadre"], unit__path__startswith=ev.unit.path
            ).first()
            if cadre is None:
                messages.error(request, f"责任人须为{ev.unit.name}的干部")
                return redirect("projects:list", list_id=ev.responsibility_list_id)
        try:
            services.accountability_propose(actor=request.user, evaluation=ev, reason=form.cleaned_data["reason"],
                                            cadre=cadre, request=request)  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, "已提出倒查问责建议，待具名决定人决定")
    else:
        messages.error(request, "请填写问责理由")
    return redirect("projects:list", list_id=ev.responsibility_list_id)


@capability_required("projects.manage")
@require_POST
def decide(request, proposal_id: int):
    p = access_proposal(request.user, proposal_id)
    form = DecideForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.accountability_decide(actor=request.user, proposal=p, hold=d["decision"] == "hold",
                                           decided_by=d["decided_by"], note=d["note"],
                                           period_months=d["period_months"], request=request)  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, "已记录决定")
    else:
        messages.error(request, "请选择决定并写明决定人")
    return redirect("projects:list", list_id=p.evaluation.responsibility_list_id)
