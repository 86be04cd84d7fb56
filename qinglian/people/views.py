from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate, query_without_page
from qinglian.people import selectors, services
from qinglian.people.access import access_unit
from qinglian.people.forms import UnitFilterForm, UnitForm, UnitMoveForm
from qinglian.people.models import Unit


@capability_required("units.view")
def unit_list(request):
    form = UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    units = selectors.unit_list(
        viewer=request.user,
        q=filters.get("q", ""),
        kind=filters.get("kind", ""),
        level=filters.get("level", ""),
    )
    return render(
        request,
        "people/unit_list.html",
        {
            "title": "单位",
            "form": form,
            "page": paginate(request, units),
            "query": query_without_page(request),
            "can_import": has_capability(request.user, "units.manage"),
        },
    )


@capability_required("units.view")
def unit_detail(request, unit_id: int):
    unit = access_unit(request.user, unit_id)
    children = selectors.unit_list(viewer=request.user).filter(parent=unit)
    return render(
        request,
        "people/unit_detail.html",
        {
            "title": unit.name,
            "unit": unit,
            "children": children[:200],
            "n_children": children.count(),
            "can_manage": has_capability(request.user, "units.manage"),
            "changes": unit.changes.select_related("changed_by")[:50],
            "ancestors": Unit.objects.filter(
                pk__in=[int(p) for p in unit.path.strip("/").split("/")[:-1]]
            ).order_by("depth"),
        },
    )


@capability_required("units.manage")
def unit_create(request):
    units = selectors.unit_list(viewer=request.user, capability="units.manage")
    initial = {}
    if parent_id := request.GET.get("parent"):
        initial["parent"] = access_unit(request.user, parent_id, capability="units.manage")
    form = UnitForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已新增单位“{unit.name}”。")
            return redirect("people:unit_detail", unit_id=unit.pk)
    return render(
        request,
        "people/unit_form.html",
        {"title": "新增单位", "form": form},
        status=form_status(request, form),
    )


@capability_required("units.manage")
def unit_move(request, unit_id: int):
    unit = access_unit(request.user, unit_id, capability="units.manage")
    targets = selectors.unit_list(viewer=request.user, capability="units.manage").exclude(
        path__startswith=unit.path
    )
    form = UnitMoveForm(request.POST or None, units=targets, initial={"parent": unit.parent_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_move(
                actor=request.user,
                unit=unit,
                new_parent=form.cleaned_data["parent"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已将“{unit.name}”调整到“{form.cleaned_data['parent'].name}”之下。")
            return redirect("people:unit_detail", unit_id=unit.pk)
    return render(
        request,
        "people/unit_move.html",
        {"title": f"调整隶属：{unit.name}", "form": form, "unit": unit},
        status=form_status(request, form),
    )
