"""Pages of inspections: plans and coverage, rounds (teams, recusal, assignment), findings,
rectification with its three gates, the inspector pools. Thin: forms in, services, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability, scope
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate
from qinglian.inspections import assignment, pools, rectification, selectors, services
from qinglian.inspections import forms as f
from qinglian.inspections.access import (
    access_finding,
    access_inspector,
    access_plan,
    access_rectification,
    access_round,
    access_target,
)
from qinglian.inspections.models import (
    Finding,
    Gate,
    Inspector,
    MonthlyRecord,
    Plan,
    PlanKind,
    Recusal,
    Round,
    RoundTarget,
    TeamMember,
    Unification,
)
from qinglian.people.models import Cadre, Unit


def _deny(request, exc) -> None:
    messages.error(request, str(exc.args[0]) if exc.args else "无权操作")


def _jurisdiction(user, capability: str) -> Unit | None:
    """The unit whose name a user plans in: the top of the user's scope."""
    paths = sorted(scope(user, capability)._minimal_prefixes(), key=len)
    return Unit.objects.filter(path=paths[0]).first() if paths else None


# --- home, plans ---------------------------------------------------------------------------------


@capability_required("inspections.view")
def home(request):
    s = scope(request.user, "inspections.view")
    page = paginate(request, selectors.rounds_visible(request.user))
    plans = (
        Plan.objects.filter(s.units_q("owner_unit__"))
        .select_related("owner_unit")
        .order_by("-start_year", "kind")[:20]
    )
    can = {
        c: has_capability(request.user, f"inspections.{c}") for c in ("plan", "pool", "rectify", "reports")
    }
    return render(request, "inspections/home.html", {"page": page, "plans": plans, "can": can})


