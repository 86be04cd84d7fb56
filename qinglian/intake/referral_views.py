"""Pages of the referral area: the 三办 panel of a report (an htmx fragment on the report detail
page, and the same panel as a page of its own), recommendation letters, and the statistics page.
Thin: access helpers fetch, services write (referrals.py, letters.py), stats.py counts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability, scope
from qinglian.core.forms import add_service_errors
from qinglian.core.pagination import paginate, query_without_page
from qinglian.intake import letters as letter_services
from qinglian.intake import referrals as referral_services
from qinglian.intake.access import access_clue, access_report
from qinglian.intake.models import PetitionExtension, RecommendationLetter, Referral, Report
from qinglian.intake.referral_forms import (
    ExtendForm,
    InformForm,
    LetterForm,
    LetterReportForm,
    LetterReviewForm,
    ReferralForm,
    ReplyForm,
    StatsForm,
)
from qinglian.intake.stats import intake_stats
from qinglian.people.models import Unit

# --- 三办 panel -----------------------------------------------------------------------------------


def _report_page(report: Report) -> str:
    """Where to go back to: the desk's report page when it exists, else the referrals page."""
    try:
        return reverse("intake:report_detail", args=[report.pk]) + "#referrals"
    except NoReverseMatch:
        return reverse("intake:report_referrals", args=[report.pk])


def _batch_documents(first_docs) -> dict:
    """All formats of each document batch (docx and pdf), in one query."""
    from qinglian.documents.models import Document

    out: dict = {}
    if first_docs:
        for doc in Document.objects.filter(batch__in={d.batch for d in first_docs}).order_by("format"):
            out.setdefault(doc.batch, []).append(doc)
    return out


def _panel_context(request, report: Report, *, bound: dict | None = None) -> dict:
    bound = bound or {}
    user = request.user
    can_refer = referral_services.can_refer(user, report)
    web = report.receipt_code_hash is not None and not report.is_destroyed
    rows = referral_services.referral_rows(report)
    docs = _batch_documents([r.document for r in rows if r.document_id])
    for r in rows:
        r.documents = docs.get(r.document.batch, []) if r.document_id else []
        r.reply_form = r.inform_form = None
        if can_refer and r.status == Referral.Status.OPEN:
            r.reply_form = bound.get(("reply", r.pk)) or ReplyForm(prefix=f"reply-{r.pk}")
        if can_refer and r.status == Referral.Status.REPLIED:
            r.inform_form = bound.get(("inform", r.pk)) or InformForm(prefix=f"inform-{r.pk}", web=web)
    create_form = None
    referable = referral_services.is_referable(report)
    open_for_referral = report.status in (Report.Status.REGISTERED, Report.Status.REFERRED) and not (
        report.restricted or report.is_destroyed
    )
    if can_refer and referable and open_for_referral:
        create_form = bound.get("create") or ReferralForm(
            departments=referral_services.department_choices(report),
            commission_name=report.receiving_unit.name,
        )
    petition_item = petition_done = extension = extend_form = None
    if report.nature == Report.Nature.PETITION:
        petition_item = referral_services.petition_due_item(report)
        if petition_item is None:
            petition_done = referral_services.petition_last_item(report)
            if petition_done is not None:
                petition_done.late = timezone.localdate(petition_done.completed_at) > petition_done.due_date
        extension = PetitionExtension.objects.filter(report=report).select_related("extended_by").first()
        if can_refer and petition_item is not None and extension is None:
            extend_form = bound.get("extend") or ExtendForm(prefix="extend")
    return {
        "report": report,
        "referrals": rows,
        "can_refer": can_refer,
        "referable": referable,
        "open_for_referral": open_for_referral,
        "create_form": create_form,
        "web": web,
        "petition_item": petition_item,
        "petition_done": petition_done,
        "extension": extension,
        "extend_form": extend_form,
        "today": timezone.localdate(),
    }


@require_GET
@capability_required("intake.view")
def report_referral_panel(request, report_id: int):
    """The 三办 panel as an HTML fragment (the desk's report page loads it with htmx). The report
    page itself audits the reading of the report; the panel does not read its content."""
    report = access_report(request.user, report_id, request, audit=False)
    return render(request, "intake/referral_panel.html", _panel_context(request, report))


@require_GET
@capability_required("intake.view")
def report_referrals(request, report_id: int):
    report = access_report(request.user, report_id, request)
    return render(
        request,
        "intake/referral_page.html",
        {"title": f"“三办”处理：{report.number}"} | _panel_context(request, report),
    )


def _page_with_errors(request, report, bound):
    context = {"title": f"“三办”处理：{report.number}"} | _panel_context(request, report, bound=bound)
    return render(request, "intake/referral_page.html", context, status=400)


