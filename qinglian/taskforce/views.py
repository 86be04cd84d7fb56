"""Pages of the task force: thin, through access helpers and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.models import User
from qinglian.api.models import ApiToken
from qinglian.archive.models import EntryKind
from qinglian.audit.services import audit_record
from qinglian.core.excel import FileRejected
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate
from qinglian.people.models import Unit
from qinglian.taskforce import access, selectors, services
from qinglian.taskforce.excel import read_rows, template_bytes
from qinglian.taskforce.forms import (
    AgencyForm,
    MemberForm,
    RevokeForm,
    RowTypeForm,
    SharingForm,
    TokenForm,
    UploadForm,
)
from qinglian.taskforce.models import Agency, AgencyMember, MonthlyReport, ReportItem, RowType

MAX_ERRORS_SHOWN = 1000


def _units():
    """The units an agency may stand for: county- or city-level bodies (not the thousands of
    townships and villages of the network, which would make every agency page heavy)."""
    return (
        Unit.objects.filter(is_active=True)
        .exclude(kind="jurisdiction")
        .exclude(level__in=["township", "village"])
        .only("id", "name")
        .order_by("path")[:1000]
    )


# --- agencies (the lead) -------------------------------------------------------------------------


@capability_required("taskforce.manage")
def agencies(request):
    rows = Agency.objects.select_related("unit").annotate(n_members=Count("members")).order_by("order", "id")
    return render(request, "taskforce/agencies.html", {"page": paginate(request, rows)})


@capability_required("taskforce.manage")
@require_http_methods(["GET", "POST"])
def agency_new(request):
    form = AgencyForm(request.POST or None, units=_units())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            agency = services.agency_save(
                actor=request.user, agency=None, code=d["code"], name=d["name"], tier=d["tier"],
                unit=Unit.objects.filter(pk=d["unit"]).first() if d["unit"] else None, active=True,
                order=d["order"], request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已添加成员单位“{agency.name}”")
            return redirect("taskforce:agency", agency_id=agency.pk)
    return render(request, "taskforce/agency_new.html", {"form": form}, status=form_status(request, form))


def _agency_page(request, agency, *, form=None, sharing=None, member_form=None, token_form=None, raw_token=None,
                 status=200):  # fmt: skip
    row_types = list(RowType.objects.all())
    members = list(AgencyMember.objects.filter(agency=agency).select_related("user").order_by("id"))
    tokens = list(ApiToken.objects.filter(user__taskforce_membership__agency=agency).order_by("-created_at"))
    form = form or AgencyForm(units=_units(), initial={
        "code": agency.code, "name": agency.name, "tier": agency.tier, "unit": agency.unit_id, "order": agency.order,
        "active": agency.active})  # fmt: skip
    sharing = sharing or SharingForm(row_types=row_types, initial={
        "row_types": agency.shared_row_types, "aggregates": agency.shared_aggregates})  # fmt: skip
    return render(request, "taskforce/agency.html", {
        "agency": agency, "form": form, "sharing": sharing, "members": members, "tokens": tokens,
        "member_form": member_form or MemberForm(), "token_form": token_form or TokenForm(),
        "revoke_form": RevokeForm(), "raw_token": raw_token}, status=status)  # fmt: skip


@capability_required("taskforce.manage")
@require_http_methods(["GET", "POST"])
def agency_detail(request, agency_id: int):
    agency = access.access_agency(request.user, agency_id)
    if request.method == "GET":
        return _agency_page(request, agency)
    form = AgencyForm(request.POST, units=_units())
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.agency_save(
                actor=request.user, agency=agency, code=d["code"], name=d["name"], tier=d["tier"],
                unit=Unit.objects.filter(pk=d["unit"]).first() if d["unit"] else None, active=d["active"],
                order=d["order"], request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("taskforce:agency", agency_id=agency.pk)
    return _agency_page(request, agency, form=form, status=400)


@capability_required("taskforce.manage")
@require_POST
def agency_sharing(request, agency_id: int):
    agency = access.access_agency(request.user, agency_id)
    form = SharingForm(request.POST, row_types=RowType.objects.all())
    if form.is_valid():
        try:
            services.agency_sharing_set(actor=request.user, agency=agency, row_types=form.cleaned_data["row_types"],
                                        aggregates=form.cleaned_data["aggregates"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "共享规则已保存（已记入审计日志）")
            return redirect("taskforce:agency", agency_id=agency.pk)
    return _agency_page(request, agency, sharing=form, status=400)


@capability_required("taskforce.manage")
@require_POST
def agency_member_link(request, agency_id: int):
    agency = access.access_agency(request.user, agency_id)
    form = MemberForm(request.POST)
    if form.is_valid():
        user = User.objects.filter(username=form.cleaned_data["username"].strip(), is_active=True).first()
        try:
            if user is None:
                raise ValidationError({"username": "没有该账号，或账号已停用"})
            services.agency_member_link(actor=request.user, agency=agency, user=user, request=request)
        except ValidationError as exc:
            add_service_errors(form, exc, rename={"user": "username"})
        else:
            messages.success(request, f"已关联账号“{user.username}”")
            return redirect("taskforce:agency", agency_id=agency.pk)
    return _agency_page(request, agency, member_form=form, status=400)


@capability_required("taskforce.manage")
@require_POST
def agency_member_unlink(request, agency_id: int, member_id: int):
    agency = access.access_agency(request.user, agency_id)
    member = AgencyMember.objects.filter(pk=member_id, agency=agency).select_related("user", "agency").first()
    if member is None:
        raise Http404("账号不存在")
    services.agency_member_unlink(actor=request.user, member=member, request=request)
    messages.success(request, f"已解除账号“{member.user.username}”")
    return redirect("taskforce:agency", agency_id=agency.pk)


@capability_required("taskforce.manage")
@require_POST
def agency_token_new(request, agency_id: int):
    agency = access.access_agency(request.user, agency_id)
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = services.agency_token_issue(actor=request.user, agency=agency, name=form.cleaned_data["name"],
                                                     request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            response = _agency_page(request, agency, raw_token=raw)
            response["Cache-Control"] = "no-store"
            return response
    return _agency_page(request, agency, token_form=form, status=400)


@capability_required("taskforce.manage")
@require_POST
def agency_token_revoke(request, agency_id: int, token_id: int):
    agency = access.access_agency(request.user, agency_id)
    token = ApiToken.objects.filter(pk=token_id, user__taskforce_membership__agency=agency).first()
    if token is None:
        raise Http404("令牌不存在")
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.agency_token_revoke(actor=request.user, agency=agency, token=token,
                                         reason=form.cleaned_data["reason"], request=request)  # fmt: skip
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "令牌已撤销")
    else:
        messages.error(request, "请填写撤销事由")
    return redirect("taskforce:agency", agency_id=agency.pk)


# --- row types (the lead) ------------------------------------------------------------------------


def _external_kinds():
    return EntryKind.objects.filter(code__startswith="external.", for_units=False).order_by("code")


@capability_required("taskforce.manage")
def row_types(request):
    """The list; `?edit=<id>` opens a row type's form above it (saved by POST to `row_type`)."""
    editing, form = None, None
    if request.GET.get("edit"):
        editing = access.access_row_type(request.user, request.GET["edit"])
        form = _row_type_form_for(editing)
    return _row_types_page(request, editing, form)


