"""Pages of the departure handover: the departure database, a case, the departure audit, the
checklist, and the cadre-side page of the departing leader and the successor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate, query_without_page
from qinglian.handovers import selectors, services
from qinglian.handovers.access import (
    access_case,
    access_case_for_audit,
    access_finding,
    access_item,
    access_own_case,
    access_part,
)
from qinglian.handovers.forms import (
    AuditForm,
    CaseForm,
    ChecklistForm,
    CloseForm,
    DecideForm,
    FindingForm,
    HearForm,
    ItemForm,
    PartForm,
    SignForm,
)
from qinglian.handovers.models import Body, DepartureReason, HandoverCase
from qinglian.people.access import access_cadre
from qinglian.people.models import Cadre, Unit
from qinglian.people.selectors import cadre_search_q, supervising_body

COUNT_CAP = 5000  # a province's departure database is counted no further (narrow the filters instead)


def _errors(request, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


# --- the departure database ------------------------------------------------------------------------


@capability_required("handovers.view")
def case_list(request):
    filters = {k: request.GET.get(k, "") for k in ("q", "status", "reason", "year", "findings", "overdue")}
    cases = selectors.case_list(viewer=request.user, filters=filters)
    page = paginate(request, cases, count_cap=COUNT_CAP)
    return render(request, "handovers/cases.html", {
        "page": page, "filters": filters, "query": query_without_page(request),
        "statuses": HandoverCase.Status.choices, "reasons": DepartureReason.choices,
        "can_manage": has_capability(request.user, "handovers.manage"),
        "perms_record": has_capability(request.user, "handovers.record"),
    })  # fmt: skip


def _pick(request) -> dict:
    raw = (request.POST.get("cadre") if request.method == "POST" else "") or request.GET.get("cadre")
    cadre = access_cadre(request.user, raw, capability="handovers.manage", request=request) if raw else None
    find = (request.GET.get("find") or "").strip()[:50]
    candidates = []
    if cadre is None and find:
        candidates = list(
            Cadre.objects.filter(cadre_search_q(find), is_top_leader=True)
            .filter(scope(request.user, "handovers.manage").units_q("unit__"))
            .select_related("unit").order_by("name", "pk")[:10]
        )  # fmt: skip
    return {"cadre": cadre, "find": find, "candidates": candidates}


def _initial_parts(request, unit) -> dict:
    body = supervising_body(unit)
    own = request.user.unit
    audit = (
        Unit.objects.filter(name__contains="审计局")
        .filter(scope(request.user, "handovers.manage").units_q())
        .order_by("depth", "pk")
        .first()
    )
    return {
        "discipline_unit": body.code if body else "", "organisation_unit": own.code if own else "",
        "audit_unit": audit.code if audit else "", "audit_required": True,
    }  # fmt: skip


@capability_required("handovers.manage")
@require_http_methods(["GET", "POST"])
def case_new(request):
    pick = _pick(request)
    cadre = pick["cadre"]
    colleagues = (
        list(Cadre.objects.filter(unit=cadre.unit).exclude(pk=cadre.pk).order_by("name")[:200])
        if cadre
        else []
    )
    initial = _initial_parts(request, cadre.unit) if cadre else {}
    form = CaseForm(request.POST or None, colleagues=colleagues, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if cadre is None:
            form.add_error(None, "请先选择离任干部")
        else:
            parts, missing = {}, []
            for body in Body.values:
                unit = Unit.objects.filter(code=d[f"{body}_unit"].strip()).first()
                if unit is None:
                    missing.append(f"{body}_unit")
                parts[body] = {"unit": unit, "person": d[f"{body}_person"]}
            for name in missing:
                form.add_error(name, "单位代码不存在")
            successor = next((c for c in colleagues if c.pk == d["successor"]), None)
            if not missing:
                try:
                    case = services.case_open(
                        actor=request.user, departing=cadre, successor=successor,
                        successor_name=d["successor_name"], departed_on=d["departed_on"], reason=d["reason"],
                        parts=parts, audit_required=d["audit_required"], request=request,
                    )  # fmt: skip
                except ValidationError as exc:
                    add_service_errors(form, exc)
                except PermissionDenied as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, f"已登记离任交接 {case.number}")
                    return redirect("handovers:case", case_id=case.pk)
    return render(
        request, "handovers/case_new.html", {"form": form, **pick}, status=form_status(request, form)
    )


def _case_page(request, case, *, status=200, forms=None):
    forms = forms or {}
    items = list(case.items.select_related("done_by").order_by("position"))
    parts = list(case.parts.select_related("unit").order_by("body"))
    audit = getattr(case, "audit", None) if services._has_audit(case) else None
    findings = list(case.findings.order_by("id"))
    can_manage = scope(request.user, "handovers.manage").contains(case.unit)
    can_record = scope(request.user, "handovers.record").contains(case.unit)
    ctx = {
        "case": case, "items": items, "parts": parts, "audit": audit, "findings": findings,
        "can_manage": can_manage and case.status == HandoverCase.Status.OPEN,
        "can_close": can_manage and case.status != HandoverCase.Status.CLOSED,
        "can_document": can_manage and has_capability(request.user, "documents.create"),
        "can_record": can_record and case.status != HandoverCase.Status.CLOSED,
        "obstacles": services.closing_obstacles(case) if case.status != HandoverCase.Status.CLOSED else [],
        "item_form": ItemForm(), "sign_form": forms.get("sign") or SignForm(initial={"signer_name": case.successor_name}),
        "close_form": forms.get("close") or CloseForm(),
        "part_forms": [(p, PartForm(prefix=f"p{p.pk}", initial={"person": p.person, "duty": p.duty, "due_on": p.due_on,
                        "done_on": p.done_on, "result": p.result})) for p in parts],
        "documents": _documents(case),
    }  # fmt: skip
    return render(request, "handovers/case.html", ctx, status=status)


def _documents(case):
    from django.contrib.contenttypes.models import ContentType

    from qinglian.documents.models import Document

    ct = ContentType.objects.get_for_model(HandoverCase)
    return list(Document.objects.filter(subject_type=ct, subject_id=str(case.pk)).order_by("-pk")[:6])


@capability_required("handovers.view")
def case_detail(request, case_id: int):
    case = access_case(request.user, case_id)
    audit_record(actor=request.user, action="handovers.case_view", obj=case, person_id=case.departing_id,
                 unit_id=case.unit_id, request=request)  # fmt: skip
    return _case_page(request, case)


@capability_required("handovers.manage")
@require_POST
def item_update(request, item_id: int):
    item = access_item(request.user, item_id)
    form = ItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请检查交接状态和内容")
    else:
        try:
            services.item_update(actor=request.user, item=item, request=request, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, f"已保存第{item.position}项")
    return redirect(reverse("handovers:case", args=[item.case_id]) + f"#item-{item.pk}")


@capability_required("handovers.record")
@require_POST
def part_update(request, part_id: int):
    part = access_part(request.user, part_id)
    form = PartForm(request.POST, prefix=f"p{part.pk}")
    if not form.is_valid():
        messages.error(request, "请填写责任人、职责和完成期限（日期格式：年-月-日）")
    else:
        try:
            services.part_update(actor=request.user, part=part, request=request, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"已保存{part.get_body_display()}的职责")
    if part.body == Body.AUDIT and not scope(request.user, "handovers.view").contains(part.case.unit):
        return redirect("handovers:audit", case_id=part.case_id)
    return redirect("handovers:case", case_id=part.case_id)


@capability_required("handovers.manage")
@require_POST
def case_sign(request, case_id: int):
    case = access_case(request.user, case_id, "handovers.manage")
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.case_sign(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "接任人已签收交接清单")
            return redirect("handovers:case", case_id=case.pk)
    return _case_page(request, case, status=400, forms={"sign": form})


@capability_required("handovers.manage")
@require_POST
def case_close(request, case_id: int):
    case = access_case(request.user, case_id, "handovers.manage")
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.case_close(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "离任交接已办结")
            return redirect("handovers:case", case_id=case.pk)
    return _case_page(request, case, status=400, forms={"close": form})


@capability_required("handovers.manage", "documents.create")
@require_POST
def case_document(request, case_id: int):
    case = access_case(request.user, case_id, "handovers.manage")
    try:
        services.case_document(actor=request.user, case=case, request=request)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "已生成离任交接清单（Word 和 PDF）")
    return redirect(reverse("handovers:case", args=[case.pk]) + "#documents")


# --- the checklist ---------------------------------------------------------------------------------


@capability_required("handovers.view")
def checklist(request):
    from qinglian.handovers.models import ChecklistVersion

    services.checklist_current()
    versions = list(ChecklistVersion.objects.select_related("changed_by").order_by("-number")[:20])
    return render(request, "handovers/checklist.html", {
        "current": versions[0], "versions": versions,
        "can_manage": has_capability(request.user, "handovers.manage"),
        "perms_record": has_capability(request.user, "handovers.record"),
    })  # fmt: skip


@capability_required("handovers.manage")
@require_http_methods(["GET", "POST"])
def checklist_edit(request):
    current = services.checklist_current()
    text = "\n".join(f"{i['title']}｜{i.get('guidance', '')}" for i in current.items)
    form = ChecklistForm(request.POST or None, initial={"items": text})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.checklist_save(actor=request.user, items=form.cleaned_items(),
                                              reason=form.cleaned_data["reason"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存交接事项清单第{version.number}版；已登记的案件仍按原版本")
            return redirect("handovers:checklist")
    return render(request, "handovers/checklist_edit.html", {"form": form, "current": current},
                  status=form_status(request, form))  # fmt: skip


# --- the departure audit ---------------------------------------------------------------------------


@capability_required("handovers.record")
def audit_list(request):
    cases = selectors.audit_cases(viewer=request.user)
    page = paginate(request, cases)
    return render(request, "handovers/audits.html", {"page": page, "query": query_without_page(request)})


def _audit_page(request, case, *, status=200, forms=None):
    forms = forms or {}
    audit = getattr(case, "audit", None) if services._has_audit(case) else None
    staff = scope(request.user, "handovers.record").contains(case.unit)
    initial = {"auditor_unit": audit.auditor_unit.code if audit else "", "started_on": audit.started_on if audit else None,
               "reported_on": audit.reported_on if audit else None, "report_number": audit.report_number if audit else "",
               "conclusion": audit.conclusion if audit else ""}  # fmt: skip
    if not audit:
        part = case.parts.filter(body=Body.AUDIT).select_related("unit").first()
        initial["auditor_unit"] = part.unit.code if part else ""
    findings = list(case.findings.select_related("entry").order_by("id"))
    part = case.parts.filter(body=Body.AUDIT).select_related("unit").first()
    ctx = {
        "case": case, "audit": audit, "findings": findings, "staff": staff,
        "open": case.status != HandoverCase.Status.CLOSED,
        "audit_form": forms.get("audit") or AuditForm(initial=initial),
        "finding_form": forms.get("finding") or FindingForm(),
        "hear_form": HearForm(), "decide_form": DecideForm(),
        "audit_part": part,
        "part_form": PartForm(prefix=f"p{part.pk}", initial={"person": part.person, "duty": part.duty,
                              "due_on": part.due_on, "done_on": part.done_on, "result": part.result}) if part else None,
    }  # fmt: skip
    return render(request, "handovers/audit.html", ctx, status=status)


@capability_required("handovers.record")
def audit_detail(request, case_id: int):
    case = access_case_for_audit(request.user, case_id)
    audit_record(
        actor=request.user, action="handovers.audit_view", obj=case, unit_id=case.unit_id, request=request
    )
    return _audit_page(request, case)


@capability_required("handovers.record")
@require_POST
def audit_save(request, case_id: int):
    case = access_case_for_audit(request.user, case_id)
    form = AuditForm(request.POST)
    if form.is_valid():
        d = dict(form.cleaned_data)
        unit = Unit.objects.filter(code=d.pop("auditor_unit").strip()).first()
        if unit is None:
            form.add_error("auditor_unit", "单位代码不存在")
        else:
            try:
                services.departure_audit_save(
                    actor=request.user, case=case, auditor_unit=unit, request=request, **d
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已保存离任审计情况")
                return redirect("handovers:audit", case_id=case.pk)
    return _audit_page(request, case, status=400, forms={"audit": form})


@capability_required("handovers.record")
@require_POST
def finding_new(request, case_id: int):
    case = access_case_for_audit(request.user, case_id)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            services.finding_record(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已登记审计发现问题；听取说明并由具名认定人认定之前，不记入任何档案")
            return redirect("handovers:audit", case_id=case.pk)
    return _audit_page(request, case, status=400, forms={"finding": form})


@capability_required("handovers.record")
@require_POST
def finding_hear(request, finding_id: int):
    f = access_finding(request.user, finding_id)
    form = HearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写说明和听取说明日期")
    else:
        try:
            services.finding_hear(actor=request.user, finding=f, request=request, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "已记录说明")
    return redirect(reverse("handovers:audit", args=[f.case_id]) + f"#finding-{f.pk}")


@capability_required("handovers.view", "handovers.record")
@require_POST
def finding_decide(request, finding_id: int):
    f = access_finding(request.user, finding_id, agency_allowed=False)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择认定结果，填写认定人和认定意见")
    else:
        try:
            services.finding_decide(actor=request.user, finding=f, request=request, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已作出认定")
    return redirect(reverse("handovers:audit", args=[f.case_id]) + f"#finding-{f.pk}")


# --- the cadre side --------------------------------------------------------------------------------


@capability_required("handovers.own")
def my_cases(request):
    cases = list(selectors.own_cases(user=request.user)[:50])
    return render(request, "handovers/mine.html", {"cases": cases})


@capability_required("handovers.own")
@require_http_methods(["GET", "POST"])
def my_case(request, case_id: int):
    case = access_own_case(request.user, case_id)
    is_successor = case.successor_id is not None and case.successor.user_id == request.user.pk
    form = SignForm(request.POST or None, initial={"signer_name": case.successor_name})
    if request.method == "POST":
        if not is_successor:
            raise PermissionDenied("只有接任人本人可以签收")
        if form.is_valid():
            try:
                services.case_sign(actor=request.user, case=case, request=request, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "您已签收交接清单")
                return redirect("handovers:my_case", case_id=case.pk)
    audit_record(actor=request.user, action="handovers.own_case_view", obj=case, unit_id=case.unit_id,
                 request=request)  # fmt: skip
    items = list(case.items.order_by("position"))
    return render(request, "handovers/my_case.html", {
        "case": case, "items": items, "parts": list(case.parts.select_related("unit").order_by("body")),
        "form": form, "is_successor": is_successor,
        "can_sign": is_successor and case.status == HandoverCase.Status.OPEN,
        "open_items": [i for i in items if i.status == "open"],
    }, status=form_status(request, form))  # fmt: skip
