"""Pages of the spot checks: org_supervision's (declarations.check / decide) and the cadre's own
explanation page (declarations.own). Thin: parse, fetch through access, call services, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.core.files import attachment
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate
from qinglian.people.models import Cadre, Unit
from qinglian.spotchecks import selectors, services
from qinglian.spotchecks.access import access_check, access_own_check, access_request, access_round
from qinglian.spotchecks.agencies import AGENCIES, ReturnRefused, return_template
from qinglian.spotchecks.compare import KIND_LABELS
from qinglian.spotchecks.forms import (
    DecideForm,
    ExplainForm,
    ImportForm,
    OpinionChecksForm,
    ReasonForm,
    RequestForm,
    RoundForm,
    TargetedForm,
)
from qinglian.spotchecks.models import SpotCheck

CHECK = "declarations.check"
DECIDE = "declarations.decide"
OWN = "declarations.own"


def _scope_units(user) -> list[Unit]:
    """The top units of the user's scope (where a draw or a package can be anchored)."""
    paths = sorted(scope(user, CHECK)._minimal_prefixes())
    return list(Unit.objects.filter(path__in=paths).order_by("path"))


# --- checks -----------------------------------------------------------------------------------


@capability_required(CHECK)
def home(request):
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    page = paginate(request, selectors.check_list(viewer=request.user, status=status, kind=kind))
    return render(request, "spotchecks/home.html", {
        "page": page, "status": status, "kind": kind, "statuses": SpotCheck.Status.choices,
        "kinds": SpotCheck.Kind.choices, "counts": selectors.status_counts(viewer=request.user),
    })  # fmt: skip


def _check_page(request, check, *, decide_form=None, cancel_form=None, status=200):
    sealed = has_capability(request.user, "sealed.personal_matters")
    items = list(check.compared_items.all()) if sealed else []
    return render(request, "spotchecks/check.html", {
        "check": check, "items": items, "sealed": sealed, "kind_labels": KIND_LABELS,
        "requests": check.requests.select_related("issuing_unit").order_by("created_at"),
        "can_check": scope(request.user, CHECK).contains(check.unit),
        "can_decide": has_capability(request.user, DECIDE) and scope(request.user, DECIDE).contains(check.unit),
        "decide_form": decide_form or DecideForm(initial={"result": check.proposed}),
        "cancel_form": cancel_form or ReasonForm(), "handling_labels": services.HANDLING,
    }, status=status)  # fmt: skip


@capability_required(CHECK)
def check_detail(request, check_id: int):
    check = access_check(request.user, check_id)
    audit_record(actor=request.user, action="spotchecks.check_view", obj=check, person_id=check.cadre_id,
                 unit_id=check.unit_id, request=request)  # fmt: skip
    return _check_page(request, check)


@capability_required(CHECK)
@require_POST
def check_compare(request, check_id: int):
    check = access_check(request.user, check_id)
    try:
        services.check_compare(actor=request.user, check=check, request=request)
        messages.success(request, "已完成比对")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("spotchecks:check", check.pk)