def _service_call(form, call) -> bool:
    try:
        call()
    except ValidationError as exc:
        add_service_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    else:
        return True
    return False


@require_POST
@capability_required("intake.referral")
def referral_create(request, report_id: int):
    report = access_report(request.user, report_id, request, capability="intake.referral", audit=False)
    form = ReferralForm(
        request.POST,
        departments=referral_services.department_choices(report),
        commission_name=report.receiving_unit.name,
    )
    if form.is_valid():
        d = form.cleaned_data
        made = {}

        def call():
            made["r"] = referral_services.referral_create(
                actor=request.user, report=report, mode=d["mode"], matter=d["matter"], reply_due=d["reply_due"],
                department=d["department"], number_prefix=d["number_prefix"], request=request,
            )  # fmt: skip

        if _service_call(form, call):
            r = made["r"]
            note = f"，已生成{r.document.title}（{r.document.number}）" if r.document else ""
            messages.success(request, f"已按“{r.get_mode_display()}”办理{note}。")
            return redirect(_report_page(report))
    return _page_with_errors(request, report, {"create": form})


@require_POST
@capability_required("intake.referral")
def referral_reply(request, referral_id: int):
    referral = referral_services.access_referral(request.user, referral_id)
    form = ReplyForm(request.POST, prefix=f"reply-{referral.pk}")
    if form.is_valid() and _service_call(
        form,
        lambda: referral_services.referral_reply_record(
            actor=request.user, referral=referral, reply=form.cleaned_data["reply"], request=request
        ),
    ):
        messages.success(request, "已登记办理回复，请告知反映人。")
        return redirect(_report_page(referral.report))
    return _page_with_errors(request, referral.report, {("reply", referral.pk): form})


@require_POST
@capability_required("intake.referral")
def referral_inform(request, referral_id: int):
    referral = referral_services.access_referral(request.user, referral_id)
    report = referral.report
    web = report.receipt_code_hash is not None and not report.is_destroyed
    form = InformForm(request.POST, prefix=f"inform-{referral.pk}", web=web)
    if form.is_valid() and _service_call(
        form,
        lambda: referral_services.referral_inform(
            actor=request.user,
            referral=referral,
            message=form.cleaned_data["message"],
            how=form.cleaned_data.get("how", ""),
            request=request,
        ),  # fmt: skip
    ):
        report.refresh_from_db(fields=["status"])
        closed = "，本件已办结" if report.status == Report.Status.CLOSED else ""
        messages.success(request, f"已告知反映人{closed}。")
        return redirect(_report_page(report))
    return _page_with_errors(request, report, {("inform", referral.pk): form})


@require_POST
@capability_required("intake.referral")
def petition_extend(request, report_id: int):
    report = access_report(request.user, report_id, request, capability="intake.referral", audit=False)
    form = ExtendForm(request.POST, prefix="extend")
    if form.is_valid() and _service_call(
        form,
        lambda: referral_services.petition_extend(
            actor=request.user, report=report, notice=form.cleaned_data["notice"], request=request
        ),
    ):
        messages.success(request, "已延长办理期限并记录告知内容。")
        return redirect(_report_page(report))
    return _page_with_errors(request, report, {"extend": form})


# --- recommendation letters ---------------------------------------------------------------------


@require_GET
@capability_required("intake.view")
def letter_list(request):
    letters = (
        RecommendationLetter.objects.filter(letter_services.letters_q(request.user))
        .select_related("unit", "issuing_unit", "document", "clue")
        .order_by("-created_at", "-id")
    )
    status = request.GET.get("status", "")
    if status in RecommendationLetter.Status.values:
        letters = letters.filter(status=status)
    q = request.GET.get("q", "").strip()[:50]
    if q:
        letters = letters.filter(Q(unit__name__contains=q) | Q(document__number__contains=q))
    return render(
        request,
        "intake/letter_list.html",
        {
            "title": "纪检监察建议书",
            "page": paginate(request, letters),
            "query": query_without_page(request),
            "status": status,
            "q": q,
            "statuses": RecommendationLetter.Status.choices,
            "can_issue": has_capability(request.user, "intake.handle"),
            "today": timezone.localdate(),
        },
    )


def _letter_units(user):
    return Unit.objects.filter(scope(user, "intake.handle").units_q(), is_active=True).order_by(
        "depth", "sort_order", "name"
    )


