"""Pages of supervision groups: the list, a group's members and history, the rule editor, and
manual additions/removals. Thin: forms parse, access checks, services write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability, scope
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate
from qinglian.groups import plans, selectors, services
from qinglian.groups.access import access_batch, access_cadre_for_manage, access_group, access_manual
from qinglian.groups.forms import GroupForm, ManualEndForm, ManualForm, NewGroupForm, TasksCompleteForm
from qinglian.groups.rules import describe
from qinglian.people.models import Cadre
from qinglian.people.selectors import cadre_search_q


@capability_required("groups.view")
def group_list(request):
    groups = list(selectors.group_list(viewer=request.user))
    for g in groups:
        g.rule_text = describe(g.rule) if g.rule else "（无规则，仅手工加入）"
    return render(
        request,
        "groups/list.html",
        {"groups": groups, "can_manage": has_capability(request.user, "groups.manage")},
    )


def _detail(request, group, *, manual_form=None, end_form=None, status=200):
    q = (request.GET.get("q") or "").strip()[:50]
    history = request.GET.get("history") == "1"
    page = paginate(request, selectors.member_list(viewer=request.user, group=group, q=q, history=history))
    can_manage = has_capability(request.user, "groups.manage")
    candidates = []
    find = (request.GET.get("find") or "").strip()[:50]
    if can_manage and find:
        candidates = list(
            Cadre.objects.filter(cadre_search_q(find)).filter(scope(request.user, "groups.manage").units_q("unit__"))
            .select_related("unit").order_by("name", "pk")[:10]
        )  # fmt: skip
    query = "&".join(p for p in (f"q={q}" if q else "", "history=1" if history else "") if p)
    return render(
        request, "groups/detail.html",
        {"group": group, "rule_text": describe(group.rule) if group.rule else "（无规则，仅手工加入）",
         "page": page, "q": q, "history": history, "query": query, "can_manage": can_manage,
         "versions": group.rule_versions.select_related("changed_by")[:20],
         "manual": selectors.manual_list(viewer=request.user, group=group), "find": find, "candidates": candidates,
         "manual_form": manual_form or ManualForm(), "end_form": end_form or ManualEndForm()},
        status=status,
    )  # fmt: skip


@capability_required("groups.view")
def group_detail(request, code: str):
    return _detail(request, access_group(request.user, code))


def _save(request, form, group=None):
    try:
        group = services.group_save(
            actor=request.user, group=group, code=form.cleaned_data.get("code", ""), name=form.cleaned_data["name"],
            description=form.cleaned_data["description"], rule=form.cleaned_data["rule"],
            active=form.cleaned_data["active"], reason=form.cleaned_data["reason"], request=request,
        )  # fmt: skip
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, f"已保存“{group.name}”，成员已按新规则重新计算")
    return group


@capability_required("groups.manage")
@require_http_methods(["GET", "POST"])
def group_edit(request, code: str):
    group = access_group(request.user, code)
    form = GroupForm(request.POST or None, initial=GroupForm.initial_for(group))
    if request.method == "POST" and form.is_valid() and _save(request, form, group):
        return redirect("groups:detail", code=group.code)
    return render(
        request, "groups/edit.html", {"group": group, "form": form}, status=form_status(request, form)
    )


@capability_required("groups.manage")
@require_http_methods(["GET", "POST"])
def group_new(request):
    form = NewGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = _save(request, form)
        if group:
            return redirect("groups:detail", code=group.code)
    return render(
        request, "groups/edit.html", {"group": None, "form": form}, status=form_status(request, form)
    )


@capability_required("groups.manage")
@require_POST
def manual_add(request, code: str):
    group = access_group(request.user, code)
    form = ManualForm(request.POST)
    if form.is_valid():
        cadre = access_cadre_for_manage(request.user, form.cleaned_data["cadre"])
        try:
            services.manual_set(actor=request.user, group=group, cadre=cadre, action=form.cleaned_data["action"],
                                reason=form.cleaned_data["reason"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            verb = "加入" if form.cleaned_data["action"] == "include" else "移出"
            messages.success(request, f"已将{cadre.name}手工{verb}“{group.name}”")
            return redirect("groups:detail", code=group.code)
    return _detail(request, group, manual_form=form, status=400)


@capability_required("groups.manage")
@require_POST
def manual_withdraw(request, code: str, manual_id: int):
    group = access_group(request.user, code)
    manual = access_manual(request.user, group, manual_id)
    form = ManualEndForm(request.POST)
    if form.is_valid():
        try:
            services.manual_end(
                actor=request.user, manual=manual, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已撤销对{manual.cadre.name}的手工调整，改由规则决定")
            return redirect("groups:detail", code=group.code)
    return _detail(request, group, end_form=form, status=400)


@capability_required("groups.view")
def group_coverage(request, code: str):
    """Who has had which measure, and what is overdue (per measure, in the viewer's scope)."""
    from django.utils import timezone

    group = access_group(request.user, code)
    today = timezone.localdate()
    counts = {
        row["measure_id"]: row for row in selectors.coverage(viewer=request.user, group=group, today=today)
    }
    measures = list(group.measures.all())
    for m in measures:
        m.counts = counts.get(m.pk, {"done": 0, "open": 0, "overdue": 0})
        m.period = plans.period_for(m.frequency, today)
    page = paginate(request, selectors.overdue_tasks(viewer=request.user, group=group, today=today))
    return render(request, "groups/coverage.html", {"group": group, "measures": measures, "page": page})


def _batch_page(request, batch, form=None, status=200):
    tasks = list(
        batch.tasks.select_related("cadre", "unit", "done_by").order_by("status", "cadre__name", "pk")
    )
    open_tasks = [t for t in tasks if t.status == "open"]
    form = form or TasksCompleteForm(open_tasks=open_tasks)
    return render(request, "groups/batch.html", {"batch": batch, "measure": batch.measure, "tasks": tasks,
                  "open_tasks": open_tasks, "form": form}, status=status)  # fmt: skip


@capability_required("groups.record")
@require_http_methods(["GET", "POST"])
def measure_batch(request, batch_id: int):
    batch = access_batch(request.user, batch_id)
    if request.method == "GET":
        return _batch_page(request, batch)
    open_tasks = list(batch.tasks.filter(status="open").select_related("unit"))
    form = TasksCompleteForm(request.POST, request.FILES, open_tasks=open_tasks)
    if form.is_valid():
        chosen = [t for t in open_tasks if t.pk in set(form.cleaned_data["tasks"])]
        try:
            n = plans.tasks_complete(actor=request.user, tasks=chosen, done_on=form.cleaned_data["done_on"],
                                     note=form.cleaned_data["note"], file=form.cleaned_data["file"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记{n}项落实情况")
            return redirect("groups:batch", batch_id=batch.pk)
    return _batch_page(request, batch, form, status=400)
