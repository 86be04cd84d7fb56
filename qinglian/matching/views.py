"""Pages of the matching app: thin, through access helpers, selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability
from qinglian.audit.services import audit_record
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate
from qinglian.matching import rules as R
from qinglian.matching import selectors, services
from qinglian.matching.access import (
    _pk,
    access_hit,
    access_link,
    access_region,
    current_run_id,
    regions_q,
)
from qinglian.matching.forms import DecisionForm, NoteForm, RegionForm, RunForm, SectorForm
from qinglian.matching.models import Hit, MatchRun, SectorMapping, UnitRegion
from qinglian.people.access import access_cadre
from qinglian.rules.registry import spec_for


def _rule_names() -> dict[str, str]:
    return {code: spec_for(code).name.removeprefix("比对：") for code in R.RULE_CODES if spec_for(code)}


@capability_required("matching.view")
def hits(request):
    status = request.GET.get("status", "open")
    rule = request.GET.get("rule", "")
    if status not in ("open", "all", *Hit.Status.values):
        status = "open"
    if rule not in R.RULE_CODES:
        rule = ""
    page = paginate(request, selectors.hit_list(viewer=request.user, status="" if status == "all" else status,
                                                rule=rule))  # fmt: skip
    audit_record(actor=request.user, action="matching.hits_list", request=request,
                 extra={"status": status, "rule": rule, "page": page.number, "ids": [h.pk for h in page]})  # fmt: skip
    return render(request, "matching/hits.html", {
        "page": page, "status": status, "rule": rule, "rules": _rule_names(), "current_run": current_run_id(),
        "statuses": [("open", "待处理"), *Hit.Status.choices],
    })  # fmt: skip


@capability_required("matching.view")
def hit_detail(request, hit_id: int):
    hit = access_hit(request.user, hit_id)
    audit_record(actor=request.user, action="matching.hit_view", obj=hit, person_id=hit.cadre_id, unit_id=hit.unit_id,
                 request=request)  # fmt: skip
    spec = spec_for(hit.rule)
    can_act = has_capability(request.user, "matching.review") and hit.status in selectors.OPEN
    from qinglian.accounts.scopes import scope

    can_act = can_act and scope(request.user, "matching.review").contains(hit.unit)
    return render(request, "matching/hit_detail.html", {
        "hit": hit, "spec": spec, "form": NoteForm() if can_act else None, "current_run": current_run_id(),
        "history": list(selectors.run_hits_for(hit)[:10]),
    })  # fmt: skip


@capability_required("matching.review")
@require_POST
def hit_act(request, hit_id: int, action: str):
    hit = access_hit(request.user, hit_id, "matching.review")
    form = NoteForm(request.POST)
    note = form.data.get("note", "")
    func = {"acknowledge": services.hit_acknowledge, "confirm": services.hit_confirm,
            "dismiss": services.hit_dismiss}.get(action)  # fmt: skip
    if func is None:
        raise Http404("操作不存在")
    try:
        if action == "dismiss":
            services.hit_dismiss(actor=request.user, hit=hit, reason=note, request=request)
        else:
            func(actor=request.user, hit=hit, note=note, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, {"acknowledge": "已签收", "confirm": "已核实，事实已转入档案待审核（封存、无颜色）",
                                   "dismiss": "已排除"}[action])  # fmt: skip
    return redirect("matching:hit", hit_id=hit.pk)


@capability_required("matching.review")
def review(request):
    page = paginate(request, selectors.review_queue(viewer=request.user))
    return render(request, "matching/review.html", {"page": page})


@capability_required("matching.view")
@require_http_methods(["GET", "POST"])
def link_detail(request, link_id: int):
    link = access_link(request.user, link_id)
    from qinglian.accounts.scopes import scope
    from qinglian.registries.selectors import rows_for_persons

    can_decide = has_capability(request.user, "matching.review") and scope(request.user, "matching.review").contains(
        link.unit)  # fmt: skip
    form = DecisionForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("您无权确认该关联")
        if form.is_valid():
            try:
                services.link_decide(actor=request.user, link=link, decision=form.cleaned_data["decision"],
                                     reason=form.cleaned_data["reason"], request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已记录，下次比对时生效")
                return redirect("matching:review")
    rows = rows_for_persons([link.registry_person_id], actor=request.user, reason="核对人员关联",
                            request=request).get(link.registry_person_id)  # fmt: skip
    return render(request, "matching/link.html", {"link": link, "rows": rows, "form": form},
                  status=form_status(request, form) if form is not None else 200)  # fmt: skip


@capability_required("matching.view")
def person_graph(request, cadre_id: int):
    cadre = access_cadre(request.user, cadre_id, capability="matching.view", request=request, audit=False)
    audit_record(actor=request.user, action="matching.graph_view", obj=cadre, person_id=cadre.pk, unit_id=cadre.unit_id,
                 request=request)  # fmt: skip
    graph = selectors.person_graph(viewer=request.user, cadre=cadre, request=request)
    return render(request, "matching/graph.html", {"title": f"{cadre.name}的关系图谱", "graph": graph})


@capability_required("matching.view")
def company_graph(request, company_id: int):
    from qinglian.registries.models import Company

    company = Company.objects.filter(pk=_pk(company_id)).first()
    graph = (
        selectors.company_graph(viewer=request.user, company=company, request=request) if company else None
    )
    if graph is None:
        raise Http404("企业不存在")
    audit_record(actor=request.user, action="matching.graph_view", obj=("registries.company", str(company.pk),
                 company.name), request=request)  # fmt: skip
    return render(request, "matching/graph.html", {"title": f"{company.name}的关系图谱", "graph": graph})


@capability_required("matching.view")
def runs(request):
    form = RunForm()
    page = paginate(request, selectors.run_list())
    return render(request, "matching/runs.html", {"page": page, "form": form, "current_run": current_run_id(),
                                                  "can_run": has_capability(request.user, "matching.manage")})  # fmt: skip


@capability_required("matching.manage")
@require_POST
def run_new(request):
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "比对类型无效")
        return redirect("matching:runs")
    try:
        run = services.run_request(actor=request.user, kind=form.cleaned_data["kind"], request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("matching:runs")
    messages.success(request, f"已提交比对运行 {run.pk}，后台执行")
    return redirect("matching:run", run_id=run.pk)


COUNT_LABELS = {
    "left": "参与比对的干部及亲属",
    "right": "外部数据人员",
    "links": "人员关联",
    "usable_links": "其中：自动采信或已确认（规则使用）",
    "review_links": "其中：待人工确认",
    "hits": "规则命中",
    "new_hits": "新线索",
    "closed_hits": "证据消失、自动关闭的线索",
    "reopened_hits": "再次命中、重新打开的线索",
}
TIMING_LABELS = {"load": "读取数据", "linkage": "人员关联", "rules": "规则比对", "write": "写入结果",
                 "switch": "切换为当前结果", "total": "合计"}  # fmt: skip


@capability_required("matching.view")
def run_detail(request, run_id: int):
    run = MatchRun.objects.filter(pk=_pk(run_id)).select_related("created_by").first()
    if run is None:
        raise Http404("比对运行不存在")
    if request.GET.get("format") == "json":
        return JsonResponse({"status": run.status, "progress": run.progress, "stage": run.stage})
    counts = [(label, run.counts[k]) for k, label in COUNT_LABELS.items() if k in run.counts]
    names = _rule_names()
    by_rule = [(names.get(code, code), n) for code, n in sorted((run.counts.get("by_rule") or {}).items())]
    timing = [(label, run.timing[k]) for k, label in TIMING_LABELS.items() if k in run.timing]
    return render(request, "matching/run.html", {"run": run, "current_run": current_run_id(), "counts": counts,
                                                 "by_rule": by_rule, "timing": timing})  # fmt: skip


@capability_required("matching.manage")
@require_http_methods(["GET", "POST"])
def sectors(request):
    form = SectorForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("delete"):
            row = SectorMapping.objects.filter(pk=_pk(request.POST["delete"])).first()
            if row is None:
                raise Http404("对照不存在")
            services.sector_mapping_delete(actor=request.user, row=row, request=request)
            messages.success(request, "已删除")
            return redirect("matching:sectors")
        if form.is_valid():
            try:
                services.sector_mapping_add(actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已添加，下次比对时生效")
                return redirect("matching:sectors")
    rows = SectorMapping.objects.select_related("updated_by").order_by("industry_prefix", "sector")
    return render(request, "matching/sectors.html", {"page": paginate(request, rows), "form": form},
                  status=form_status(request, form))  # fmt: skip


@capability_required("matching.manage")
@require_http_methods(["GET", "POST"])
def regions(request):
    """Which administrative division each unit governs (retired-cadre rule), for the units in
    the manager's scope; subordinate units without a row inherit their ancestor's."""
    from qinglian.accounts.scopes import scope
    from qinglian.people.models import Unit

    form = RegionForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("delete"):
            row = access_region(request.user, request.POST["delete"])
            services.unit_region_delete(actor=request.user, row=row, request=request)
            messages.success(request, f"已删除“{row.unit.name}”的管辖区域，下次比对时生效")
            return redirect("matching:regions")
        if form.is_valid():
            unit = Unit.objects.filter(code=form.cleaned_data["unit_code"].strip()).first()
            try:
                if unit is None or not scope(request.user, "matching.manage").contains(unit):
                    raise ValidationError({"unit_code": "没有这个单位代码，或该单位不在您的管理范围内"})
                services.unit_region_set(actor=request.user, unit=unit, region_code=form.cleaned_data["region_code"],
                                         request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已保存“{unit.name}”的管辖区域，下次比对时生效")
                return redirect("matching:regions")
    rows = (
        UnitRegion.objects.filter(regions_q(request.user)).select_related("unit", "updated_by")
        .order_by("region_code", "unit__name", "pk")
    )  # fmt: skip
    return render(request, "matching/regions.html", {"page": paginate(request, rows), "form": form},
                  status=form_status(request, form))  # fmt: skip
