"""Archive pages: a person's file, a unit's ecology, the county overview, the entry form, the review
and void queues, and the Excel import. Thin: access helpers fetch, services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import capabilities
from qinglian.archive import selectors, services
from qinglian.archive.access import (
    access_archive_person,
    access_archive_unit,
    access_entry,
    access_void,
    access_warning,
)
from qinglian.archive.forms import (
    EntryForm,
    ImportForm,
    ReviewForm,
    TimelineFilterForm,
    VoidDecideForm,
    VoidRequestForm,
    WarningActionForm,
    WarningFilterForm,
)
from qinglian.archive.kinds import COLOUR_LABELS
from qinglian.archive.models import ArchiveEntry, EntryImportJob
from qinglian.archive.timeline import timeline_rows
from qinglian.core.excel import FileRejected, template
from qinglian.core.files import attachment
from qinglian.core.forms import add_service_errors
from qinglian.core.pagination import paginate, query_without_page

COLOURS = [(c, label) for c, label in COLOUR_LABELS.items()]


# --- person ------------------------------------------------------------------------------------


@capability_required("archive.view")
def person_file(request, cadre_id: int):
    cadre = access_archive_person(request.user, cadre_id, request)
    today = timezone.localdate()
    file = selectors.person_file(cadre, viewer=request.user, as_of=today)
    kinds = sorted({(e.kind.code, e.kind.name) for e in file.entries}, key=lambda k: k[0])
    form = TimelineFilterForm(request.GET or None, kinds=kinds)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.filter_entries(
        file.entries, today=today, **{k: filters.get(k, "") for k in ("colour", "kind", "period")}
    )
    counts = {c: 0 for c, _ in COLOURS}
    for e in file.entries:
        if e.counts and e.pk not in file.superseded_by:
            counts[e.colour] = counts.get(e.colour, 0) + 1
    caps = capabilities(request.user)
    from qinglian.archive.grading import grade_explanation

    return render(
        request,
        "archive/person.html",
        {
            "title": f"廉政档案：{cadre.name}",
            "cadre": cadre,
            "file": file,
            "grade_lines": grade_explanation(file.grade) if file.grade else [],
            "entries": entries,
            "rows": timeline_rows(entries, today=today),
            "form": form,
            "filtered": bool(filters and any(filters.values())),
            "counts": [(c, label, counts.get(c, 0)) for c, label in COLOURS],
            "today": today,
            "can_record": any(c.startswith("archive.record_") for c in caps),
            "can_view_people": "people.view" in caps,
        },
    )


def _entry_form(request, *, person=None, unit):
    for_units = person is None
    kinds = selectors.creatable_kinds(request.user, for_units=for_units)
    open_entries = [] if for_units else list(selectors.open_entries(person, viewer=request.user))
    form = EntryForm(request.POST or None, request.FILES or None, kinds=kinds, open_entries=open_entries,
                     for_units=for_units)  # fmt: skip
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            by_pk = {e.pk: e for e in open_entries}
            try:
                entry = services.entry_record(
                    actor=request.user, kind=data["kind"], summary=data["summary"], occurred_on=data["occurred_on"],
                    effective_on=data.get("effective_on"), person=person, unit=None if person else unit,
                    decided_by=data.get("decided_by", ""), decision_document=data.get("decision_document", ""),
                    attachment=data.get("attachment"), period_months=data.get("period_months"),
                    period_year=data.get("period_year"), supersedes=by_pk.get(data.get("supersedes")),
                    revokes=bool(data.get("revokes")), closes=by_pk.get(data.get("closes")), request=request,
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 400
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or "您无权录入该记录")
                status = 403
            else:
                note = "，待审核后生效" if entry.review == ArchiveEntry.Review.PENDING else ""
                messages.success(request, f"已记录“{entry.kind.name}”{note}。")
                if person is not None:
                    return redirect("archive:person", cadre_id=person.pk)
                return redirect("archive:unit", unit_id=unit.pk)
        else:
            status = 400
    return render(
        request,
        "archive/entry_form.html",
        {
            "title": f"新增记录：{person.name if person else unit.name}",
            "form": form,
            "cadre": person,
            "unit": unit,
            "kinds": kinds,
        },
        status=status,
    )


@capability_required("archive.view")
def person_entry_new(request, cadre_id: int):
    cadre = access_archive_person(request.user, cadre_id, request, audit=False)
    return _entry_form(request, person=cadre, unit=cadre.unit)


@capability_required("archive.view")
def unit_entry_new(request, unit_id: int):
    unit = access_archive_unit(request.user, unit_id)
    return _entry_form(request, unit=unit)


@capability_required("archive.view")
def entry_attachment(request, entry_id: int):
    entry = access_entry(request.user, entry_id)
    if not entry.attachment:
        raise Http404("该记录没有附件")
    from qinglian.audit.services import audit_record

    audit_record(actor=request.user, action="archive.attachment", obj=entry, person_id=entry.person_id,
                 unit_id=entry.unit_id, request=request)  # fmt: skip
    name = entry.attachment.name.rsplit("/", 1)[-1]
    response = FileResponse(entry.attachment.open("rb"), as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@capability_required("archive.view")
def entry_void(request, entry_id: int):
    entry = access_entry(request.user, entry_id)
    form = VoidRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.entry_void_request(actor=request.user, entry=entry, reason=form.cleaned_data["reason"],
                                            request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = 403
            else:
                messages.success(request, "已提交作废申请，待另一名审批人批准后生效。")
                return redirect(_file_url(entry))
    return render(
        request,
        "archive/void_request.html",
        {"title": "申请作废记录", "entry": entry, "form": form, "back": _file_url(entry)},
        status=status,
    )


def _file_url(entry) -> str:
    from django.urls import reverse

    if entry.person_id:
        return reverse("archive:person", args=[entry.person_id])
    return reverse("archive:unit", args=[entry.unit_id])


# --- review and void queues ----------------------------------------------------------------------


@capability_required("archive.review")
def review_queue(request):
    return render(
        request,
        "archive/review_queue.html",
        {"title": "待审核记录", "page": paginate(request, selectors.review_queue(viewer=request.user))},
    )


@require_POST
@capability_required("archive.review")
def review_decide(request, entry_id: int):
    entry = access_entry(request.user, entry_id, capability="archive.review")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择确认或退回。")
        return _queue_response(request, "archive/review_queue.html", "待审核记录",
                               selectors.review_queue(viewer=request.user), 400)  # fmt: skip
    try:
        services.entry_review(actor=request.user, entry=entry, accept=form.cleaned_data["decision"] == "accept",
                              note=form.cleaned_data["note"], request=request)  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return _queue_response(request, "archive/review_queue.html", "待审核记录",
                               selectors.review_queue(viewer=request.user), 400)  # fmt: skip
    messages.success(
        request, "已确认，该记录开始计入。" if form.cleaned_data["decision"] == "accept" else "已退回。"
    )
    return redirect("archive:review_queue")


def _queue_response(request, template_name, title, rows, status):
    return render(request, template_name, {"title": title, "page": paginate(request, rows)}, status=status)


@capability_required("archive.approve")
def void_queue(request):
    return render(
        request,
        "archive/void_queue.html",
        {"title": "作废审批", "page": paginate(request, selectors.void_queue(viewer=request.user))},
    )


@require_POST
@capability_required("archive.approve")
def void_decide(request, void_id: int):
    void = access_void(request.user, void_id)
    form = VoidDecideForm(request.POST)
    error = None
    if not form.is_valid():
        error = "请选择是否批准。"
    else:
        try:
            services.entry_void_decide(actor=request.user, void=void, approve=form.cleaned_data["decision"] == "approve",
                                       request=request)  # fmt: skip
        except ValidationError as exc:
            error = "；".join(exc.messages)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return _queue_response(request, "archive/void_queue.html", "作废审批",
                                   selectors.void_queue(viewer=request.user), 403)  # fmt: skip
    if error:
        messages.error(request, error)
        return _queue_response(request, "archive/void_queue.html", "作废审批",
                               selectors.void_queue(viewer=request.user), 400)  # fmt: skip
    messages.success(
        request,
        "已批准作废，该记录已移出档案。"
        if form.cleaned_data["decision"] == "approve"
        else "已驳回作废申请。",
    )
    return redirect("archive:void_queue")


# --- unit and overview -------------------------------------------------------------------------


@capability_required("archive.view")
def unit_file(request, unit_id: int):
    unit = access_archive_unit(request.user, unit_id)
    today = timezone.localdate()
    picture = selectors.unit_picture(unit, viewer=request.user, as_of=today)
    return render(
        request,
        "archive/unit.html",
        {
            "title": f"政治生态档案：{unit.name}",
            "unit": unit,
            "picture": picture,
            "page": paginate(request, selectors.unit_entries(unit, viewer=request.user)),
            "query": query_without_page(request),
            "can_record": bool(selectors.creatable_kinds(request.user, for_units=True)),
            "colours": COLOURS,
        },
    )


@capability_required("archive.view")
def overview(request):
    rules = selectors.warning_rules(viewer=request.user)
    form = WarningFilterForm(request.GET or None, rules=rules)
    filters = form.cleaned_data if form.is_valid() else {}
    warnings = selectors.warning_list(viewer=request.user, status=filters.get("status", ""),
                                      rule=filters.get("rule", ""))  # fmt: skip
    root = selectors.overview_root(request.user)
    heatmap = selectors.heatmap(root, as_of=timezone.localdate()) if root else None
    return render(
        request,
        "archive/overview.html",
        {
            "title": "廉政档案总览",
            "root": root,
            "heatmap": heatmap,
            "form": form,
            "page": paginate(request, warnings),
            "query": query_without_page(request),
            "can_act": "archive.review" in capabilities(request.user),
        },
    )


def _warning_transition(*, actor, warning, action: str, note: str, request) -> None:
    """The warning's life is the archive-scan helper's state machine (archive.warnings)."""
    from qinglian.archive import warnings as lifecycle

    transition = {"acknowledge": lifecycle.warning_acknowledge, "handle": lifecycle.warning_handle,
                  "dismiss": lifecycle.warning_dismiss}[action]  # fmt: skip
    if action == "dismiss":
        transition(actor=actor, warning=warning, reason=note, request=request)
    else:
        transition(actor=actor, warning=warning, note=note, request=request)


@require_POST
@capability_required("archive.review")
def warning_act(request, warning_id: int):
    warning = access_warning(request.user, warning_id, capability="archive.review")
    form = WarningActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择签收、已处置或排除。")
        return redirect("archive:overview")
    try:
        _warning_transition(actor=request.user, warning=warning, action=form.cleaned_data["action"],
                            note=form.cleaned_data["note"], request=request)  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "您无权处理该预警")
    else:
        messages.success(request, "预警状态已更新。")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/archive/") else "archive:overview")


# --- import ------------------------------------------------------------------------------------

IMPORT_NOTES = [
    "每行一条档案记录，按身份证号匹配干部库中的干部（身份证号不会在结果中回显）。",
    "整个文件校验通过才会写入；有任何一行错误，将不写入任何数据并给出错误报告。",
    "专班成员单位只能报送外部信息（external.*）、年度考核（appraisal.*）和表彰（commendation），经纪检部门审核后生效。",
    "处分类记录须填写决定人和决定文号；组织处理须填写决定人。",
]


@capability_required("archive.import")
def import_page(request):
    """Upload: the file is checked to be an .xlsx, stored and queued; the job page shows progress."""
    from qinglian.archive.import_jobs import entry_import_create

    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = entry_import_create(
                    actor=request.user, filename=upload.name, data=upload.read(), request=request
                )
            except FileRejected as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("archive:import_job", job_id=job.pk)
    kinds = selectors.creatable_kinds(request.user, for_units=False)
    jobs = EntryImportJob.objects.filter(created_by=request.user)
    return render(
        request,
        "archive/import.html",
        {"title": "档案记录导入", "form": form, "kinds": kinds, "page": paginate(request, jobs)},
        status=status,
    )


def _import_job(request, job_id: int) -> EntryImportJob:
    """A job is seen only by the user who uploaded it (its errors name rows of his file)."""
    job = EntryImportJob.objects.filter(pk=job_id, created_by=request.user).first()
    if job is None:
        raise Http404
    return job


@capability_required("archive.import")
def import_job(request, job_id: int):
    job = _import_job(request, job_id)
    name = "archive/_import_status.html" if request.htmx else "archive/import_job.html"
    return render(request, name, {"title": f"导入：{job.filename}", "job": job})


@capability_required("archive.import")
def import_errors(request, job_id: int):
    job = _import_job(request, job_id)
    if not job.error_report:
        raise Http404
    return FileResponse(job.error_report.open("rb"), as_attachment=True, filename=f"错误报告-{job.filename}")


@capability_required("archive.import")
def import_template(request):
    from qinglian.archive.imports import ENTRY_COLUMNS

    return attachment(template(ENTRY_COLUMNS, title="档案记录", notes=IMPORT_NOTES), "档案记录导入模板.xlsx")