@capability_required(CHECK, DECIDE)
@require_POST
def check_decide(request, check_id: int):
    check = access_check(request.user, check_id, DECIDE)
    form = DecideForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.check_decide(actor=request.user, check=check, result=d["result"], handling=d["handling"],
                                  decider_name=d["decider_name"], note=d["note"], change_reason=d["change_reason"],
                                  request=request)  # fmt: skip
            messages.success(request, "已作出认定")
            return redirect("spotchecks:check", check.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _check_page(request, check, decide_form=form, status=400)


@capability_required(CHECK, DECIDE)
@require_POST
def check_cancel(request, check_id: int):
    check = access_check(request.user, check_id, DECIDE)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.check_cancel(actor=request.user, check=check, reason=form.cleaned_data["reason"],
                                  request=request)  # fmt: skip
            messages.success(request, "已撤销该核查")
            return redirect("spotchecks:check", check.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _check_page(request, check, cancel_form=form, status=400)


@capability_required(CHECK)
@require_http_methods(["GET", "POST"])
def targeted_new(request):
    from qinglian.archive.models import OpinionRequest
    from qinglian.archive.opinions import opinion_requests_q
    from qinglian.core.idnumber import IdNumberError, parse
    from qinglian.people.identity import id_fields

    form = TargetedForm(request.POST or None)
    opinions = list(OpinionRequest.objects.filter(opinion_requests_q(request.user),
                    purpose__in=["promotion", "heavier_use", "reserve"]).order_by("-id")[:50])  # fmt: skip
    opinion_form = OpinionChecksForm(opinions=opinions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        cadre = None
        try:
            parsed = parse(d["id_number"])
            digest = id_fields(parsed)["id_number_hash"]
            cadre = Cadre.objects.select_related("unit").filter(id_number_hash=digest).first()
        except IdNumberError as exc:
            form.add_error("id_number", str(exc))
        if cadre is not None and not scope(request.user, CHECK).contains(cadre.unit):
            cadre = None
        if cadre is None and not form.errors:
            form.add_error("id_number", "在您的管理范围内没有找到该身份证号对应的干部")
        if cadre is not None:
            source = f"{d['source']}:{d['reference']}".replace(" ", "")
            try:
                check = services.targeted_check_request(actor=request.user, cadre=cadre, reason=d["reason"],
                                                        source=source, request=request)  # fmt: skip
                messages.success(request, f"已发起对{cadre.name}的核查")
                return redirect("spotchecks:check", check.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
    return render(request, "spotchecks/targeted_new.html", {"form": form, "opinion_form": opinion_form,
                  "has_opinions": bool(opinions)}, status=form_status(request, form))  # fmt: skip


@capability_required(CHECK)
@require_POST
def targeted_from_opinion(request):
    from qinglian.archive.opinions import access_opinion_request

    try:
        req = access_opinion_request(request.user, request.POST.get("opinion"))
    except Http404:
        messages.error(request, "请选择您范围内的廉洁意见申请")
        return redirect("spotchecks:targeted_new")
    try:
        checks = services.targeted_checks_from_opinion(
            actor=request.user, opinion_request=req, request=request
        )
        messages.success(request, f"已为{len(checks)}名拟提拔人选发起（或并入）核查")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("spotchecks:home")


# --- sample rounds ----------------------------------------------------------------------------


@capability_required(CHECK)
def rounds(request):
    units = _scope_units(request.user)
    page = paginate(request, selectors.round_list(viewer=request.user))
    return render(request, "spotchecks/rounds.html", {"page": page, "form": RoundForm(units=units)})


@capability_required(CHECK)
@require_POST
def round_new(request):
    units = _scope_units(request.user)
    form = RoundForm(request.POST, units=units)
    if form.is_valid():
        unit = next(u for u in units if str(u.pk) == form.cleaned_data["scope_unit"])
        try:
            rnd = services.round_draw(actor=request.user, year=form.cleaned_data["year"], scope_unit=unit,
                                      request=request)  # fmt: skip
            messages.success(request, f"已生成随机种子并抽取{rnd.sample_size}人")
            return redirect("spotchecks:round", rnd.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    page = paginate(request, selectors.round_list(viewer=request.user))
    return render(request, "spotchecks/rounds.html", {"page": page, "form": form}, status=400)


@capability_required(CHECK)
def round_detail(request, round_id: int, redraw_form=None, status=200):
    rnd = access_round(request.user, round_id)
    checks = rnd.checks.select_related("cadre", "unit").order_by("unit__path", "cadre__name", "id")
    page = paginate(request, checks)
    return render(request, "spotchecks/round.html", {
        "round": rnd, "page": page, "redraw_form": redraw_form or ReasonForm(),
        "can_decide": has_capability(request.user, DECIDE),
    }, status=status)  # fmt: skip


@capability_required(CHECK, DECIDE)
@require_POST
def round_redraw(request, round_id: int):
    rnd = access_round(request.user, round_id, DECIDE)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            new = services.round_redraw(actor=request.user, round=rnd, reason=form.cleaned_data["reason"],
                                        request=request)  # fmt: skip
            messages.success(request, "已重新生成随机种子并重新抽取")
            return redirect("spotchecks:round", new.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return round_detail(request, rnd.pk, redraw_form=form, status=400)


# --- agency requests --------------------------------------------------------------------------


@capability_required(CHECK)
def requests_list(request):
    page = paginate(request, selectors.request_list(viewer=request.user))
    return render(request, "spotchecks/requests.html", {"page": page, "agencies": AGENCIES.values()})


def _open_checks(user):
    return list(selectors.check_list(viewer=user).filter(status__in=[SpotCheck.Status.OPEN,
                                                                     SpotCheck.Status.EXPLAINING])[:300])  # fmt: skip


@capability_required(CHECK)
@require_http_methods(["GET", "POST"])
def request_new(request):
    units = _scope_units(request.user)
    checks = _open_checks(request.user)
    initial = {"checks": request.GET.getlist("check")}
    form = RequestForm(request.POST or None, checks=checks, initial=initial)
    if request.method == "POST" and form.is_valid() and units:
        d = form.cleaned_data
        chosen = [c for c in checks if str(c.pk) in d["checks"]]
        try:
            req, password = services.agency_request_create(actor=request.user, agency=d["agency"], checks=chosen,
                                                           reason=d["reason"], issuing_unit=units[0],
                                                           request=request)  # fmt: skip
            # The password is shown once, on this response; it is not stored anywhere.
            return render(request, "spotchecks/request_created.html", {"req": req, "password": password,
                                                                       "agency": AGENCIES[req.agency]})  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "spotchecks/request_new.html", {"form": form},
                  status=form_status(request, form))  # fmt: skip


def _request_page(request, req, *, form=None, refused=None, status=200):
    lines = req.lines.select_related("spot_check__cadre", "spot_check__unit").order_by("id")
    return render(request, "spotchecks/request.html", {
        "req": req, "agency": AGENCIES[req.agency], "lines": lines, "returns": req.returns.select_related(
            "imported_by"), "form": form or ImportForm(), "refused": refused,
    }, status=status)  # fmt: skip


@capability_required(CHECK)
def request_detail(request, request_id: int):
    return _request_page(request, access_request(request.user, request_id))


@capability_required(CHECK)
def request_file(request, request_id: int):
    req = access_request(request.user, request_id)
    if not req.file:
        raise Http404("文件不存在")
    audit_record(actor=request.user, action="spotchecks.request_download", obj=req, unit_id=req.issuing_unit_id,
                 request=request)  # fmt: skip
    return FileResponse(req.file.open("rb"), as_attachment=True, filename=f"核查查询-{req.pk}.xlsx")


@capability_required(CHECK)
@require_POST
def request_import(request, request_id: int):
    req = access_request(request.user, request_id)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _request_page(request, req, form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        services.agency_return_import(actor=request.user, agency_request=req, data=upload.read(),
                                      filename=upload.name, request=request)  # fmt: skip
    except ReturnRefused as exc:
        return _request_page(request, req, form=form, refused=exc, status=400)
    except (ValidationError, PermissionDenied) as exc:
        form.add_error(None, "；".join(getattr(exc, "messages", [str(exc)])))
        return _request_page(request, req, form=form, status=400)
    messages.success(request, "查询结果已导入并完成比对")
    return redirect("spotchecks:request", req.pk)


@capability_required(CHECK)
def template_download(request, agency: str):
    if agency not in AGENCIES:
        raise Http404("没有该机构的模板")
    return attachment(return_template(agency), f"{AGENCIES[agency].name}查询结果模板.xlsx")


# --- the cadre's own pages --------------------------------------------------------------------


@capability_required(OWN)
def mine(request):
    return render(request, "spotchecks/mine.html", {"checks": selectors.own_checks(user=request.user)})


@capability_required(OWN)
@require_http_methods(["GET", "POST"])
def explain(request, check_id: int):
    check = access_own_check(request.user, check_id)
    form = ExplainForm(request.POST or None, initial={"text": check.explanation})
    if request.method == "POST" and form.is_valid():
        try:
            services.check_explain(
                actor=request.user, check=check, text=form.cleaned_data["text"], request=request
            )
            messages.success(request, "说明已提交")
            return redirect("spotchecks:explain", check.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    items = [i for i in check.compared_items.all() if i.outcome != "consistent"]
    return render(request, "spotchecks/explain.html", {"check": check, "form": form, "items": items,
                  "kind_labels": KIND_LABELS}, status=form_status(request, form))  # fmt: skip
