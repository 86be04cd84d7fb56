"""Import and export pages of the cadre registry."""

from __future__ import annotations

from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from qinglian.accounts.decorators import capability_required
from qinglian.audit.services import audit_record
from qinglian.core.excel import FileRejected, template, write_rows
from qinglian.core.files import attachment
from qinglian.core.pagination import paginate
from qinglian.people import selectors
from qinglian.people.forms import CadreFilterForm
from qinglian.people.import_jobs import import_job_create
from qinglian.people.imports import CADRE_COLUMNS, RELATIVE_COLUMNS
from qinglian.people.models import ImportJob

TEMPLATES = {
    "cadres": (
        CADRE_COLUMNS,
        "干部名册",
        [
            "每行一名干部，按身份证号匹配：已有的更新，没有的新增。",
            "整个文件校验通过才会写入；有任何一行错误，将不写入任何数据并给出错误报告。",
        ],
    ),
    "relatives": (
        RELATIVE_COLUMNS,
        "亲属",
        ["每行一名亲属，按“干部身份证号 + 关系 + 姓名”匹配。", "干部须已在干部库中。"],
    ),
}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="导入内容",
        choices=[("cadres", "干部名册"), ("relatives", "亲属")],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )


class ExportForm(forms.Form):
    reason = forms.CharField(
        label="导出事由",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "导出干部信息必须填写事由"},
    )


@capability_required("people.manage")
def import_page(request):
    form = UploadForm(request.POST or None, request.FILES or None)
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
        request, "people/import.html", {"title": "Excel 导入", "form": form, "page": paginate(request, jobs)}
    )


@capability_required("people.manage")
def import_template(request, kind: str):
    if kind not in TEMPLATES:
        raise Http404
    columns, title, notes = TEMPLATES[kind]
    return attachment(template(columns, title=title, notes=notes), f"{title}导入模板.xlsx")


def _job(request, job_id) -> ImportJob:
    return get_object_or_404(ImportJob, pk=job_id, created_by=request.user)


@capability_required("people.manage")
def import_job(request, job_id: int):
    job = _job(request, job_id)
    name = "people/_import_status.html" if request.htmx else "people/import_job.html"
    return render(request, name, {"title": f"导入：{job.filename}", "job": job})


@capability_required("people.manage")
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
    )