def _row_types_page(request, editing, form, status=200):
    page = paginate(request, RowType.objects.order_by("order", "id"))
    return render(request, "taskforce/row_types.html", {"page": page, "editing": editing, "form": form},
                  status=status)  # fmt: skip


def _row_type_form_for(row_type, data=None):
    initial = {} if row_type is None else {"code": row_type.code, "name": row_type.name, "kind_code": row_type.kind_code,
                                           "counts": row_type.counts, "active": row_type.active, "order": row_type.order}  # fmt: skip
    return RowTypeForm(data, kinds=_external_kinds(), initial=initial)


def _row_type_save(request, row_type, form):
    if form.is_valid():
        try:
            services.row_type_save(
                actor=request.user, row_type=row_type, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return True
    return False


@capability_required("taskforce.manage")
@require_http_methods(["GET", "POST"])
def row_type_new(request):
    form = _row_type_form_for(None, request.POST or None)
    if request.method == "POST" and _row_type_save(request, None, form):
        return redirect("taskforce:row_types")
    return render(request, "taskforce/row_type.html", {"form": form, "row_type": None},
                  status=form_status(request, form))  # fmt: skip


@capability_required("taskforce.manage")
@require_POST
def row_type_edit(request, row_type_id: int):
    row_type = access.access_row_type(request.user, row_type_id)
    form = _row_type_form_for(row_type, request.POST)
    if _row_type_save(request, row_type, form):
        return redirect("taskforce:row_types")
    return _row_types_page(request, row_type, form, status=400)


# --- monthly reports -----------------------------------------------------------------------------


def _months(request) -> int:
    try:
        return max(1, min(24, int(request.GET.get("months", 6))))
    except ValueError:
        return 6


@capability_required("taskforce.view")
def reports(request):
    user = request.user
    today = timezone.localdate()
    months = selectors.months_back(today, _months(request))
    own = access.agency_of(user) if access.is_agency_account(user) else None
    if access.shares_aggregate(user, "report_status"):
        grid_agencies = Agency.objects.filter(active=True).order_by("order", "id")
    else:
        grid_agencies = Agency.objects.filter(pk=own.pk) if own else Agency.objects.none()
    grid = selectors.report_grid(
        months=months, agencies=grid_agencies, today=today, deadlines=services.deadlines_for(months)
    )
    recent = (MonthlyReport.objects.filter(access.visible_reports_q(user)).select_related("agency", "submitted_by")
              .order_by("-submitted_at", "-id"))  # fmt: skip
    return render(request, "taskforce/reports.html", {
        "months": months, "grid": grid, "page": paginate(request, recent), "own": own,
        "is_agency": access.is_agency_account(user), "n_months": len(months)})  # fmt: skip


@capability_required("taskforce.view")
def report_template(request):
    response = HttpResponse(template_bytes(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E6%9C%88%E6%8A%A5%E8%A1%A8%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


def _default_month():
    today = timezone.localdate()
    return f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"


@capability_required("taskforce.report")
@require_http_methods(["GET", "POST"])
def upload(request):
    agency = access.agency_of(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, initial={"month": _default_month()})
    ctx = {"form": form, "agency": agency}
    if request.method == "POST" and agency is None:
        form.add_error(None, "您的账号尚未关联专班成员单位，请联系牵头单位")
    elif request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            data = f.read()
            result = services.report_submit(actor=request.user, agency=agency, month=form.cleaned_data["month"],
                                            rows=read_rows(data), channel="excel", filename=f.name, request=request)  # fmt: skip
        except FileRejected as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc, rename={"rows": "file"})
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if result.ok:
                r = result.report
                messages.success(request, f"已接收{r.month:%Y年%m月}月报表：{r.created}条记入档案待审核"
                                          f"{f'，{r.unchanged}条此前已报送' if r.unchanged else ''}"
                                          f"{'（逾期报送）' if r.late else ''}")  # fmt: skip
                return redirect("taskforce:report", report_id=r.pk)
            ctx.update(
                errors=result.errors[:MAX_ERRORS_SHOWN], n_errors=len(result.errors), total=result.total
            )
            return render(request, "taskforce/upload.html", ctx, status=400)
    return render(request, "taskforce/upload.html", ctx, status=form_status(request, form))


@capability_required("taskforce.view")
def report_detail(request, report_id: int):
    user = request.user
    report = access.access_report(user, report_id)
    by_type = list(
        ReportItem.objects.filter(report=report).values("row_type__name", "row_type__counts")
        .annotate(n=Count("id"), pending=Count("id", filter=Q(entry__review="pending")),
                  accepted=Count("id", filter=Q(entry__review="accepted")),
                  rejected=Count("id", filter=Q(entry__review="rejected")))
        .order_by("row_type__name")
    )  # fmt: skip
    items = ReportItem.objects.filter(access.readable_items_q(user), report=report)
    page = None
    if access.reads_content(user) or report.agency_id == getattr(access.agency_of(user), "pk", None):
        page = paginate(request, items.select_related("row_type", "person", "entry").order_by("row_number"))
        audit_record(actor=user, action="taskforce.report_read", obj=report, request=request,
                     extra={"page": page.number})  # fmt: skip
    return render(request, "taskforce/report.html", {"report": report, "by_type": by_type, "page": page})


@capability_required("taskforce.report")
def shared(request):
    """What the sharing rules give the user's agency (and its own items)."""
    user = request.user
    agency = access.agency_of(user)
    items = (
        ReportItem.objects.filter(access.readable_items_q(user))
        .select_related("row_type", "person", "report__agency", "entry")
        .order_by("-report__month", "-report_id", "row_number")
    )
    type_code = request.GET.get("type", "")
    if type_code:
        items = items.filter(row_type__code=type_code)
    page = paginate(request, items, count_cap=10_000)
    if page.object_list:
        audit_record(actor=user, action="taskforce.shared_read", request=request,
                     extra={"agency": agency.code if agency else None, "type": type_code, "page": page.number})  # fmt: skip
    shared_types = [t for t in RowType.objects.all() if t.code in access.shared_row_type_codes(user)]
    return render(request, "taskforce/shared.html", {"page": page, "agency": agency, "shared_types": shared_types,
                                                     "type": type_code})  # fmt: skip


@capability_required("taskforce.view")
def aggregates(request):
    user = request.user
    allowed = access.shares_aggregate(user, "monthly_counts")
    ctx = {"allowed": allowed}
    if allowed:
        months = selectors.months_back(timezone.localdate(), _months(request))
        types, rows = selectors.monthly_counts(months=months, agencies=Agency.objects.order_by("order", "id"))
        ctx.update(types=types, rows=[(a, m, [counts.get(t.pk, 0) for t in types], sum(counts.values()))
                                      for a, m, counts in rows])  # fmt: skip
    return render(request, "taskforce/aggregates.html", ctx)
