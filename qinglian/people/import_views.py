"""Import and export pages of the cadre registry."""

from __future__ import annotations

from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability
from qinglian.audit.services import audit_record
from qinglian.core.excel import FileRejected, template, write_rows
from qinglian.core.files import attachment
from qinglian.core.forms import form_status
from qinglian.core.pagination import paginate
from qinglian.people import selectors
from qinglian.people.forms import CadreFilterForm, UnitFilterForm
from qinglian.people.import_jobs import IMPORT_CAPABILITY, import_job_create
from qinglian.people.imports import CADRE_COLUMNS, POST_COLUMNS, RELATIVE_COLUMNS, UNIT_COLUMNS
from qinglian.people.models import ImportJob

TEMPLATES = {
    "units": (
        UNIT_COLUMNS,
        "单位",
        [
            "每行一个单位，按单位代码匹配：已有的更新名称、类型、层级、监督主体和行业，没有的新增。",
            "上级单位可以是系统中已有的单位，也可以是本文件中的另一行（顺序不限）。",
            "导入不调整已有单位的隶属关系；整个文件校验通过才会写入。",
        ],
    ),
    "cadres": (
        CADRE_COLUMNS,
        "干部名册",
        [
            "每行一名干部，按身份证号匹配：已有的更新，没有的新增。",
            "整个文件校验通过才会写入；有任何一行错误，将不写入任何数据并给出错误报告。",
        ],
    ),
    "posts": (
        POST_COLUMNS,
        "任职经历",
        [
            "每行一段任职经历，按“干部身份证号 + 单位代码 + 职务 + 任职时间”匹配：已有的更新，没有的新增。",
            "干部须已在干部库中；现任职务不填免职时间，每名干部最多一条。",
            "导入任职经历不改变干部名册中的现任职务。",
        ],
    ),
    "relatives": (
        RELATIVE_COLUMNS,
        "亲属",
        ["每行一名亲属，按“干部身份证号 + 关系 + 姓名”匹配。", "干部须已在干部库中。"],
    ),
}
KIND_LABELS = {"units": "单位", "cadres": "干部名册", "posts": "任职经历", "relatives": "亲属"}


def importable_kinds(user) -> list[tuple[str, str]]:
    """The kinds of import `user` may run, as (kind, label)."""
    return [(k, label) for k, label in KIND_LABELS.items() if has_capability(user, IMPORT_CAPABILITY[k])]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="导入内容",
        choices=list(KIND_LABELS.items()),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "请选择您有权导入的内容"},
    )
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = importable_kinds(user)


class ExportForm(forms.Form):
    reason = forms.CharField(
        label="导出事由",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "导出干部信息必须填写事由"},
    )


@capability_required("people.import")
def import_page(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                data=upload.read(),
                request=request,
            )
        except FileRejected as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("people:import_job", job_id=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user)
    return render(
        request,
        "people/import.html",
        {
            "title": "Excel 导入",
            "form": form,
            "page": paginate(request, jobs),
            "kinds": importable_kinds(request.user),
        },
        status=form_status(request, form),
    )


@capability_required("people.import")
def import_template(request, kind: str):
    if kind not in TEMPLATES:
        raise Http404
    columns, title, notes = TEMPLATES[kind]
    return attachment(template(columns, title=title, notes=notes), f"{title}导入模板.xlsx")


def _job(request, job_id) -> ImportJob:
    return get_object_or_404(ImportJob, pk=job_id, created_by=request.user)


@capability_required("people.import")
def import_job(request, job_id: int):
    job = _job(request, job_id)
    name = "people/_import_status.html" if request.htmx else "people/import_job.html"
    return render(request, name, {"title": f"导入：{job.filename}", "job": job})


@capability_required("people.import")
def import_errors(request, job_id: int):
    job = _job(request, job_id)
    if not job.error_report:
        raise Http404
    return FileResponse(job.error_report.open("rb"), as_attachment=True, filename=f"错误报告-{job.filename}")


@capability_required("people.view")
def cadre_export(request):
    """Export the filtered list (scope and masking apply) after a reason; audited."""
    units = selectors.unit_list(viewer=request.user, capability="people.view")
    filters_form = CadreFilterForm(request.GET or None, units=units)
    filters = filters_form.cleaned_data if filters_form.is_valid() else {}
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cadres = selectors.cadre_list(viewer=request.user, filters=filters)
        audit_record(
            actor=request.user,
            action="cadre.export",
            reason=form.cleaned_data["reason"],
            request=request,
            extra={"filters": request.GET.urlencode(), "rows": cadres.count()},
        )
        rows = (
            [
                c.name,
                c.get_gender_display(),
                c.birth_date,
                c.id_masked,
                c.unit.name,
                c.post_title,
                c.get_post_level_display(),
                c.get_rank_display(),
                c.get_status_display(),
            ]
            for c in cadres.iterator(chunk_size=2000)
        )
        data = write_rows(
            ["姓名", "性别", "出生日期", "身份证号（脱敏）", "单位", "职务", "职务层级", "职级", "状态"],
            rows,
            title="干部名册",
        )
        return attachment(data, f"干部名册-{timezone.localdate():%Y%m%d}.xlsx")
    count = selectors.cadre_list(viewer=request.user, filters=filters).count()
    return render(
        request,
        "people/export.html",
        {"title": "导出干部名册", "form": form, "count": count, "query": request.GET.urlencode()},
        status=form_status(request, form),
    )


class UnitExportForm(forms.Form):
    reason = forms.CharField(
        label="导出事由",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "导出单位信息必须填写事由"},
    )


@capability_required("units.view")
def unit_export(request):
    """Export the filtered unit list (the viewer's scope) in the import template's columns, so that
    the file can be corrected and imported again; after a reason, audited."""
    filters_form = UnitFilterForm(request.GET or None)
    filters = filters_form.cleaned_data if filters_form.is_valid() else {}
    units = selectors.unit_list(
        viewer=request.user,
        q=filters.get("q", ""),
        kind=filters.get("kind", ""),
        level=filters.get("level", ""),
    )
    form = UnitExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        audit_record(
            actor=request.user,
            action="unit.export",
            reason=form.cleaned_data["reason"],
            request=request,
            extra={"filters": request.GET.urlencode(), "rows": units.count()},
        )
        rows = (
            [
                u.code,
                u.name,
                u.get_kind_display(),
                u.get_level_display(),
                u.parent.code if u.parent_id else "",
                u.supervisor.code if u.supervisor_id else "",
                u.sector,
            ]
            for u in units.iterator(chunk_size=2000)
        )
        data = write_rows([c.header for c in UNIT_COLUMNS], rows, title="单位")
        return attachment(data, f"单位-{timezone.localdate():%Y%m%d}.xlsx")
    return render(
        request,
        "people/unit_export.html",
        {"title": "导出单位", "form": form, "count": units.count(), "query": request.GET.urlencode()},
        status=form_status(request, form),
    )