@capability_required("intake.handle")
def letter_create(request):
    clue = None
    clue_id = request.GET.get("clue") or request.POST.get("clue")
    if clue_id:
        clue = access_clue(request.user, clue_id, request, capability="intake.handle", audit=False)
    initial = {"unit": clue.unit_id} if clue else {}
    form = LetterForm(request.POST or None, units=_letter_units(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        made = {}

        def call():
            made["l"] = letter_services.letter_issue(
                actor=request.user, unit=d["unit"], clue=clue, problems=d["problems"],
                recommendations=d["recommendations"], rectification_due=d["rectification_due"],
                number_prefix=d["number_prefix"], request=request,
            )  # fmt: skip

        if _service_call(form, call):
            messages.success(
                request, f"建议书已生成（{made['l'].document.number}），整改期限已列入被建议单位待办。"
            )
            return redirect("intake:letter_detail", letter_id=made["l"].pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "intake/letter_form.html", {"title": "发出纪检监察建议书", "form": form, "clue": clue},
                  status=status)  # fmt: skip


def _letter_context(request, letter, *, report_form=None, review_form=None) -> dict:
    can_handle = letter_services.can_handle_letter(request.user, letter.unit)
    docs = []
    if letter.document_id:
        from qinglian.documents.models import Document

        docs = list(Document.objects.filter(batch=letter.document.batch).order_by("format"))
    return {
        "title": f"纪检监察建议书 {letter.document.number if letter.document else ''}".strip(),
        "letter": letter,
        "documents": docs,
        "report_form": report_form
        or (LetterReportForm() if can_handle and letter.status in ("issued", "returned") else None),
        "review_form": review_form
        or (LetterReviewForm() if can_handle and letter.status == "reported" else None),
        "today": timezone.localdate(),
    }


@require_GET
@capability_required("intake.view")
def letter_detail(request, letter_id: int):
    letter = letter_services.access_letter(request.user, letter_id, request)
    return render(request, "intake/letter_detail.html", _letter_context(request, letter))


@require_POST
@capability_required("intake.handle")
def letter_report(request, letter_id: int):
    letter = letter_services.access_letter(request.user, letter_id, request, audit=False)
    form = LetterReportForm(request.POST)
    if form.is_valid() and _service_call(
        form,
        lambda: letter_services.letter_report_record(
            actor=request.user, letter=letter, report=form.cleaned_data["report"], request=request
        ),
    ):
        messages.success(request, "已登记整改情况报告，请验收。")
        return redirect("intake:letter_detail", letter_id=letter.pk)
    return render(
        request, "intake/letter_detail.html", _letter_context(request, letter, report_form=form), status=400
    )


@require_POST
@capability_required("intake.handle")
def letter_review(request, letter_id: int):
    letter = letter_services.access_letter(request.user, letter_id, request, audit=False)
    form = LetterReviewForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        accept = d["decision"] == "accept"
        if _service_call(
            form,
            lambda: letter_services.letter_review(
                actor=request.user,
                letter=letter,
                accept=accept,
                note=d["note"],
                new_due=d["new_due"],
                request=request,
            ),  # fmt: skip
        ):
            messages.success(
                request, "已验收，单位档案已记录整改完成。" if accept else "已退回，并设定新的整改期限。"
            )
            return redirect("intake:letter_detail", letter_id=letter.pk)
    return render(
        request, "intake/letter_detail.html", _letter_context(request, letter, review_form=form), status=400
    )


@require_GET
@capability_required("intake.view")
def letter_document(request, letter_id: int, fmt: str):
    """The letter's document for whoever may read the letter (a stationed group's officers are
    scoped to the departments they supervise, not to the group that issues the document)."""
    from qinglian.audit.services import audit_record
    from qinglian.documents.models import Document

    letter = letter_services.access_letter(request.user, letter_id, request, audit=False)
    if not letter.document_id:
        raise Http404("建议书文件不存在")
    doc = Document.objects.filter(batch=letter.document.batch, format=fmt).first()
    if doc is None:
        raise Http404("建议书文件不存在")
    audit_record(actor=request.user, action="document.download", obj=doc, unit_id=letter.unit_id, request=request,
                 extra={"letter": letter.pk})  # fmt: skip
    response = FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.download_name,
                            content_type=doc.content_type)  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- statistics ---------------------------------------------------------------------------------


@require_GET
@capability_required("intake.stats")
def stats_page(request):
    form = StatsForm(request.GET or None)
    this_year = timezone.localdate().year
    year = form.cleaned_data.get("year") if form.is_valid() else None
    year = year or this_year
    data = intake_stats(request.user, year=year)
    return render(
        request,
        "intake/stats.html",
        {"title": f"信访举报与问题线索统计（{year}年）", "form": form, "stats": data,
         "years": list(range(this_year, this_year - 6, -1))},
        status=200 if not form.errors else 400,
    )  # fmt: skip


def register_navigation() -> None:
    """Menu entries of the referral area (called when its routes load; idempotent)."""
    from qinglian.core.navigation import NavEntry
    from qinglian.core.navigation import register as nav_register

    nav_register(NavEntry("信访与线索", "纪检监察建议书", "intake:letters", "intake.view", 46))
    nav_register(NavEntry("信访与线索", "信访举报统计", "intake:stats", "intake.stats", 48))
