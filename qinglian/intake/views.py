"""The intake desk pages: report list and detail, registration of every channel, the SMS import,
routing actions, repeats, subject matching, clues (list, detail, registration, assignment, recusal).

Thin: `access_report` / `access_clue` fetch (role, scope, audit), services write, selectors read.
Errors come back as Chinese messages on the page with status 400/403, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import capabilities, has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.core.excel import error_report, template
from qinglian.core.files import attachment as file_response
from qinglian.core.forms import add_service_errors
from qinglian.core.pagination import paginate, query_without_page
from qinglian.intake import channels, forms, repeats, routing, sealing, selectors, services
from qinglian.intake.access import access_clue, access_report, reads_content, reveal_identity
from qinglian.intake.models import Clue, Recusal, ReportAttachment
from qinglian.intake.states import PUBLIC_STATUS, RS

STAFF_CHANNELS = [(c, channels.CHANNEL_FIELDS[c].label) for c in channels.STAFF_CHANNELS]


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


# --- reports -----------------------------------------------------------------------------------


@capability_required("intake.view")
def report_list(request):
    form = forms.ReportFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.report_list(viewer=request.user, filters=filters)
    page = paginate(request, rows, count_cap=selectors.LIST_COUNT_CAP)
    return render(request, "intake/report_list.html", {
        "title": "信访举报", "form": form, "page": page, "query": query_without_page(request),
        "can_register": has_capability(request.user, "intake.register"), "channels": STAFF_CHANNELS,
    })  # fmt: skip


def _detail_context(request, report, **extra) -> dict:
    user = request.user
    caps = capabilities(user)
    readable = reads_content(user, report.receiving_unit) and not report.is_destroyed
    detail = selectors.report_detail(report)
    content = services.report_content(report) if readable else None
    for m in detail.messages:
        m.text = services.message_text(m) if readable else None
    can_register = "intake.register" in caps and scope(user, "intake.register").contains(
        report.receiving_unit
    )
    live = not report.is_destroyed and report.status not in (RS.FORWARDED, RS.CLOSED)
    candidates = []
    if readable and can_register and report.status == RS.REGISTERED and detail.repeat_decision is None:
        candidates = repeats.repeat_candidates(report, viewer=user)
    level = routing.suggest_management_level(report) if can_register and live else None
    context = {
        "title": f"信访举报件 {report.number}", "report": report, "detail": detail, "content": content,
        "readable": readable, "public_status": PUBLIC_STATUS.get(report.status, ""),
        "can_register": can_register, "live": live,
        "can_reveal": "sealed.reporter_identity" in caps and report.real_name and not report.is_destroyed,
        "can_clue": "intake.handle" in caps and report.status in (RS.REGISTERED, RS.CLUE) and not report.restricted,
        "candidates": candidates, "suggested_level": level,
        "accept_form": forms.AcceptForm(initial={"problem_type": report.problem_type, "nature": report.nature}),
        "classify_form": forms.ClassifyForm(initial={"problem_type": report.problem_type,
                                                     "management_level": level or report.management_level}),
        "forward_form": forms.ForwardForm(initial={"direction": "higher"}),
        "reveal_form": forms.RevealForm(), "message_form": forms.MessageForm(),
        "ack_form": forms.AcknowledgeForm(), "identity": None, "action_error": None,
    }  # fmt: skip
    context.update(extra)
    return context


@capability_required("intake.view")
def report_detail(request, report_id: int):
    report = access_report(request.user, report_id, request)
    return render(request, "intake/report_detail.html", _detail_context(request, report))


def _detail_error(request, report, message: str, status: int = 400, **extra):
    return render(request, "intake/report_detail.html",
                  _detail_context(request, report, action_error=message, **extra), status=status)  # fmt: skip


@require_POST
@capability_required("intake.view")
def report_reveal(request, report_id: int):
    """查看举报人身份: the intake role, with a reason; the identity is shown on this response only."""
    report = access_report(request.user, report_id, request, audit=False)
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        return _detail_error(request, report, "请写明查看举报人身份的理由", reveal_form=form)
    try:
        identity = reveal_identity(request.user, report, reason=form.cleaned_data["reason"], request=request)
    except PermissionDenied as exc:
        return _detail_error(request, report, str(exc), status=403)
    except ValidationError as exc:
        return _detail_error(request, report, _errors(exc), reveal_form=form)
    context = _detail_context(request, report, identity=identity)
    response = render(request, "intake/report_detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@capability_required("intake.view")
def report_attachment(request, report_id: int, attachment_id: int):
    """Decrypt one attachment on the fly for a content reader; audited."""
    report = access_report(request.user, report_id, request, audit=False)
    if not reads_content(request.user, report.receiving_unit) or report.is_destroyed:
        raise Http404("附件不存在")
    att = ReportAttachment.objects.filter(report=report, pk=attachment_id).first()
    if att is None:
        raise Http404("附件不存在")
    try:
        with att.file.open("rb") as fh:
            data = sealing.open_bytes(fh.read(), wrapped_key=report.content_key)
    except (OSError, ValueError, sealing.Destroyed):
        raise Http404("附件无法读取") from None
    audit_record(actor=request.user, action="intake.report.attachment", obj=report, unit_id=report.receiving_unit_id,
                 request=request, extra={"attachment": att.pk})  # fmt: skip
    response = file_response(data, att.name)
    response["Content-Type"] = "application/octet-stream"
    response["Cache-Control"] = "no-store"
    return response


def _report_action(request, report_id, form_class, action, success, context_key):
    report = access_report(request.user, report_id, request, audit=False)
    form = form_class(request.POST)
    if not form.is_valid():
        return _detail_error(request, report, "请完整填写后再提交", **{context_key: form})
    try:
        action(report, form.cleaned_data)
    except PermissionDenied as exc:
        return _detail_error(request, report, str(exc) or "您无权办理本件", status=403)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _detail_error(request, report, _errors(exc), **{context_key: form})
    messages.success(request, success)
    return redirect("intake:report_detail", report_id=report.pk)


@require_POST
@capability_required("intake.register")
def report_accept(request, report_id: int):
    def act(report, d):
        channels.report_accept(actor=request.user, report=report, problem_type=d["problem_type"],
                               nature=d["nature"], request=request)  # fmt: skip

    return _report_action(request, report_id, forms.AcceptForm, act, "已登记。", "accept_form")


@require_POST
@capability_required("intake.register")
def report_classify(request, report_id: int):
    def act(report, d):
        routing.report_classify(actor=request.user, report=report, problem_type=d["problem_type"],
                                management_level=d["management_level"], request=request)  # fmt: skip

    return _report_action(
        request, report_id, forms.ClassifyForm, act, "已保存分类和管理权限。", "classify_form"
    )


@require_POST
@capability_required("intake.register")
def report_forward(request, report_id: int):
    def act(report, d):
        routing.report_forward(actor=request.user, report=report, direction=d["direction"], to_body=d["to_body"],
                               reason=d["reason"], request=request)  # fmt: skip

    return _report_action(request, report_id, forms.ForwardForm, act, "已记录转送。", "forward_form")


@require_POST
@capability_required("intake.register")
def report_acknowledge(request, report_id: int):
    def act(report, d):
        routing.report_acknowledge(actor=request.user, report=report, method=d["method"], request=request)

    return _report_action(request, report_id, forms.AcknowledgeForm, act, "已记录告知受理情况。", "ack_form")


@require_POST
@capability_required("intake.register")
def report_message(request, report_id: int):
    def act(report, d):
        services.report_message_send(actor=request.user, report=report, body=d["body"], request=request)

    return _report_action(request, report_id, forms.MessageForm, act, "留言已发出，举报人凭查询码可以看到。",
                          "message_form")  # fmt: skip


@require_POST
@capability_required("intake.register")
def report_repeat(request, report_id: int):
    report = access_report(request.user, report_id, request, audit=False)
    form = forms.RepeatDecideForm(request.POST)
    if not form.is_valid():
        return _detail_error(request, report, "请选择认定结果")
    d = form.cleaned_data
    try:
        earlier = access_report(request.user, d["earlier"], request, audit=False)
        repeats.repeat_decide(actor=request.user, report=report, earlier=earlier, is_repeat=d["decision"] == "repeat",
                              note=d["note"], request=request)  # fmt: skip
    except Http404:
        return _detail_error(request, report, "所比对的件不存在或不在您的范围内")
    except PermissionDenied as exc:
        return _detail_error(request, report, str(exc), status=403)
    except ValidationError as exc:
        return _detail_error(request, report, _errors(exc))
    messages.success(
        request, "已认定为重复件。" if d["decision"] == "repeat" else "已认定有新的问题，按新件办理。"
    )
    return redirect("intake:report_detail", report_id=report.pk)


@capability_required("intake.register")
def report_subjects(request, report_id: int):
    """Match the report to registry people (staff only; never shown to the reporter)."""
    report = access_report(request.user, report_id, request, audit=False)
    q = (request.GET.get("q") or "").strip()[:50]
    error, status = None, 200
    if request.method == "POST":
        form = forms.SubjectMatchForm(request.POST)
        cadre = None
        if form.is_valid():
            cadre = selectors.cadres_in_scope(request.user, [form.cleaned_data["cadre"]]).first()
        if cadre is None:
            error, status = "该人员不存在或不在您的范围内", 400
        else:
            try:
                services.report_subject_match(actor=request.user, report=report, cadre=cadre, request=request)
            except PermissionDenied as exc:
                error, status = str(exc), 403
            except ValidationError as exc:
                error, status = _errors(exc), 400
            else:
                messages.success(request, f"已关联被反映人 {cadre.name}。")
                return redirect(
                    reverse("intake:report_subjects", args=[report.pk]) + (f"?q={q}" if q else "")
                )
    readable = reads_content(request.user, report.receiving_unit) and not report.is_destroyed
    content = services.report_content(report) if readable else {}
    if not q and content.get("subject_name") and request.method == "GET" and "q" not in request.GET:
        q = content["subject_name"][:50]
    return render(request, "intake/report_subjects.html", {
        "title": f"匹配被反映人：{report.number}", "report": report, "q": q, "error": error,
        "results": selectors.subject_search(viewer=request.user, q=q), "content": content,
        "matched": selectors.report_detail(report).subjects,
    }, status=status)  # fmt: skip


@capability_required("intake.register")
def report_new(request):
    return render(request, "intake/report_new.html", {"title": "登记信访举报", "channels": STAFF_CHANNELS})


@capability_required("intake.register")
def report_new_channel(request, channel: str):
    if channel not in channels.CHANNEL_FIELDS:
        raise Http404("没有该渠道")
    spec = channels.CHANNEL_FIELDS[channel]
    form = forms.ReportEntryForm(
        request.POST or None, request.FILES or None, channel=channel, user=request.user
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                from qinglian.intake.uploads import check_uploads

                files = check_uploads([(f.name, f.read(), f.content_type) for f in d["files"]])
                report = channels.report_enter(
                    actor=request.user, channel=channel, receiving_unit=d["receiving_unit"], content=form.content(),
                    identity=form.identity(), received_at=d["received_at"], nature=d["nature"],
                    problem_type=d["problem_type"], files=files, source_agency=d.get("source_agency"),
                    source_reference=d["source_reference"], request=request,
                )  # fmt: skip
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = 403
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"reporter_phone": "reporter_phone"})
            else:
                messages.success(request, f"已登记，编号 {report.number}。")
                return redirect("intake:report_detail", report_id=report.pk)
    return render(request, "intake/report_form.html", {"title": spec.label, "form": form, "channel": channel,
                                                        "spec": spec}, status=status)  # fmt: skip


@capability_required("intake.register")
def report_sms_import(request):
    form = forms.SmsImportForm(request.POST or None, request.FILES or None, user=request.user)
    status, errors = 200, []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            try:
                created = channels.sms_import(actor=request.user, receiving_unit=form.cleaned_data["receiving_unit"],
                                              data=data, request=request)  # fmt: skip
            except channels.ImportRejected as exc:
                errors = exc.errors
                form.add_error(None, exc.messages[0])
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = 403
            else:
                messages.success(request, f"已导入 {len(created)} 条短信举报。")
                return redirect(reverse("intake:reports") + "?channel=sms")
    if errors and request.POST.get("as") == "xlsx":
        return file_response(error_report(errors, title="短信导入错误"), "短信导入错误报告.xlsx")
    return render(request, "intake/report_sms.html", {"title": "短信举报批量导入", "form": form, "errors": errors[:200],
                                                       "error_count": len(errors)}, status=status)  # fmt: skip


@capability_required("intake.register")
def report_sms_template(request):
    data = template(channels.SMS_COLUMNS, title="短信举报",
                    notes=["每行一条短信；一行有错则整表不导入，请按错误报告修改后重新导入。"])  # fmt: skip
    return file_response(data, "短信举报登记表.xlsx")


# --- clues ---------------------------------------------------------------------------------------


@capability_required("intake.view")
def clue_list(request):
    form = forms.ClueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.clue_list(viewer=request.user, filters=filters),
                    count_cap=selectors.LIST_COUNT_CAP)  # fmt: skip
    return render(request, "intake/clue_list.html", {
        "title": "问题线索", "form": form, "page": page, "query": query_without_page(request),
        "can_register": has_capability(request.user, "intake.handle"),
    })  # fmt: skip


def _clue_context(request, clue, **extra) -> dict:
    user = request.user
    readable = reads_content(user, clue.unit)
    can_handle = has_capability(user, "intake.handle") and scope(user, "intake.handle").contains(clue.unit)
    candidates = selectors.handler_candidates(clue) if can_handle else []
    context = {
        "title": f"问题线索 {clue.number}", "clue": clue, "readable": readable,
        "summary": sealing.open_text(clue.summary) if readable else None,
        "subjects": list(clue.subjects.select_related("cadre", "unit").order_by("id")),
        "events": list(clue.events.select_related("actor").order_by("at", "id")),
        "recusals": list(Recusal.objects.filter(clue=clue).select_related("user", "recorded_by").order_by("id")),
        "can_handle": can_handle,
        "assign_form": forms.AssignForm(candidates=candidates) if can_handle else None,
        "recusal_form": forms.RecusalForm(), "action_error": None,
    }  # fmt: skip
    context.update(extra)
    return context


@capability_required("intake.view")
def clue_detail(request, clue_id: int):
    clue = access_clue(request.user, clue_id, request)
    return render(request, "intake/clue_detail.html", _clue_context(request, clue))


@require_POST
@capability_required("intake.handle")
def clue_assign(request, clue_id: int):
    clue = access_clue(request.user, clue_id, request, audit=False)
    candidates = selectors.handler_candidates(clue)
    form = forms.AssignForm(request.POST, candidates=candidates)
    if not form.is_valid():
        return render(request, "intake/clue_detail.html",
                      _clue_context(request, clue, assign_form=form, action_error="请选择承办人"), status=400)  # fmt: skip
    try:
        services.clue_assign(actor=request.user, clue=clue, assignee=form.cleaned_data["assignee"],
                             note=form.cleaned_data["note"], request=request)  # fmt: skip
    except services.RecusalRequired as exc:
        clue.refresh_from_db()
        form = forms.AssignForm(candidates=selectors.handler_candidates(clue))
        message = "；".join(exc.messages) + "。已记录回避，请另选承办人。"
        return render(request, "intake/clue_detail.html",
                      _clue_context(request, clue, assign_form=form, action_error=message), status=400)  # fmt: skip
    except PermissionDenied as exc:
        return render(request, "intake/clue_detail.html",
                      _clue_context(request, clue, action_error=str(exc)), status=403)  # fmt: skip
    except ValidationError as exc:
        return render(request, "intake/clue_detail.html",
                      _clue_context(request, clue, assign_form=form, action_error=_errors(exc)), status=400)  # fmt: skip
    messages.success(request, f"已分办给 {form.cleaned_data['assignee']}。")
    return redirect("intake:clue_detail", clue_id=clue.pk)


@require_POST
@capability_required("intake.view")
def clue_recuse(request, clue_id: int):
    """A member of staff declares his own recusal (本人申请回避); he no longer reaches the clue."""
    clue = access_clue(request.user, clue_id, request, audit=False)
    form = forms.RecusalForm(request.POST)
    if not form.is_valid():
        return render(request, "intake/clue_detail.html",
                      _clue_context(request, clue, recusal_form=form, action_error="请写明回避理由"), status=400)  # fmt: skip
    try:
        services.recusal_record(actor=request.user, clue=clue, user=request.user, kind=Recusal.Kind.DECLARED,
                                reason=form.cleaned_data["reason"], request=request)  # fmt: skip
    except ValidationError as exc:
        return render(request, "intake/clue_detail.html",
                      _clue_context(request, clue, recusal_form=form, action_error=_errors(exc)), status=400)  # fmt: skip
    messages.success(request, "已记录回避。您将不再看到该线索。")
    return redirect("intake:clues")


def _clue_form(request, *, report=None):
    """Register a clue from a report, or from an inspection / audit / supervision finding."""
    user = request.user
    picked = [
        int(v) for v in request.GET.getlist("cadre") + request.POST.getlist("cadres") if str(v).isdigit()
    ]
    if report is not None:
        picked += [s.cadre_id for s in selectors.report_detail(report).subjects if s.cadre_id]
    q = (request.GET.get("q") or "").strip()[:50]
    found = [c.pk for c in selectors.subject_search(viewer=user, q=q)] if report is None else []
    cadres = selectors.cadres_in_scope(user, picked + found, capability="intake.handle")
    form_class = forms.ClueRegisterForm if report is not None else forms.FindingClueForm
    initial = {"cadres": picked}
    if report is not None:
        initial["problem_type"] = report.problem_type
    form = form_class(request.POST or None, cadres=cadres, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                clue = services.clue_register(
                    actor=user, summary=d["summary"], problem_type=d["problem_type"], cadres=list(d["cadres"]),
                    source=d.get("source", Clue.Source.REPORT), report=report,
                    source_reference=d.get("source_reference", ""),
                    heads_lower_committee={c.pk for c in d["heads"]}, request=request,
                )  # fmt: skip
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = 403
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已登记问题线索 {clue.number}。")
                return redirect("intake:clue_detail", clue_id=clue.pk)
    return render(request, "intake/clue_form.html", {
        "title": "登记问题线索" + (f"（来自 {report.number}）" if report else "（巡察、审计等发现）"),
        "form": form, "report": report, "q": q,
    }, status=status)  # fmt: skip


@capability_required("intake.handle")
def report_clue(request, report_id: int):
    report = access_report(request.user, report_id, request, audit=False)
    if report.restricted:
        raise Http404("信访举报件不存在")
    return _clue_form(request, report=report)


@capability_required("intake.handle")
def clue_new(request):
    return _clue_form(request)
