"""Pages of the integrity opinions (廉洁意见): list, request form, detail with review and approval."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability, scope
from qinglian.archive.letters import letter_documents
from qinglian.archive.models import OpinionRequest
from qinglian.archive.opinion_forms import ApproveForm, OpinionRequestForm, ReviewForm
from qinglian.archive.opinions import (
    access_opinion_request,
    excel_template,
    is_commission,
    opinion_approve,
    opinion_request_create,
    opinion_requests_q,
    opinion_review,
    public_reasons,
)
from qinglian.core.files import attachment
from qinglian.core.forms import add_service_errors
from qinglian.core.pagination import paginate, query_without_page
from qinglian.people.models import Cadre
from qinglian.people.selectors import cadre_search_q


@capability_required("archive.opinions")
def opinion_list(request):
    status = request.GET.get("status", "")
    requests = (
        OpinionRequest.objects.filter(opinion_requests_q(request.user))
        .select_related("requesting_unit", "requested_by")
        .annotate(
            n_candidates=Count("candidates"),
            n_findings=Count("candidates", filter=~Q(candidates__verdict="clear")),
        )
        .order_by("-drafted_at", "-id")
    )
    if status in OpinionRequest.Status.values:
        requests = requests.filter(status=status)
    return render(
        request,
        "archive/opinion_list.html",
        {
            "title": "廉洁意见",
            "page": paginate(request, requests),
            "query": query_without_page(request),
            "status": status,
            "statuses": OpinionRequest.Status.choices,
            "can_request": has_capability(request.user, "archive.opinion_request"),
        },
    )


def _requesting_unit(user):
    s = scope(user, "archive.opinion_request")
    if user.unit_id and s.contains(user.unit):
        return user.unit
    from qinglian.people.models import Unit

    return Unit.objects.filter(s.units_q()).order_by("depth", "path").first()


@capability_required("archive.opinion_request")
def opinion_create(request):
    in_scope = Cadre.objects.filter(scope(request.user, "archive.opinion_request").units_q("unit__"))
    q = request.GET.get("q", "").strip()
    results = (
        in_scope.filter(cadre_search_q(q)).select_related("unit").order_by("name", "id")[:50] if q else []
    )
    form = OpinionRequestForm(
        request.POST or None, request.FILES or None, cadres=in_scope.select_related("unit")
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                req = opinion_request_create(
                    actor=request.user, purpose=d["purpose"], as_of=d["as_of"], title=d["title"],
                    candidates=d["candidates"], requesting_unit=_requesting_unit(request.user), request=request,
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, f"已生成{req.candidates.count()}名候选人的意见草稿，待纪委监委审核。"
                )
                return redirect("archive:opinion_detail", request_id=req.pk)
        status = 400
    return render(
        request,
        "archive/opinion_form.html",
        {"title": "征求廉洁意见", "form": form, "q": q, "results": results},
        status=status,
    )


@capability_required("archive.opinion_request")
def opinion_template(request):
    return attachment(excel_template(), "廉洁意见.xlsx")


def _detail_context(request, req, *, review_form=None, approve_form=None):
    commission = is_commission(request.user, req)
    candidates = list(req.candidates.select_related("cadre", "cadre__unit").order_by("position"))
    issued = req.status == OpinionRequest.Status.ISSUED
    can_review = (
        not issued
        and has_capability(request.user, "archive.opinion_review")
        and scope(request.user, "archive.opinion_review").contains(req.requesting_unit)
    )
    can_approve = (
        req.status == OpinionRequest.Status.REVIEWED
        and has_capability(request.user, "archive.opinion_approve")
        and scope(request.user, "archive.opinion_approve").contains(req.requesting_unit)
        and req.reviewed_by_id != request.user.pk
    )
    rows = [{"c": c, "public": public_reasons(c.reasons)} for c in candidates]
    return {
        "title": req.title,
        "req": req,
        "rows": rows,
        "commission": commission,
        "issued": issued,
        "review_form": review_form or (ReviewForm(candidates=candidates) if can_review else None),
        "approve_form": approve_form or (ApproveForm() if can_approve else None),
        "documents": letter_documents(req) if issued else [],
        "reviewer_cannot_approve": req.status == OpinionRequest.Status.REVIEWED
        and req.reviewed_by_id == request.user.pk,
    }


@capability_required("archive.opinions")
def opinion_detail(request, request_id: int):
    req = access_opinion_request(request.user, request_id)
    return render(request, "archive/opinion_detail.html", _detail_context(request, req))


@require_POST
@capability_required("archive.opinion_review")
def opinion_review_view(request, request_id: int):
    req = access_opinion_request(request.user, request_id)
    candidates = list(req.candidates.select_related("cadre", "cadre__unit").order_by("position"))
    form = ReviewForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            opinion_review(
                actor=request.user, request=req, changes=form.changes(), dissents=form.dissents(),
                http_request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "审核意见已保存，请报领导签发。")
            return redirect("archive:opinion_detail", request_id=req.pk)
    return render(
        request, "archive/opinion_detail.html", _detail_context(request, req, review_form=form), status=400
    )


@require_POST
@capability_required("archive.opinion_approve")
def opinion_approve_view(request, request_id: int):
    req = access_opinion_request(request.user, request_id)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            opinion_approve(
                actor=request.user, request=req, approver_name=form.cleaned_data["approver_name"],
                http_request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已签发，回复函已生成。")
            return redirect("archive:opinion_detail", request_id=req.pk)
    return render(
        request, "archive/opinion_detail.html", _detail_context(request, req, approve_form=form), status=400
    )
