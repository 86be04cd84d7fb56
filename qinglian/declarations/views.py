"""Pages of personal-matters reports: the cadre's self-service form, and the organisation
department's lists and reports. Thin: access, selectors and services do the work."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import scope
from qinglian.core.pagination import paginate, query_without_page
from qinglian.declarations import selectors, services
from qinglian.declarations.access import access_declaration, access_own_declaration, own_cadre
from qinglian.declarations.forms import SearchForm, StartForm
from qinglian.declarations.items import KINDS, RowForm, clean_row, raw_row, row_tokens
from qinglian.declarations.models import Declaration
from qinglian.declarations.sections import sections_for_edit, sections_for_read
from qinglian.people.models import Cadre
from qinglian.people.selectors import cadre_search_q

# --- staff ------------------------------------------------------------------------------------------


def _search(request) -> SearchForm:
    form = SearchForm(request.GET or None)
    form.is_valid()
    return form


@capability_required("declarations.view")
def reporters(request):
    """Who must report in the viewer's scope, with each one's annual report status for the year."""
    form = _search(request)
    data = form.cleaned_data if form.is_bound and not form.errors else {}
    today = timezone.localdate()
    year = data.get("year") or selectors.current_report_year(today)
    q = cadre_search_q(data["q"]) if data.get("q") else None
    qs = selectors.reporter_status_list(units_q=scope(request.user, "declarations.view").units_q("unit__"),
                                        year=year, on=today, q=q)  # fmt: skip
    status = data.get("status") or ""
    if status == "submitted":
        qs = qs.filter(annual_submitted=True)
    elif status == "draft":
        qs = qs.filter(annual_submitted=False, annual_draft=True)
    elif status == "missing":
        qs = qs.filter(annual_submitted=False, annual_draft=False)
    page = paginate(request, qs)
    details = scope(request.user, "sealed.personal_matters")
    for c in page.object_list:
        c.readable = bool(c.latest_id) and details.contains(c.unit)
    rule = selectors.reporter_rule(today)
    return render(request, "declarations/reporters.html", {
        "page": page, "form": form, "year": year, "due": selectors.annual_due(year), "today": today,
        "rule": rule, "query": query_without_page(request),
    })  # fmt: skip


@capability_required("declarations.view")
def reports(request):
    """Submitted reports in the viewer's scope (staff without the sealed capability see no details)."""
    form = _search(request)
    data = form.cleaned_data if form.is_bound and not form.errors else {}
    filters = {"year": data.get("year"), "kind": data.get("kind")}
    if data.get("q"):
        filters["q"] = _cadre_q(data["q"])
    units_q = scope(request.user, "declarations.view").units_q("cadre__unit__")
    page = paginate(request, selectors.declaration_list(units_q=units_q, filters=filters))
    details = scope(request.user, "sealed.personal_matters")
    for d in page.object_list:
        d.readable = details.contains(d.cadre.unit)
    return render(request, "declarations/reports.html", {"page": page, "form": form,
                  "query": query_without_page(request)})  # fmt: skip


def _cadre_q(text: str):
    from django.db.models import Q

    return Q(cadre__in=Cadre.objects.filter(cadre_search_q(text)).values("pk"))


@capability_required("declarations.view")
def report_detail(request, declaration_id: int):
    d = access_declaration(request.user, declaration_id, request=request)
    versions = list(
        Declaration.objects.filter(cadre=d.cadre, status=Declaration.Status.SUBMITTED).order_by("-version")
    )
    return render(request, "declarations/report.html", {"d": d, "sections": sections_for_read(d),
                  "versions": versions, "staff": True})  # fmt: skip


# --- the cadre's own --------------------------------------------------------------------------------