@capability_required("inspections.plan")
@require_http_methods(["GET", "POST"])
def plan_new(request):
    s = scope(request.user, "inspections.plan")
    owner = _jurisdiction(request.user, "inspections.plan")
    form = f.PlanForm(
        request.POST or None, plans=Plan.objects.filter(s.units_q("owner_unit__"), kind=PlanKind.FIVE_YEAR)
    )
    if request.method == "POST" and form.is_valid() and owner is not None:
        d = form.cleaned_data
        try:
            plan = services.plan_create(actor=request.user, kind=d["kind"], title=d["title"], owner_unit=owner,
                                        start_year=d["start_year"], parent=d["parent"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已建立")
            return redirect("inspections:plan", plan_id=plan.pk)
    return render(request, "inspections/form.html", {"form": form, "title": "新建巡察规划/计划", "owner": owner},
                  status=form_status(request, form))  # fmt: skip


@capability_required("inspections.view")
@require_http_methods(["GET", "POST"])
def plan_detail(request, plan_id: int):
    plan = access_plan(request.user, plan_id)
    form = f.TargetsForm(request.POST or None)
    if request.method == "POST":
        if not has_capability(request.user, "inspections.plan"):
            raise PermissionDenied("您的角色无权修改规划")
        if form.is_valid():
            rows, errors = _target_rows(form.cleaned_data["rows"])
            try:
                if errors:
                    raise ValidationError({"rows": errors})
                services.plan_targets_set(actor=request.user, plan=plan, rows=rows, request=request)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                _deny(request, exc)
            else:
                messages.success(request, "巡察对象已保存")
                return redirect("inspections:plan", plan_id=plan.pk)
    targets = plan.targets.select_related("unit")
    ctx = {
        "plan": plan,
        "targets": targets,
        "form": form,
        "can_plan": has_capability(request.user, "inspections.plan"),
    }
    if plan.kind == PlanKind.FIVE_YEAR:
        ctx["coverage"] = selectors.five_year_coverage(plan)
    if plan.kind == PlanKind.ANNUAL:
        city = Plan.objects.filter(
            kind=PlanKind.CITY, start_year__lte=plan.start_year, end_year__gte=plan.start_year
        )
        city = city.filter(Q(owner_unit__path__in=_ancestor_paths(plan.owner_unit))).first()
        if city:
            ctx["alignment"], ctx["city"] = selectors.city_alignment(plan, city), city
    return render(request, "inspections/plan.html", ctx, status=form_status(request, form))


@capability_required("inspections.plan")
@require_POST
def plan_import(request, plan_id: int):
    plan = access_plan(request.user, plan_id, "inspections.plan")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要导入的 Excel 文件（.xlsx）")
        return redirect("inspections:plan", plan_id=plan.pk)
    try:
        created = services.plan_import(actor=request.user, plan=plan, data=upload.read(), filename=upload.name,
                                       request=request)  # fmt: skip
    except ValidationError as exc:
        for message in exc.messages[:50]:
            messages.error(request, message)
    except PermissionDenied as exc:
        _deny(request, exc)
    else:
        messages.success(request, f"已导入 {len(created)} 个巡察对象")
    return redirect("inspections:plan", plan_id=plan.pk)


def _ancestor_paths(unit: Unit) -> list[str]:
    parts = unit.path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def _target_rows(text: str) -> tuple[list[dict], list[str]]:
    rows, errors = [], []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    units = {
        u.code: u
        for u in Unit.objects.filter(
            code__in=[line.replace("，", ",").split(",")[0].strip() for line in lines]
        )
    }
    for i, line in enumerate(lines, 1):
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        try:
            year = int(parts[1])
            order = int(parts[2]) if len(parts) > 2 and parts[2] else 1
        except (IndexError, ValueError):
            errors.append(f"第{i}行：格式应为 单位代码,年度[,轮次顺序]")
            continue
        if parts[0] not in units:
            errors.append(f"第{i}行：找不到单位代码“{parts[0][:20]}”")
            continue
        rows.append(
            {
                "unit": units[parts[0]],
                "year": year,
                "order": order,
                "upgraded": len(parts) > 3 and parts[3] == "提级",
            }
        )
    return rows, errors


@capability_required("inspections.view")
@require_http_methods(["GET", "POST"])
def indicators(request):
    from qinglian.inspections.models import Indicator

    form = f.IndicatorForm(request.POST or None)
    if request.method == "POST":
        if not has_capability(request.user, "inspections.plan"):
            raise PermissionDenied("您的角色无权维护巡察指标")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.indicator_save(actor=request.user, code=d["code"], title=d["title"], parent=d["parent"],
                                        key_points=d["key_points"] or None, request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "指标已保存")
                return redirect("inspections:indicators")
    tree = Indicator.objects.prefetch_related("key_points").order_by("code")
    return render(request, "inspections/indicators.html", {
        "indicators": tree, "form": form, "can_plan": has_capability(request.user, "inspections.plan"),
    }, status=form_status(request, form))  # fmt: skip


# --- rounds --------------------------------------------------------------------------------------


@capability_required("inspections.plan")
@require_http_methods(["GET", "POST"])
def round_new(request):
    s = scope(request.user, "inspections.plan")
    plans = Plan.objects.filter(s.units_q("owner_unit__")).exclude(kind=PlanKind.CITY)
    rounds = Round.objects.filter(s.units_q("organiser__"))
    form = f.RoundForm(request.POST or None, plans=plans, rounds=rounds)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        units, missing = f.parse_codes(d["targets"])
        try:
            if missing:
                raise ValidationError(
                    {"targets": f"找不到单位代码：{'、'.join(m[:20] for m in missing[:10])}"}
                )
            rnd = services.round_create(actor=request.user, plan=d["plan"], number=d["number"], kind=d["kind"],
                                        start_date=d["start_date"], end_date=d["end_date"], targets=units,
                                        previous=d["previous"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            _deny(request, exc)
        else:
            messages.success(request, "轮次已建立，请组建巡察组")
            return redirect("inspections:round", round_id=rnd.pk)
    return render(request, "inspections/form.html", {"form": form, "title": "新建巡察轮次"},
                  status=form_status(request, form))  # fmt: skip


@capability_required("inspections.view")
def round_detail(request, round_id: int):
    rnd = access_round(request.user, round_id)
    s = scope(request.user, "inspections.view")
    organiser_view = s.contains(rnd.organiser)
    targets = rnd.targets.select_related("unit", "team").order_by("unit__path")
    if not organiser_view:  # a team member sees his granted targets only
        targets = targets.filter(s.units_q("unit__"))
    teams = (
        rnd.teams.select_related("home_county").prefetch_related("members__inspector__cadre")
        if organiser_view
        else []
    )
    recusals = (
        Recusal.objects.filter(round=rnd).select_related("inspector__cadre", "unit") if organiser_view else []
    )
    findings = (
        Finding.objects.filter(round=rnd).filter(s.units_q("unit__")).select_related("unit", "indicator")
    )
    ctx = {
        "round": rnd, "targets": targets, "teams": teams, "recusals": recusals, "findings": findings[:100],
        "run": rnd.runs.first() if organiser_view else None, "unifications": rnd.unifications.all(),
        "unification_items": Unification.choices, "organiser_view": organiser_view,
        "can_assign": organiser_view and has_capability(request.user, "inspections.assign"),
        "can_plan": organiser_view and has_capability(request.user, "inspections.plan"),
        "can_find": has_capability(request.user, "inspections.findings"),
        "unification_form": f.UnificationForm(), "moves": services.ROUND_MOVES.get(rnd.status, ()),
        "status_labels": dict(Round.Status.choices),
    }  # fmt: skip
    return render(request, "inspections/round.html", ctx)


@capability_required("inspections.assign")
@require_http_methods(["GET", "POST"])
def team_new(request, round_id: int):
    rnd = access_round(request.user, round_id, "inspections.assign")
    s = scope(request.user, "inspections.pool") if has_capability(request.user, "inspections.pool") else None
    inspectors = Inspector.objects.filter(status=Inspector.Status.ACTIVE).select_related("cadre__unit")
    inspectors = inspectors.filter(s.units_q("cadre__unit__")) if s else inspectors.none()
    form = f.TeamForm(request.POST or None, inspectors=inspectors)
    if request.method == "POST" and form.is_valid():
        try:
            assignment.team_create(actor=request.user, round=rnd, name=form.cleaned_data["name"],
                                   members=form.members_with_roles(), request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc, rename={"members": None})
        except PermissionDenied as exc:
            _deny(request, exc)
        else:
            messages.success(request, "巡察组已组建")
            return redirect("inspections:round", round_id=rnd.pk)
    return render(request, "inspections/form.html", {"form": form, "title": f"{rnd.title}：组建巡察组", "round": rnd},
                  status=form_status(request, form))  # fmt: skip


@capability_required("inspections.assign")
@require_POST
def round_assign(request, round_id: int):
    rnd = access_round(request.user, round_id, "inspections.assign")
    try:
        run = assignment.assignment_run(actor=request.user, round=rnd, request=request)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        (messages.success if run.status in ("optimal", "feasible") else messages.error)(request, run.summary)
    return redirect("inspections:round", round_id=rnd.pk)


@capability_required("inspections.plan")
@require_POST
def round_move(request, round_id: int):
    rnd = access_round(request.user, round_id, "inspections.plan")
    to = request.POST.get("to", "")
    if to not in Round.Status.values:
        return HttpResponseBadRequest("状态无效")
    try:
        services.round_move(actor=request.user, round=rnd, to=to, request=request)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"已转为“{Round.Status(to).label}”")
    return redirect("inspections:round", round_id=rnd.pk)


@capability_required("inspections.plan")
@require_POST
def unification_record(request, round_id: int):
    rnd = access_round(request.user, round_id, "inspections.plan")
    form = f.UnificationForm(request.POST)
    if form.is_valid():
        try:
            services.unification_record(actor=request.user, round=rnd, request=request, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, "已记录")
    else:
        messages.error(request, "请完整填写事项、日期和说明")
    return redirect("inspections:round", round_id=rnd.pk)


@capability_required("inspections.assign")
@require_http_methods(["GET", "POST"])
def target_override(request, target_id: int):
    rt = access_target(request.user, target_id)
    form = f.OverrideForm(request.POST or None, teams=rt.round.teams.all())
    if request.method == "POST" and form.is_valid():
        try:
            assignment.assignment_override(actor=request.user, target=rt, team=form.cleaned_data["team"],
                                           reason=form.cleaned_data["reason"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            _deny(request, exc)
        else:
            messages.success(request, "已人工调整")
            return redirect("inspections:round", round_id=rt.round_id)
    return render(request, "inspections/form.html",
                  {"form": form, "title": f"调整巡察组：{rt.unit.name}", "round": rt.round, "note": rt.explanation},
                  status=form_status(request, form))  # fmt: skip


@capability_required("inspections.reports")
def disclosure(request, round_id: int):
    rnd = access_round(request.user, round_id, "inspections.reports")
    return render(
        request, "inspections/disclosure.html", {"round": rnd, "text": rectification.disclosure_text(rnd)}
    )


# --- findings ------------------------------------------------------------------------------------


@capability_required("inspections.findings")
@require_http_methods(["GET", "POST"])
def finding_new(request, round_id: int):
    rnd = access_round(request.user, round_id, "inspections.findings")
    s = scope(request.user, "inspections.findings")
    target_units = Unit.objects.filter(pk__in=RoundTarget.objects.filter(round=rnd).values("unit")).filter(
        s.units_q()
    )
    q = Q(pk__in=[])
    for u in target_units:
        q |= Q(unit__path__startswith=u.path)
    cadres = Cadre.objects.filter(q).select_related("unit").order_by("unit__path", "name")[:500]
    form = f.FindingForm(
        request.POST or None, units=target_units, cadres=Cadre.objects.filter(pk__in=[c.pk for c in cadres])
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            finding = services.finding_record(actor=request.user, round=rnd, unit=d["unit"], text=d["text"],
                                              indicator=d["indicator"], cadre=d["cadre"], source=d["source"],
                                              request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            _deny(request, exc)
        else:
            messages.success(request, "问题已记录")
            return redirect("inspections:finding", finding_id=finding.pk)
    return render(request, "inspections/form.html", {"form": form, "title": f"{rnd.title}：记录发现问题", "round": rnd},
                  status=form_status(request, form))  # fmt: skip


@capability_required("inspections.view")
def finding_detail(request, finding_id: int):
    finding = access_finding(request.user, finding_id)
    can = has_capability(request.user, "inspections.findings") and scope(
        request.user, "inspections.findings"
    ).contains(finding.unit)
    return render(request, "inspections/finding.html", {
        "finding": finding, "can": can, "confirm_form": f.ConfirmForm(), "handover_form": f.HandoverForm(),
        "rect": getattr(finding, "rectification", None),
    })  # fmt: skip


@capability_required("inspections.findings")
@require_POST
def finding_confirm(request, finding_id: int):
    finding = access_finding(request.user, finding_id, "inspections.findings")
    form = f.ConfirmForm(request.POST)
    if form.is_valid():
        try:
            rect = services.finding_confirm(
                actor=request.user, finding=finding, request=request, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"已确认，转为整改事项（期限 {rect.deadline}），并记入单位政治生态档案")
    else:
        messages.error(request, "请填写确认人并选择整改类别")
    return redirect("inspections:finding", finding_id=finding.pk)


@capability_required("inspections.findings")
@require_POST
def finding_handover(request, finding_id: int):
    finding = access_finding(request.user, finding_id, "inspections.findings")
    form = f.HandoverForm(request.POST)
    if form.is_valid():
        try:
            finding = services.finding_handover(actor=request.user, finding=finding, request=request,
                                                problem_type=form.cleaned_data["problem_type"])  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            what = (
                f"问题线索 {finding.clue.number}"
                if finding.clue_id
                else f"信访举报件 {finding.report.number}（待纪委登记为线索）"
            )
            messages.success(request, f"已移交：{what}")
    return redirect("inspections:finding", finding_id=finding.pk)


# --- rectification -------------------------------------------------------------------------------


@capability_required("inspections.rectify")
def rectification_list(request):
    items = selectors.rectifications_visible(request.user)
    status = request.GET.get("status", "")
    if status in dict(rectification.Rectification.Status.choices):
        items = items.filter(status=status)
    page = paginate(request, items)
    return render(request, "inspections/rectifications.html", {"page": page, "status": status,
                  "statuses": rectification.Rectification.Status.choices})  # fmt: skip


@capability_required("inspections.rectify")
def rectification_detail(request, rect_id: int):
    rect = access_rectification(request.user, rect_id)
    done = {g.gate: g for g in rect.gates.select_related("passed_by")}
    next_gate = next((g for g, (before, _, _) in rectification.GATES.items() if before == rect.status), None)
    return render(request, "inspections/rectification.html", {
        "rect": rect, "gates": [(g, label, done.get(g)) for g, label in Gate.choices], "next_gate": next_gate,
        "next_label": Gate(next_gate).label if next_gate else "", "gate_form": f.GateForm(),
        "plan_form": f.PlanTextForm(initial={"plan": rect.plan}),
        "can_accept": has_capability(request.user, "inspections.plan"),
    })  # fmt: skip


@capability_required("inspections.rectify")
@require_POST
def rectification_plan(request, rect_id: int):
    rect = access_rectification(request.user, rect_id)
    form = f.PlanTextForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请填写整改措施")
        rectification.rectification_plan(actor=request.user, rectification=rect, plan=form.cleaned_data["plan"],
                                         request=request)  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "整改措施已保存")
    return redirect("inspections:rectification", rect_id=rect.pk)


@capability_required("inspections.rectify")
@require_POST
def gate_pass(request, rect_id: int, gate: str):
    rect = access_rectification(request.user, rect_id)
    if gate not in Gate.values:
        return HttpResponseBadRequest("关口无效")
    form = f.GateForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError("请填写佐证材料说明")
        evidence_file = form.cleaned_data.get("evidence_file")
        if evidence_file is not None:
            from django.core.files.base import ContentFile

            from qinglian.front.filecheck import check_file

            checked = check_file(evidence_file.name, evidence_file.read(), evidence_file.content_type or "")
            evidence_file = ContentFile(checked.data, name=checked.name)
        rectification.gate_pass(actor=request.user, rectification=rect, gate=gate, evidence=form.cleaned_data["evidence"],
                                evidence_file=evidence_file, request=request)  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"已通过{Gate(gate).label}")
    return redirect("inspections:rectification", rect_id=rect.pk)


@capability_required("inspections.reports")
@require_http_methods(["GET", "POST"])
def monthly(request):
    organiser = _jurisdiction(request.user, "inspections.reports")
    form = f.MonthlyForm(request.POST or None)
    if request.method == "POST":
        if not has_capability(request.user, "inspections.plan"):
            raise PermissionDenied("您的角色无权记录督导和推进会")
        if form.is_valid() and organiser is not None:
            try:
                rectification.monthly_record(
                    actor=request.user, organiser=organiser, request=request, **form.cleaned_data
                )
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc) if isinstance(exc, ValidationError) else _deny(request, exc)
            else:
                messages.success(request, "已记录")
                return redirect("inspections:monthly")
    s = scope(request.user, "inspections.reports")
    page = paginate(
        request,
        MonthlyRecord.objects.filter(s.units_q("organiser__")).select_related("organiser", "document"),
    )
    return render(request, "inspections/monthly.html", {"form": form, "page": page, "organiser": organiser},
                  status=form_status(request, form))  # fmt: skip


# --- pools ---------------------------------------------------------------------------------------


@capability_required("inspections.pool")
def pool_list(request):
    s = scope(request.user, "inspections.pool")
    items = (
        Inspector.objects.filter(s.units_q("cadre__unit__")).select_related("cadre__unit")
        .annotate(n_rounds=Count("memberships", distinct=True)).order_by("status", "pool", "cadre__name", "pk")
    )  # fmt: skip
    pool = request.GET.get("pool", "")
    if pool in ("leader", "talent"):
        items = items.filter(pool=pool)
    return render(request, "inspections/pools.html", {"page": paginate(request, items), "pool": pool})


@capability_required("inspections.pool")
@require_http_methods(["GET", "POST"])
def inspector_new(request):
    s = scope(request.user, "inspections.pool")
    cadres = (
        Cadre.objects.filter(s.units_q("unit__"), status="serving")
        .select_related("unit")
        .order_by("unit__path", "name")
    )
    form = f.InspectorForm(request.POST or None, cadres=cadres)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ins = pools.inspector_enter(actor=request.user, cadre=d["cadre"], pool=d["pool"], reason=d["reason"],
                                        user=d["cadre"].user, request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc, rename={"entry_reason": "reason"})
        except PermissionDenied as exc:
            _deny(request, exc)
        else:
            messages.success(request, "已入库")
            return redirect("inspections:inspector", inspector_id=ins.pk)
    return render(
        request,
        "inspections/form.html",
        {"form": form, "title": "巡察干部入库"},
        status=form_status(request, form),
    )


@capability_required("inspections.pool")
def inspector_detail(request, inspector_id: int):
    ins = access_inspector(request.user, inspector_id)
    rounds = Round.objects.filter(teams__members__inspector=ins).distinct()
    return render(request, "inspections/inspector.html", {
        "ins": ins, "memberships": TeamMember.objects.filter(inspector=ins).select_related("team__round"),
        "rating_form": f.RatingForm(rounds=rounds), "reason_form": f.ReasonForm(), "supervision_form": f.SupervisionForm(),
        "commitment_form": f.CommitmentForm(), "summary": pools.rating_summary(ins),
    })  # fmt: skip


@capability_required("inspections.pool")
@require_POST
def inspector_action(request, inspector_id: int, action: str):
    ins = access_inspector(request.user, inspector_id)
    try:
        if action == "remove":
            form = f.ReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError("请填写出库理由")
            pools.inspector_remove(
                actor=request.user, inspector=ins, reason=form.cleaned_data["reason"], request=request
            )
        elif action == "rate":
            form = f.RatingForm(
                request.POST, rounds=Round.objects.filter(teams__members__inspector=ins).distinct()
            )
            if not form.is_valid():
                raise ValidationError("请选择轮次、等次并填写评语")
            pools.inspector_rate(actor=request.user, inspector=ins, request=request, **form.cleaned_data)
        elif action == "supervision":
            form = f.SupervisionForm(request.POST)
            if not form.is_valid():
                raise ValidationError("请填写情况")
            pools.supervision_record(actor=request.user, inspector=ins, request=request, **form.cleaned_data)
        elif action == "commitment":
            form = f.CommitmentForm(request.POST)
            if not form.is_valid():
                raise ValidationError("请选择承诺书")
            pools.commitment_sign(
                actor=request.user, inspector=ins, kind=form.cleaned_data["kind"], request=request
            )
        else:
            return HttpResponseBadRequest("操作无效")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "已保存")
    return redirect("inspections:inspector", inspector_id=ins.pk)
