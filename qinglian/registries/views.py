"""Pages of the registries app: sources, snapshots (upload, progress, excluded-row report) and
the buyer-unit mapping. Metadata only: registry rows are shown by the matching app, for the
persons linked to a cadre or relative in the viewer's scope."""

from __future__ import annotations

import csv
import io
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate
from qinglian.people.models import Unit
from qinglian.registries import services
from qinglian.registries.access import access_buyer_mapping, access_snapshot, access_source
from qinglian.registries.forms import BuyerMappingForm, ColumnMapForm, SourceForm, UploadForm, column_map_text
from qinglian.registries.ftm import snapshot_entities
from qinglian.registries.models import BuyerUnitMapping, Snapshot, Source, SourceKind
from qinglian.registries.schema import KIND_FIELDS


def _with_current(qs):
    current = Snapshot.objects.filter(source=OuterRef("pk"), status=Snapshot.Status.CURRENT)
    latest = Snapshot.objects.filter(source=OuterRef("pk")).order_by("-created_at", "-id")
    return qs.annotate(
        current_id=Subquery(current.values("id")[:1]),
        current_date=Subquery(current.values("data_date")[:1]),
        current_rows=Subquery(current.values("imported_rows")[:1]),
        current_persons=Subquery(current.values("person_count")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
    )


@capability_required("matching.view")
def sources(request):
    qs = _with_current(Source.objects.select_related("agency")).order_by("kind", "name")
    return render(request, "registries/sources.html", {
        "page": paginate(request, qs), "can_manage": has_capability(request.user, "matching.manage"),
        "status_labels": dict(Snapshot.Status.choices)})  # fmt: skip


@capability_required("matching.manage")
@require_http_methods(["GET", "POST"])
def source_new(request):
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            source = services.source_create(actor=request.user, name=d["name"], kind=d["kind"], agency=d["agency"],
                                            agency_name=d["agency_name"], column_map=d["column_map"], note=d["note"],
                                            request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记数据源")
            return redirect("registries:source", source_id=source.pk)
    return render(request, "registries/source_new.html", {"form": form, "kinds": _kind_help()},
                  status=form_status(request, form))  # fmt: skip


def _kind_help():
    return [(label, KIND_FIELDS[kind]) for kind, label in SourceKind.choices]


@capability_required("matching.view")
@require_http_methods(["GET", "POST"])
def source(request, source_id: int):
    src = access_source(request.user, source_id)
    can_upload = services.can_upload(request.user, src)
    can_manage = has_capability(request.user, "matching.manage")
    upload = UploadForm(request.POST or None, request.FILES or None) if can_upload else None
    if request.method == "POST":
        if upload is None:
            raise PermissionDenied("您无权向该数据源上传数据")
        if upload.is_valid():
            try:
                snap = services.snapshot_upload(actor=request.user, source=src, data_date=upload.cleaned_data["data_date"],
                                                file=upload.cleaned_data["file"],
                                                filename=upload.cleaned_data["file"].name, request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(upload, exc)
            else:
                return redirect("registries:snapshot", snapshot_id=snap.pk)
    settings_form = None
    if can_manage:
        settings_form = ColumnMapForm(kind=src.kind, initial={"column_map": column_map_text(src), "note": src.note,
                                                              "is_active": src.is_active})  # fmt: skip
    snapshots = (
        Snapshot.objects.filter(source=src).select_related("imported_by").order_by("-created_at", "-id")
    )
    return render(request, "registries/source.html", {
        "source": src, "page": paginate(request, snapshots), "upload": upload, "settings_form": settings_form,
        "fields": KIND_FIELDS[src.kind]}, status=form_status(request, upload))  # fmt: skip


@capability_required("matching.manage")
@require_POST
def source_settings(request, source_id: int):
    src = access_source(request.user, source_id)
    form = ColumnMapForm(request.POST, kind=src.kind)
    if form.is_valid():
        services.source_update(actor=request.user, source=src, column_map=form.cleaned_data["column_map"],
                               note=form.cleaned_data["note"], is_active=form.cleaned_data["is_active"],
                               request=request)  # fmt: skip
        messages.success(request, "已保存数据源设置")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("registries:source", source_id=src.pk)


@capability_required("matching.view")
def source_template(request, source_id: int):
    """An empty CSV with the kind's standard headers (UTF-8 with BOM: Excel opens it right)."""
    src = access_source(request.user, source_id)
    out = io.StringIO()
    csv.writer(out).writerow([f.header for f in KIND_FIELDS[src.kind]])
    resp = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''template-{src.kind}.csv"
    return resp


@capability_required("matching.view")
def snapshot(request, snapshot_id: int):
    snap = access_snapshot(request.user, snapshot_id)
    name = "registries/_snapshot_status.html" if request.htmx else "registries/snapshot.html"
    can_export = (has_capability(request.user, "matching.manage") and snap.status == Snapshot.Status.CURRENT
                  and snap.source.kind in services.FTM_KINDS)  # fmt: skip
    return render(
        request, name, {"snap": snap, "can_report": _can_report(request.user, snap), "can_export": can_export}
    )


def _can_report(user, snap) -> bool:
    return has_capability(user, "matching.manage") or snap.imported_by_id == user.pk


@capability_required("matching.view")
def snapshot_report(request, snapshot_id: int):
    """The excluded-row report (row, column, masked value, reason): registry data about people
    who are not cadres, so for managers and the uploader only, and the download is audited."""
    snap = access_snapshot(request.user, snapshot_id)
    if not _can_report(request.user, snap) or not snap.excluded_report:
        raise Http404("没有排除行报告")
    audit_record(actor=request.user, action="registries.report_download", obj=snap, request=request)
    return FileResponse(snap.excluded_report.open("rb"), as_attachment=True,
                        filename=f"排除行报告-{snap.source.name}-{snap.data_date:%Y%m%d}.xlsx")  # fmt: skip


@capability_required("matching.manage")
def snapshot_ftm(request, snapshot_id: int):
    """The snapshot's people, companies and relationships as FollowTheMoney entities (JSON lines),
    without ID numbers; streamed. Audited in ftm.snapshot_entities."""
    snap = access_snapshot(request.user, snapshot_id)
    if snap.status != Snapshot.Status.CURRENT or snap.source.kind not in services.FTM_KINDS:
        raise Http404("只有现行的企业登记或中标快照可以导出")
    entities = snapshot_entities(snap, actor=request.user, request=request)
    lines = (json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entities)
    resp = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''ftm-{snap.pk}-{snap.data_date:%Y%m%d}.jsonl"
    return resp


@capability_required("matching.view")
@require_http_methods(["GET", "POST"])
def buyers(request):
    can_manage = has_capability(request.user, "matching.manage")
    form = BuyerMappingForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("您的角色无权维护采购单位对照")
        if form.is_valid():
            unit = Unit.objects.filter(code=form.cleaned_data["unit_code"].strip()).first()
            try:
                if unit is None or not scope(request.user, "matching.manage").contains(unit):
                    raise ValidationError({"unit_code": "没有这个单位代码，或该单位不在您的管理范围内"})
                services.buyer_mapping_set(actor=request.user, buyer_name=form.cleaned_data["buyer_name"], unit=unit,
                                           request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已保存对照，相关中标记录已更新")
                return redirect("registries:buyers")
    mappings = BuyerUnitMapping.objects.select_related("unit", "updated_by").order_by("buyer_name")
    return render(request, "registries/buyers.html", {"page": paginate(request, mappings), "form": form},
                  status=form_status(request, form))  # fmt: skip


@capability_required("matching.manage")
@require_POST
def buyer_delete(request, mapping_id: int):
    mapping = access_buyer_mapping(request.user, mapping_id)
    services.buyer_mapping_delete(actor=request.user, mapping=mapping, request=request)
    messages.success(request, "已删除对照")
    return redirect("registries:buyers")
