"""Pages of conduct outside working hours: thin views over access, selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.conduct import selectors, services
from qinglian.conduct.access import (
    access_briefing,
    access_cadre,
    access_family_event,
    access_finding,
    access_registration,
)
from qinglian.conduct.forms import (
    ActivityForm,
    BriefingForm,
    DecideForm,
    FamilyEventForm,
    FindingForm,
    HearForm,
    ListForm,
    ObserverForm,
    RegistrationForm,
    VisitForm,
)
from qinglian.conduct.models import FamilyEvent, Finding, ListKind, ListVersion, Observer, Visit
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate, query_without_page
from qinglian.people.models import Cadre, Unit
from qinglian.people.selectors import cadre_search_q
from qinglian.rules.registry import params as rule_params


def _can_manage(request) -> bool:
    return has_capability(request.user, "conduct.manage")


def _anchor_unit(user) -> Unit | None:
    """The unit at the top of the user's conduct.manage scope (observers are appointed there)."""
    paths = sorted(scope(user, "conduct.manage")._minimal_prefixes(), key=len)
    return Unit.objects.filter(path=paths[0]).first() if paths else None


def _pick(request) -> dict:
    """The cadre a new record is about: chosen by a search (GET find=...) then carried as `cadre`."""
    raw = (request.POST.get("cadre") if request.method == "POST" else "") or request.GET.get("cadre")
    cadre = access_cadre(request.user, raw) if raw else None
    find = (request.GET.get("find") or "").strip()[:50]
    candidates = []
    if cadre is None and find:
        candidates = list(
            Cadre.objects.filter(cadre_search_q(find)).filter(scope(request.user, "conduct.manage").units_q("unit__"))
            .select_related("unit").order_by("name", "pk")[:10]
        )  # fmt: skip
    return {"cadre": cadre, "find": find, "candidates": candidates}


# --- overview and reference lists ------------------------------------------------------------------


@capability_required("conduct.view")
def home(request):
    findings = selectors.finding_list(viewer=request.user).aggregate(
        open=Count("pk", filter=Q(status__in=[Finding.Status.RECORDED, Finding.Status.HEARD])),
        confirmed=Count("pk", filter=Q(status=Finding.Status.CONFIRMED)),
    )
    events = selectors.family_event_list(viewer=request.user).aggregate(
        total=Count("pk"), flagged=Count("pk", filter=Q(flagged=True))
    )
    return render(request, "conduct/home.html", {"findings": findings, "events": events,
                  "lists": services.lists_current(), "can_manage": _can_manage(request)})  # fmt: skip


@capability_required("conduct.view")
def lists(request):
    current = services.lists_current()
    return render(request, "conduct/lists.html", {"lists": [current[k] for k in ListKind.values],
                  "can_manage": _can_manage(request)})  # fmt: skip


