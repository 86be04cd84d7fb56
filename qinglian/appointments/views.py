"""Pages of the appointment record and 一报告两评议: thin views over access, selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import scope
from qinglian.appointments import reviews, selectors, services
from qinglian.appointments.access import (
    access_cadre,
    access_candidate,
    access_case,
    access_document,
    access_review,
    access_stage,
)
from qinglian.appointments.forms import (
    CaseForm,
    ComplaintForm,
    FileReviewForm,
    ReasonForm,
    ResultForm,
    ReviewForm,
    StageForm,
    UploadForm,
)
from qinglian.appointments.models import (
    AppointmentCase,
    Candidate,
    Complaint,
    ReverseCheck,
    ReviewFeedback,
    Stage,
    StageDocument,
    StageKind,
)
from qinglian.audit.services import audit_record
from qinglian.core.files import attachment
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate, query_without_page
from qinglian.people.models import Cadre, Unit
from qinglian.people.selectors import cadre_search_q

VIEW, MANAGE = "appointments.view", "appointments.manage"


def _units(user):
    return Unit.objects.filter(scope(user, MANAGE).units_q()).order_by("path")


@capability_required(VIEW)
def cases(request):
    status = request.GET.get("status", "")
    flagged = request.GET.get("flagged") == "1"
    page = paginate(request, selectors.case_list(viewer=request.user, status=status, flagged=flagged))
    page.object_list = selectors.with_candidate_counts(page.object_list)
    return render(request, "appointments/cases.html", {
        "page": page, "status": status, "flagged": flagged, "statuses": AppointmentCase.Status.choices,
        "query": query_without_page(request), "can_manage": scope(request.user, MANAGE).is_empty is False,
    })  # fmt: skip


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def case_new(request):
    form = CaseForm(request.POST or None, units=_units(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已建立选拔任用纪实")
            return redirect("appointments:case", case_id=case.pk)
    return render(request, "appointments/case_new.html", {"form": form}, status=form_status(request, form))


def _case_page(request, case, *, status=200, forms=None):
    stages = list(
        Stage.objects.filter(case=case).select_related("recorded_by", "closed_by").order_by("position")
    )
    docs: dict[int, list] = {}
    for d in StageDocument.objects.filter(stage__case=case).order_by("uploaded_at", "id"):
        docs.setdefault(d.stage_id, []).append(d)
    for st in stages:
        st.docs = docs.get(st.pk, [])
    current = selectors.current_stage(stages)
    candidates = list(
        Candidate.objects.filter(case=case)
        .select_related("cadre", "cadre__unit", "opinion_request")
        .order_by("pk")
    )
    complaints = list(
        Complaint.objects.filter(case=case).select_related("report", "candidate__cadre", "stage")
    )
    rows = selectors.opinion_rows_for(candidates)
    for c in candidates:
        c.gates = selectors.candidate_gates(c, complaints=complaints, opinion_rows=rows) if c.status in (
            Candidate.Status.ACTIVE, Candidate.Status.APPOINTED) else []  # fmt: skip
    recommendation = next(s for s in stages if s.kind == StageKind.RECOMMENDATION)
    for c in candidates:
        c.share = selectors.approval_percent(recommendation.votes, c.pk)
    can_manage = case.status == AppointmentCase.Status.OPEN and scope(request.user, MANAGE).contains(
        case.unit
    )
    find = (request.GET.get("find") or "").strip()[:50]
    found = []
    if can_manage and find:
        found = list(Cadre.objects.filter(cadre_search_q(find)).filter(scope(request.user, MANAGE).units_q("unit__"))
                     .select_related("unit").order_by("name", "pk")[:10])  # fmt: skip
    forms = forms or {}
    stage_form = forms.get("stage")
    if stage_form is None and current is not None:
        stage_form = StageForm(initial={f: getattr(current, f) for f in StageForm.base_fields})
    active = [c for c in candidates if c.status == Candidate.Status.ACTIVE]
    for c in candidates:  # one form per candidate, with its own element ids
        mine = forms.get("for") == c.pk
        c.file_form = (
            forms.get("file")
            if mine and forms.get("file")
            else FileReviewForm(auto_id=f"fr{c.pk}_%s", initial={"reviewed_on": timezone.localdate()})
        )
        c.complaint_form = (
            forms.get("complaint")
            if mine and forms.get("complaint")
            else ComplaintForm(auto_id=f"cp{c.pk}_%s", initial={"received_on": timezone.localdate()})
        )
    context = {
        "case": case, "stages": stages, "current": current, "candidates": candidates, "active": active,
        "complaints": complaints, "can_manage": can_manage, "find": find, "found": found,
        "stage_form": stage_form, "upload_form": forms.get("upload") or UploadForm(), "form_errors": forms.get("errors", []),
        "reverse_checks": list(ReverseCheck.objects.filter(case=case).select_related("entry__kind", "candidate__cadre")),
        "notice_days": services.notice_days(), "vote_input": forms.get("votes", {}),
    }  # fmt: skip
    return render(request, "appointments/case.html", context, status=status)


@capability_required(VIEW)
def case_detail(request, case_id: int):
    case = access_case(request.user, case_id)
    audit_record(
        actor=request.user, action="appointments.case_view", obj=case, unit_id=case.unit_id, request=request
    )
    return _case_page(request, case)


def _done(request, case, message):
    messages.success(request, message)
    return redirect("appointments:case", case_id=case.pk)


def _failed(request, case, exc: ValidationError, **forms):
    errors = [
        m for ms in (exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]) for m in ms
    ]
    return _case_page(request, case, status=400, forms={**forms, "errors": errors})


@capability_required(MANAGE)
@require_POST
def case_cancel(request, case_id: int):
    case = access_case(request.user, case_id, MANAGE)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": "请填写终止理由"})
        services.case_cancel(
            actor=request.user, case=case, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as exc:
        return _failed(request, case, exc)
    return _done(request, case, "纪实已终止")


@capability_required(MANAGE)
@require_POST
def candidate_add(request, case_id: int):
    case = access_case(request.user, case_id, MANAGE)
    cadre = access_cadre(request.user, request.POST.get("cadre"))
    try:
        services.candidate_add(actor=request.user, case=case, cadre=cadre, note=request.POST.get("note", ""),
                               request=request)  # fmt: skip
    except ValidationError as exc:
        return _failed(request, case, exc)
    return _done(request, case, f"已将{cadre.name}列为人选，并已申请个人有关事项专项核查")


@capability_required(MANAGE)
@require_POST
def candidate_withdraw(request, candidate_id: int):
    c = access_candidate(request.user, candidate_id)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": "请填写退出理由"})
        services.candidate_withdraw(
            actor=request.user, candidate=c, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as exc:
        return _failed(request, c.case, exc)
    return _done(request, c.case, f"{c.cadre.name}已退出人选")


@capability_required(MANAGE)
@require_POST
def file_review(request, candidate_id: int):
    c = access_candidate(request.user, candidate_id)
    form = FileReviewForm(request.POST, auto_id=f"fr{c.pk}_%s")
    if form.is_valid():
        try:
            services.file_review_record(actor=request.user, candidate=c, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, c.case, f"已记录{c.cadre.name}的档案审核结果")
    return _case_page(
        request, c.case, status=400, forms={"file": form, "errors": ["档案审核：请检查填写的内容"]}
    )


@capability_required(MANAGE)
@require_POST
def opinion_request(request, case_id: int):
    case = access_case(request.user, case_id, MANAGE)
    try:
        req = services.opinion_request(actor=request.user, case=case, request=request)
    except ValidationError as exc:
        return _failed(request, case, exc)
    return _done(request, case, f"已向纪委监委征求廉洁意见（“{req.title}”）")


@capability_required(MANAGE)
@require_POST
def complaint_new(request, candidate_id: int):
    c = access_candidate(request.user, candidate_id)
    form = ComplaintForm(request.POST, auto_id=f"cp{c.pk}_%s")
    if form.is_valid():
        try:
            complaint = services.complaint_receive(
                actor=request.user, candidate=c, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, c.case, f"已转纪检监察机关登记办理（{complaint.report.number}）")
    return _case_page(
        request, c.case, status=400, forms={"complaint": form, "errors": ["反映问题：请检查填写的内容"]}
    )


def _votes(request, stage: Stage) -> dict | None:
    p = request.POST
    if stage.kind == StageKind.RECOMMENDATION and p.get("voters", "") != "":
        rows = {}
        for c in Candidate.objects.filter(case=stage.case, status=Candidate.Status.ACTIVE):
            rows[str(c.pk)] = {k: p.get(f"{k}_{c.pk}") or 0 for k in ("for", "against", "abstain")}
        return {"voters": p.get("voters"), "candidates": rows}
    if stage.kind == StageKind.DECISION and p.get("members_total", "") != "":
        return {
            k: p.get(k) or 0 for k in ("members_total", "members_present", "for", "against", "abstain")
        } | {"appointee": p.get("appointee", "")}
    return None


@capability_required(MANAGE)
@require_POST
def stage_record(request, stage_id: int):
    stage = access_stage(request.user, stage_id)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.stage_record(actor=request.user, stage=stage, votes=_votes(request, stage), request=request,
                                  **form.cleaned_data)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, stage.case, f"已保存“{stage.get_kind_display()}”环节")
    errors = [
        f"{form.fields[f].label}：{m}" if f in form.fields else m for f, ms in form.errors.items() for m in ms
    ]
    return _case_page(
        request, stage.case, status=400, forms={"stage": form, "errors": errors, "votes": request.POST}
    )


@capability_required(MANAGE)
@require_POST
def stage_close(request, stage_id: int):
    stage = access_stage(request.user, stage_id)
    try:
        services.stage_close(actor=request.user, stage=stage, request=request)
    except ValidationError as exc:
        return _failed(request, stage.case, exc)
    return _done(request, stage.case, f"“{stage.get_kind_display()}”环节已完结并固化")


@capability_required(MANAGE)
@require_POST
def document_upload(request, stage_id: int):
    stage = access_stage(request.user, stage_id)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _failed(request, stage.case, ValidationError({"file": "请选择要上传的文件"}))
    f = form.cleaned_data["file"]
    if f.size > 20 * 1024 * 1024:
        return _failed(request, stage.case, ValidationError({"file": "文件超过20MB"}))
    try:
        services.document_add(
            actor=request.user, stage=stage, name=f.name or "", data=f.read(), request=request
        )
    except ValidationError as exc:
        return _failed(request, stage.case, exc)
    return _done(request, stage.case, "材料已上传")


@capability_required(VIEW)
def document_download(request, document_id: int):
    doc = access_document(request.user, document_id)
    audit_record(actor=request.user, action="appointments.document_view", obj=doc, unit_id=doc.stage.case.unit_id,
                 request=request)  # fmt: skip
    with doc.file.open("rb") as fh:
        return attachment(fh.read(), doc.name)


# --- 一报告两评议 --------------------------------------------------------------------------------------


@capability_required(VIEW)
def review_list(request):
    page = paginate(request, selectors.review_list(viewer=request.user))
    return render(request, "appointments/reviews.html", {"page": page, "query": query_without_page(request),
                  "can_manage": not scope(request.user, MANAGE).is_empty})  # fmt: skip


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def review_new(request):
    today = timezone.localdate()
    form = ReviewForm(request.POST or None, units=_units(request.user),
                      initial={"year": today.year - 1, "reported_on": today})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            review = reviews.review_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已建立一报告两评议")
            return redirect("appointments:review", review_id=review.pk)
    return render(request, "appointments/review_new.html", {"form": form}, status=form_status(request, form))


def _review_page(request, review, *, form=None, status=200):
    results = list(review.results.select_related("unit", "cadre").order_by("kind", "unit__path", "pk"))
    feedback = list(
        ReviewFeedback.objects.filter(review=review).select_related("unit").order_by("unit__path")
    )
    can_manage = review.status == "open" and scope(request.user, MANAGE).contains(review.unit)
    units = list(Unit.objects.filter(scope(request.user, MANAGE).units_q()).filter(path__startswith=review.unit.path)
                 .order_by("path")[:200]) if can_manage else []  # fmt: skip
    threshold, unsettled = reviews.threshold_on(review.reported_on)
    return render(request, "appointments/review.html", {
        "review": review, "results": results, "feedback": feedback, "can_manage": can_manage, "units": units,
        "appointed": reviews.newly_appointed(review, viewer=request.user) if can_manage else [],
        "form": form or ResultForm(), "threshold": threshold, "unsettled": unsettled,
    }, status=status)  # fmt: skip


@capability_required(VIEW)
def review_detail(request, review_id: int):
    review = access_review(request.user, review_id)
    return _review_page(request, review)


@capability_required(MANAGE)
@require_POST
def review_result(request, review_id: int):
    review = access_review(request.user, review_id, MANAGE)
    form = ResultForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        target = d.pop("target")
        unit = cadre = None
        try:
            if target[:1] == "u":
                unit = Unit.objects.filter(pk=int(target[1:])).first()
                if unit is None or not scope(request.user, MANAGE).contains(unit):
                    raise Http404("单位不存在")
            elif target[:1] == "c":
                cadre = access_cadre(request.user, target[1:])
            else:
                raise ValueError
        except (ValueError, Http404):
            form.add_error("target", "请选择被评议的单位或干部")
        else:
            try:
                reviews.result_record(
                    actor=request.user, review=review, unit=unit, cadre=cadre, request=request, **d
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已录入评议结果")
                return redirect("appointments:review", review_id=review.pk)
    return _review_page(request, review, form=form, status=400)


@capability_required(MANAGE)
@require_POST
def review_feedback(request, review_id: int):
    review = access_review(request.user, review_id, MANAGE)
    try:
        done = reviews.feedback_issue(actor=request.user, review=review, prefix=request.POST.get("prefix", "").strip(),
                                      request=request)  # fmt: skip
    except ValidationError as exc:
        form = ResultForm()
        add_service_errors(form, exc)
        return _review_page(request, review, form=form, status=400)
    weak = sum(1 for f in done if f.weak)
    messages.success(request, f"已向{len(done)}个单位书面反馈；{weak}个单位需整改，已生成整改待办")
    return redirect("appointments:review", review_id=review.pk)
