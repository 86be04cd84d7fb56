"""Cadre registry pages: list with search and filters, profile, create/edit, relatives, ID reveal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate, query_without_page
from qinglian.people import cadre_services, profile, selectors
from qinglian.people.access import access_cadre
from qinglian.people.cadre_forms import CadreForm, RelativeForm
from qinglian.people.forms import CadreFilterForm
from qinglian.people.models import Relative

# Counting every match of a province-wide list costs more than the page (bench/people_list.py).
CADRE_LIST_COUNT_CAP = 10_000


@capability_required("people.view")
def cadre_list(request):
    units = selectors.unit_list(viewer=request.user, capability="people.view")
    form = CadreFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    cadres = selectors.cadre_browse(viewer=request.user, filters=filters)
    return render(
        request,
        "people/cadre_list.html",
        {
            "title": "干部名册",
            "form": form,
            "page": paginate(request, cadres, count_cap=CADRE_LIST_COUNT_CAP),
            "query": query_without_page(request),
            "can_manage": has_capability(request.user, "people.manage"),
        },
    )


@capability_required("people.view")
def unit_pick(request):
    """Type-ahead of the cadre list's unit filter: up to 20 units of the viewer's people.view scope
    matching the typed name or code (an htmx fragment)."""
    q = request.GET.get("unit_name", "")
    units = selectors.unit_pick(viewer=request.user, q=q, limit=selectors.UNIT_PICK_LIMIT + 1)
    return render(
        request,
        "people/_unit_pick.html",
        {
            "units": units[: selectors.UNIT_PICK_LIMIT],
            "more": len(units) > selectors.UNIT_PICK_LIMIT,
            "q": q.strip(),
        },
    )


@capability_required("people.view")
def cadre_detail(request, cadre_id: int):
    cadre = access_cadre(request.user, cadre_id, request=request)
    can_relatives = has_capability(request.user, "people.relatives")
    return render(
        request,
        "people/cadre_detail.html",
        {
            "title": cadre.name,
            "cadre": cadre,
            "posts": cadre.posts.select_related("unit").order_by("-start_date"),
            "relatives": cadre.relatives.select_related("employer_unit") if can_relatives else None,
            "can_manage": has_capability(request.user, "people.manage"),
            "can_reveal": has_capability(request.user, "idnumber.reveal"),
            "can_archive": has_capability(request.user, "archive.view"),
            "sections": profile.sections_for(request.user, cadre),
        },
    )


@capability_required("people.manage")
def cadre_create(request):
    units = selectors.unit_list(viewer=request.user, capability="people.manage")
    form = CadreForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            cadre = cadre_services.cadre_create(actor=request.user, data=form.cleaned_data, request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if cadre.review_note:
                messages.warning(request, cadre.review_note)
            messages.success(request, f"已录入干部“{cadre.name}”。")
            return redirect("people:cadre_detail", cadre_id=cadre.pk)
    return render(
        request,
        "people/cadre_form.html",
        {"title": "录入干部", "form": form},
        status=form_status(request, form),
    )


@capability_required("people.manage")
def cadre_edit(request, cadre_id: int):
    cadre = access_cadre(request.user, cadre_id, capability="people.manage", request=request, audit=False)
    units = selectors.unit_list(viewer=request.user, capability="people.manage")
    initial = {f: getattr(cadre, f) for f in CadreForm.base_fields if hasattr(cadre, f)}
    initial["id_number"] = ""
    form = CadreForm(request.POST or None, units=units, initial=initial)
    form.fields["id_number"].required = False
    form.fields["id_number"].help_text = f"当前：{cadre.id_masked}；留空表示不修改"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("id_number") is None:
            data.pop("id_number")
            data["birth_date"] = data.get("birth_date") or cadre.birth_date
            data["gender"] = data.get("gender") or cadre.gender
        try:
            cadre_services.cadre_update(
                actor=request.user,
                cadre=cadre,
                data=data,
                reason=request.POST.get("reason", ""),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("people:cadre_detail", cadre_id=cadre.pk)
    return render(
        request,
        "people/cadre_form.html",
        {"title": f"修改：{cadre.name}", "form": form, "cadre": cadre},
        status=form_status(request, form),
    )


@require_POST
@capability_required("idnumber.reveal")
def cadre_reveal_id(request, cadre_id: int):
    cadre = access_cadre(request.user, cadre_id, capability="idnumber.reveal", request=request, audit=False)
    try:
        number = cadre_services.cadre_reveal_id(
            actor=request.user, cadre=cadre, reason=request.POST.get("reason", ""), request=request
        )
    except ValidationError as exc:
        return render(
            request, "people/_reveal.html", {"error": "；".join(exc.messages), "cadre": cadre}, status=400
        )
    except PermissionDenied as exc:
        return render(request, "people/_reveal.html", {"error": str(exc), "cadre": cadre}, status=403)
    return render(request, "people/_reveal.html", {"number": number, "cadre": cadre})


@capability_required("people.manage", "people.relatives")
def relative_edit(request, cadre_id: int, relative_id: int | None = None):
    cadre = access_cadre(request.user, cadre_id, capability="people.manage", request=request, audit=False)
    relative = get_object_or_404(Relative, pk=relative_id, cadre=cadre) if relative_id else None
    units = selectors.unit_list(viewer=request.user, capability="units.view")
    initial = {}
    if relative:
        initial = {f: getattr(relative, f) for f in RelativeForm.base_fields if hasattr(relative, f)}
        initial["id_number"] = ""
    form = RelativeForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cadre_services.relative_save(
                actor=request.user, cadre=cadre, data=form.cleaned_data, relative=relative, request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "亲属信息已保存。")
            return redirect("people:cadre_detail", cadre_id=cadre.pk)
    return render(
        request,
        "people/relative_form.html",
        {"title": f"{cadre.name}的亲属", "form": form, "cadre": cadre, "relative": relative},
        status=form_status(request, form),
    )