@capability_required("conduct.manage")
@require_http_methods(["GET", "POST"])
def list_edit(request, kind: str):
    if kind not in ListKind.values:
        raise Http404("清单不存在")
    current = services.list_current(kind)
    form = ListForm(request.POST or None, initial={"items": "\n".join(current.items)})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.list_save(actor=request.user, kind=kind, items=form.cleaned_items(),
                                         reason=form.cleaned_data["reason"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存为第{version.number}版")
            return redirect("conduct:lists")
    versions = ListVersion.objects.filter(kind=kind).select_related("changed_by").order_by("-number")[:30]
    return render(request, "conduct/list_edit.html", {"form": form, "current": current, "versions": versions},
                  status=form_status(request, form))  # fmt: skip


# --- visits and observers --------------------------------------------------------------------------


@capability_required("conduct.view")
def visits(request):
    kind = request.GET.get("kind", "")
    observer = request.GET.get("observer", "")
    observer_id = int(observer) if observer.isdigit() and len(observer) < 10 else None
    page = paginate(request, selectors.visit_list(viewer=request.user, kind=kind, observer_id=observer_id))
    return render(request, "conduct/visits.html", {"page": page, "kind": kind, "kinds": Visit.Kind.choices,
                  "query": query_without_page(request), "can_manage": _can_manage(request)})  # fmt: skip


@capability_required("conduct.manage")
@require_http_methods(["GET", "POST"])
def visit_new(request):
    pick = _pick(request)
    observers = list(Observer.objects.filter(scope(request.user, "conduct.manage").units_q("unit__"), active=True)
                     .order_by("name")[:200])  # fmt: skip
    form = VisitForm(
        request.POST or None, observers=observers, initial={"kind": request.GET.get("kind", "home")}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        unit = None
        if pick["cadre"] is None and d["unit_code"]:
            unit = Unit.objects.filter(code=d["unit_code"].strip(), is_active=True).first()
            if unit is None or not scope(request.user, "conduct.manage").contains(unit):
                form.add_error("unit_code", "单位代码不存在或不在您的管理范围内")
        observer = next((o for o in observers if o.pk == d["observer"]), None)
        if d["observer"] and observer is None:
            form.add_error("observer", "请选择在聘的观察员")
        if not form.errors:
            try:
                services.visit_record(
                    actor=request.user, kind=d["kind"], cadre=pick["cadre"], unit=unit, observer=observer,
                    visited_on=d["visited_on"], visitors=d["visitors"], place=d["place"], findings=d["findings"],
                    suggestions=d["suggestions"], request=request,
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已登记走访记录")
                return redirect("conduct:visits")
    return render(
        request, "conduct/visit_new.html", {"form": form, **pick}, status=form_status(request, form)
    )


@capability_required("conduct.view")
def observers(request):
    page = paginate(request, selectors.observer_list(viewer=request.user))
    return render(request, "conduct/observers.html", {"page": page, "can_manage": _can_manage(request),
                  "form": ObserverForm()})  # fmt: skip


@capability_required("conduct.manage")
@require_http_methods(["GET", "POST"])
def observer_new(request):
    form = ObserverForm(request.POST or None)
    unit = _anchor_unit(request.user)
    if request.method == "POST" and form.is_valid() and unit is not None:
        try:
            services.observer_create(actor=request.user, unit=unit, **form.cleaned_data, request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已聘任作风观察员")
            return redirect("conduct:observers")
    return render(
        request, "conduct/observer_new.html", {"form": form, "unit": unit}, status=form_status(request, form)
    )


# --- community double-registration -----------------------------------------------------------------


@capability_required("conduct.view")
def registrations(request):
    page = paginate(request, selectors.registration_list(viewer=request.user))
    return render(request, "conduct/registrations.html", {"page": page, "can_manage": _can_manage(request)})


@capability_required("conduct.manage")
@require_http_methods(["GET", "POST"])
def registration_new(request):
    pick = _pick(request)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if pick["cadre"] is None:
            form.add_error(None, "请先选择报到的干部")
        else:
            try:
                reg = services.registration_record(
                    actor=request.user, cadre=pick["cadre"], community=form.cleaned_data["community"],
                    branch=form.cleaned_data["branch"], registered_on=form.cleaned_data["registered_on"],
                    request=request,
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已登记双报到")
                return redirect("conduct:registration", registration_id=reg.pk)
    return render(request, "conduct/registration_new.html", {"form": form, **pick},
                  status=form_status(request, form))  # fmt: skip


def _registration_page(request, reg, form=None, status=200):
    can_manage = scope(request.user, "conduct.manage").contains(reg.unit)
    return render(request, "conduct/registration.html", {"reg": reg, "activities": reg.activities.all(),
                  "form": form or ActivityForm(), "can_manage": can_manage}, status=status)  # fmt: skip


@capability_required("conduct.view")
def registration_detail(request, registration_id: int):
    return _registration_page(request, access_registration(request.user, registration_id))


@capability_required("conduct.manage")
@require_POST
def activity_add(request, registration_id: int):
    reg = access_registration(request.user, registration_id, "conduct.manage")
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            services.activity_record(
                actor=request.user, registration=reg, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记活动")
            return redirect("conduct:registration", registration_id=reg.pk)
    return _registration_page(request, reg, form, status=400)


# --- family integrity lists (三交底) ---------------------------------------------------------------


@capability_required("conduct.view")
def briefings(request):
    page = paginate(request, selectors.briefing_list(viewer=request.user))
    return render(request, "conduct/briefings.html", {"page": page, "can_manage": _can_manage(request)})


@capability_required("conduct.manage")
@require_http_methods(["GET", "POST"])
def briefing_new(request):
    pick = _pick(request)
    form = BriefingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if pick["cadre"] is None:
            form.add_error(None, "请先选择干部")
        else:
            d = form.cleaned_data
            try:
                b = services.briefing_record(actor=request.user, cadre=pick["cadre"], recipient=d["recipient"],
                                             red_lines=d["red_lines"], handed_on=d["handed_on"],
                                             handed_by=d["handed_by"], request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已登记三交底，可打印交给家属")
                return redirect("conduct:briefing_print", briefing_id=b.pk)
    return render(
        request, "conduct/briefing_new.html", {"form": form, **pick}, status=form_status(request, form)
    )


@capability_required("conduct.view")
def briefing_print(request, briefing_id: int):
    b = access_briefing(request.user, briefing_id)
    audit_record(actor=request.user, action="conduct.briefing_view", obj=b, person_id=b.cadre_id,
                 unit_id=b.unit_id, request=request)  # fmt: skip
    return render(request, "conduct/briefing_print.html", {"b": b})


# --- negative-list findings ------------------------------------------------------------------------


@capability_required("conduct.view")
def findings(request):
    status = request.GET.get("status", "")
    page = paginate(request, selectors.finding_list(viewer=request.user, status=status))
    return render(request, "conduct/findings.html", {"page": page, "status": status,
                  "statuses": Finding.Status.choices, "query": query_without_page(request),
                  "can_manage": _can_manage(request)})  # fmt: skip


@capability_required("conduct.manage")
@require_http_methods(["GET", "POST"])
def finding_new(request):
    pick = _pick(request)
    form = FindingForm(request.POST or None, lists=services.lists_current())
    if request.method == "POST" and form.is_valid():
        if pick["cadre"] is None:
            form.add_error(None, "请先选择干部")
        else:
            kind, number = form.list_item()
            d = form.cleaned_data
            try:
                f = services.finding_record(actor=request.user, cadre=pick["cadre"], list_kind=kind, item_number=number,
                                            occurred_on=d["occurred_on"], facts=d["facts"], source=d["source"],
                                            request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"list_kind": "item", "item_number": "item"})
            else:
                messages.success(request, "已登记；听取本人说明并认定之前，不记入廉政档案")
                return redirect("conduct:finding", finding_id=f.pk)
    return render(
        request, "conduct/finding_new.html", {"form": form, **pick}, status=form_status(request, form)
    )


def _finding_page(request, f, *, hear=None, decide=None, status=200):
    can_manage = scope(request.user, "conduct.manage").contains(f.unit)
    return render(request, "conduct/finding.html", {"f": f, "can_manage": can_manage,
                  "hear_form": hear or HearForm(initial={"explanation": f.explanation, "heard_on": f.heard_on}),
                  "decide_form": decide or DecideForm()}, status=status)  # fmt: skip


@capability_required("conduct.view")
def finding_detail(request, finding_id: int):
    f = access_finding(request.user, finding_id)
    audit_record(actor=request.user, action="conduct.finding_view", obj=f, person_id=f.cadre_id, unit_id=f.unit_id,
                 request=request)  # fmt: skip
    return _finding_page(request, f)


@capability_required("conduct.manage")
@require_POST
def finding_hear(request, finding_id: int):
    f = access_finding(request.user, finding_id, "conduct.manage")
    form = HearForm(request.POST)
    if form.is_valid():
        try:
            services.finding_hear(actor=request.user, finding=f, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已记录本人说明")
            return redirect("conduct:finding", finding_id=f.pk)
    return _finding_page(request, f, hear=form, status=400)


@capability_required("conduct.manage")
@require_POST
def finding_decide(request, finding_id: int):
    f = access_finding(request.user, finding_id, "conduct.manage")
    form = DecideForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.finding_decide(actor=request.user, finding=f, confirm=d["decision"] == "confirm",
                                    decider_name=d["decider_name"], note=d["note"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "已认定，记入廉政档案" if d["decision"] == "confirm" else "已作出不予认定的决定"
            )
            return redirect("conduct:finding", finding_id=f.pk)
    return _finding_page(request, f, decide=form, status=400)


# --- family-event pre-reports ----------------------------------------------------------------------


@capability_required("conduct.view")
def events(request):
    flagged = request.GET.get("flagged") == "1"
    page = paginate(request, selectors.family_event_list(viewer=request.user, flagged=flagged))
    return render(request, "conduct/events.html", {"page": page, "flagged": flagged,
                  "query": query_without_page(request)})  # fmt: skip


def _caps_now():
    from django.utils import timezone

    values = rule_params(services.CAPS_RULE, as_of=timezone.localdate())
    return {k: int(v.value) for k, v in values.items()}, next(iter(values.values()), None)


@capability_required("conduct.own")
def my_events(request):
    cadre = getattr(request.user, "cadre", None)
    rows = list(selectors.own_family_events(user=request.user)[:50])
    caps, value = _caps_now()
    return render(request, "conduct/my_events.html", {"cadre": cadre, "rows": rows, "caps": caps,
                  "basis": value.basis if value else ""})  # fmt: skip


@capability_required("conduct.own")
@require_http_methods(["GET", "POST"])
def my_event_new(request):
    cadre = getattr(request.user, "cadre", None)
    form = FamilyEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.family_event_file(user=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已报备" if event.within_caps else "已报备，但超出规定，请查看核对结果")
            return redirect("conduct:my_event", event_id=event.pk)
    caps, value = _caps_now()
    return render(request, "conduct/my_event_new.html", {"form": form, "cadre": cadre, "caps": caps,
                  "basis": value.basis if value else ""}, status=form_status(request, form))  # fmt: skip


@capability_required("conduct.own")
def my_event(request, event_id: int):
    event = (
        FamilyEvent.objects.select_related("cadre", "unit")
        .filter(pk=event_id, cadre__user=request.user)
        .first()
    )
    if event is None:
        raise Http404("报备不存在")
    return render(request, "conduct/my_event.html", {"event": event})


@capability_required("conduct.view")
def event_detail(request, event_id: int):
    event = access_family_event(request.user, event_id)
    audit_record(actor=request.user, action="conduct.family_event_view", obj=event, person_id=event.cadre_id,
                 unit_id=event.unit_id, request=request)  # fmt: skip
    return render(request, "conduct/event.html", {"event": event})