@capability_required("declarations.own")
def mine(request):
    cadre = own_cadre(request.user)
    rows = list(selectors.own_declarations(cadre)) if cadre else []
    today = timezone.localdate()
    year = selectors.current_report_year(today)
    annual_done = any(r.kind == Declaration.Kind.ANNUAL and r.year == year and r.locked for r in rows)
    return render(request, "declarations/mine.html", {
        "cadre": cadre, "rows": rows, "year": year, "due": selectors.annual_due(year),
        "must": selectors.must_report(cadre, today) if cadre else False, "annual_done": annual_done,
        "draft": next((r for r in rows if not r.locked), None), "has_submitted": any(r.locked for r in rows),
        "start_form": StartForm(),
    })  # fmt: skip


@capability_required("declarations.own")
@require_POST
def start(request):
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("declarations:mine")
    try:
        d = services.declaration_start(user=request.user, kind=form.cleaned_data["kind"],
                                       reason=form.cleaned_data.get("reason", ""), request=request)  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return redirect("declarations:mine")
    return redirect("declarations:edit", declaration_id=d.pk)


def _rows_from_post(post) -> list[services.RowInput]:
    rows = []
    for kind in KINDS.values():
        for token in row_tokens(post, kind):
            if post.get(f"{kind.code}-{token}-DELETE"):
                continue
            rows.append(services.RowInput(kind.code, raw_row(post, kind, token), token))
    return rows


@capability_required("declarations.own")
@require_http_methods(["GET", "POST"])
def edit(request, declaration_id: int):
    d = access_own_declaration(request.user, declaration_id)
    if d.locked:
        return redirect("declarations:my_report", declaration_id=d.pk)
    rows = None
    errors: dict = {}
    status = 200
    if request.method == "POST":
        rows = _rows_from_post(request.POST)
        action = request.POST.get("action")
        try:
            if action == "submit":
                if not request.POST.get("pledge"):
                    raise ValidationError("提交前请勾选本人承诺")
                services.declaration_submit(user=request.user, declaration=d, rows=rows, request=request)
                messages.success(request, "报告已提交并锁定")
                return redirect("declarations:my_report", declaration_id=d.pk)
            services.declaration_save(user=request.user, declaration=d, rows=rows, request=request)
            messages.success(request, "草稿已保存")
            return redirect("declarations:edit", declaration_id=d.pk)
        except services.RowErrors as exc:
            errors = exc.rows
            messages.error(request, exc.messages[0])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        status = 400
    return render(request, "declarations/edit.html", {"d": d, "sections": sections_for_edit(d, rows, errors)},
                  status=status)  # fmt: skip


def _kind(kind: str):
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404("报告事项不存在")
    return spec


@capability_required("declarations.own")
def row_new(request, declaration_id: int, kind: str):
    """A blank row of `kind` (htmx "添加一行"); with ?remove=1 an empty answer removes a row."""
    d = access_own_declaration(request.user, declaration_id)
    if d.locked:
        raise Http404("报告已锁定")
    if request.GET.get("remove"):
        return HttpResponse("")
    spec = _kind(kind)
    form = RowForm(spec, secrets.token_hex(4))
    return render(request, "declarations/_row.html", {"d": d, "row": form, "kind": spec})


@capability_required("declarations.own")
@require_POST
def row_check(request, declaration_id: int, kind: str, token: str):
    """Validation as the cadre types (htmx): the row again, with its messages. Saves nothing."""
    d = access_own_declaration(request.user, declaration_id)
    spec = _kind(kind)
    if d.locked or not token.isalnum() or len(token) > 16:
        raise Http404("报告已锁定")
    raw = raw_row(request.POST, spec, token)
    data, errors = clean_row(spec, raw, strict=False)
    shown = {name: raw[name] for name in raw}
    form = RowForm(spec, token, shown, errors=errors)
    return render(request, "declarations/_row_check.html", {"d": d, "row": form, "kind": spec})


@capability_required("declarations.own")
def my_report(request, declaration_id: int):
    d = access_own_declaration(request.user, declaration_id)
    versions = list(
        Declaration.objects.filter(cadre=d.cadre, status=Declaration.Status.SUBMITTED).order_by("-version")
    )
    return render(request, "declarations/report.html", {"d": d, "sections": sections_for_read(d),
                  "versions": versions, "staff": False})  # fmt: skip
