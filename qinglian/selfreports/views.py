"""Pages of copied self-reports: the reports (upload, list, one report), detection runs and the pairs
they found, side by side; an inspector turns a pair into an inspection finding."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import scope
from qinglian.audit.services import audit_record
from qinglian.core.files import attachment
from qinglian.core.forms import add_service_errors
from qinglian.core.pagination import paginate
from qinglian.selfreports import selectors, services, similarity
from qinglian.selfreports.access import access_pair, access_report, access_run
from qinglian.selfreports.forms import FindingForm, RunForm, UploadForm
from qinglian.selfreports.models import CopyPair, DetectionRun, ReportKind, SelfReport

CAP = "inspections.reports"


@capability_required(CAP)
def report_list(request):
    year = request.GET.get("year", "").strip()
    kind = request.GET.get("kind", "")
    unread = request.GET.get("unread") == "1"
    qs = selectors.reports_visible(request.user)
    if year.isdigit():
        qs = qs.filter(year=int(year))
    if kind in ReportKind.values:
        qs = qs.filter(kind=kind)
    if unread:
        qs = qs.filter(readable=False)
    page = paginate(request, qs.select_related("cadre", "unit"))
    return render(request, "selfreports/reports.html", {"page": page, "year": year, "kind": kind,
                  "unread": unread, "kinds": ReportKind.choices})  # fmt: skip


@capability_required(CAP)
@require_http_methods(["GET", "POST"])
def report_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            files = [(f.name, f.read()) for f in d["files"]]
            try:
                result = services.reports_upload(
                    actor=request.user, unit=d["unit"], kind=d["kind"], files=files, year=d.get("year"),
                    cadre=d.get("cadre"), request=request,
                )  # fmt: skip
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or "您无权上传该单位的材料")
            except ValidationError as exc:
                add_service_errors(form, exc)
        if result is None:
            status = 400
        else:
            form = UploadForm(user=request.user)
    return render(request, "selfreports/upload.html", {"form": form, "result": result}, status=status)


@capability_required(CAP)
def report_detail(request, report_id):
    report = access_report(request.user, report_id)
    audit_record(actor=request.user, action="selfreports.report.view", obj=report, person_id=report.cadre_id,
                 unit_id=report.unit_id, request=request)  # fmt: skip
    pairs = selectors.pairs_of_report(request.user, report)
    return render(request, "selfreports/report.html", {"report": report, "pairs": pairs})


@capability_required(CAP)
def report_file(request, report_id):
    report = access_report(request.user, report_id)
    audit_record(actor=request.user, action="selfreports.report.download", obj=report, person_id=report.cadre_id,
                 unit_id=report.unit_id, request=request)  # fmt: skip
    with report.file.open("rb") as f:
        data = f.read()
    return attachment(data, report.filename)


@capability_required(CAP)
def run_list(request):
    runs = DetectionRun.objects.filter(scope(request.user, CAP).units_q("scope_unit__")).select_related(
        "scope_unit", "started_by"
    )
    page = paginate(request, runs)
    form = RunForm(user=request.user)
    return render(request, "selfreports/runs.html", {"page": page, "form": form,
                  "params": services.current_params()})  # fmt: skip


@capability_required(CAP)
@require_POST
def run_new(request):
    form = RunForm(request.POST, user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        try:
            run = services.run_start(actor=request.user, scope_unit=d["scope_unit"], year_from=d.get("year_from"),
                                     year_to=d.get("year_to"), request=request)  # fmt: skip
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "您无权比对该单位的材料")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已开始比对；完成后本页显示结果")
            return redirect("selfreports:run", run.pk)
    runs = DetectionRun.objects.filter(scope(request.user, CAP).units_q("scope_unit__")).select_related(
        "scope_unit"
    )
    return render(request, "selfreports/runs.html", {"page": paginate(request, runs), "form": form,
                  "params": services.current_params()}, status=400)  # fmt: skip


@capability_required(CAP)
def run_detail(request, run_id):
    run = access_run(request.user, run_id)
    kind = request.GET.get("kind", "")
    pairs = selectors.pairs_visible(request.user, run)
    if kind == "same":
        pairs = pairs.filter(same_person=True)
    elif kind == "cross":
        pairs = pairs.filter(same_person=False)
    page = paginate(request, pairs)
    return render(request, "selfreports/run.html", {"run": run, "page": page, "kind": kind})


def _pair_context(request, pair, form=None):
    a, b = pair.report_a, pair.report_b
    common = services.common_of(pair.run)
    spans_a, spans_b, share_a, share_b = similarity.shared_spans(a.text, b.text, common)
    return {
        "pair": pair,
        "a": a,
        "b": b,
        "segments_a": similarity.segments(a.text, spans_a),
        "segments_b": similarity.segments(b.text, spans_b),
        "share_a": share_a,
        "share_b": share_b,
        "form": form,
    }


@capability_required(CAP)
def pair_detail(request, pair_id):
    pair = access_pair(request.user, pair_id)
    audit_record(actor=request.user, action="selfreports.pair.view", obj=pair, unit_id=pair.report_a.unit_id,
                 request=request, extra={"reports": [pair.report_a_id, pair.report_b_id]})  # fmt: skip
    form = None
    if pair.finding_id is None and scope(request.user, "inspections.findings").contains(pair.report_a.unit):
        form = FindingForm(pair=pair, initial={"side": "b", "text": services.finding_text(pair, "b")})
    return render(request, "selfreports/pair.html", _pair_context(request, pair, form))


@capability_required(CAP, "inspections.findings")
@require_POST
def pair_finding(request, pair_id):
    pair = access_pair(request.user, pair_id)
    form = FindingForm(request.POST, pair=pair)
    if form.is_valid():
        d = form.cleaned_data
        try:
            finding = services.pair_finding(actor=request.user, pair=pair, round=d["round"], side=d["side"],
                                            text=d["text"], request=request)  # fmt: skip
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "您无权在该单位记录问题")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已记录为巡察发现问题 #{finding.pk}")
            return redirect("selfreports:pair", pair.pk)
    return render(request, "selfreports/pair.html", _pair_context(request, pair, form), status=400)


__all__ = ["CopyPair", "SelfReport"]
