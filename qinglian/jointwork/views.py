"""Pages of the joint work: thin, through access helpers and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate
from qinglian.documents.models import Document
from qinglian.jointwork import forms as f
from qinglian.jointwork import selectors, services
from qinglian.jointwork.access import (
    access_circular,
    access_meeting,
    access_review,
    can_manage,
)
from qinglian.jointwork.models import Assignment, Circular, Meeting, MeetingKind, ReviewCandidate
from qinglian.people.models import Cadre, Unit

MAX_CHOICES = 300


def _units(user, capability: str):
    return list(Unit.objects.filter(scope(user, capability).units_q(), is_active=True).order_by("depth", "path")
                [:MAX_CHOICES])  # fmt: skip


def _agencies():
    from qinglian.taskforce.models import Agency

    return list(Agency.objects.filter(active=True).select_related("unit").order_by("order", "id"))


def _pick(rows, value):
    return next((r for r in rows if str(r.pk) == str(value)), None) if value not in (None, "") else None


def _owners(user):
    """Units an assignment may go to: the manager's scope and the member agencies' units."""
    units = _units(user, "jointwork.manage")
    have = {u.pk for u in units}
    extra = [a.unit for a in _agencies() if a.unit_id and a.unit_id not in have]
    return units + [u for u in extra if u is not None]


# --- meetings -----------------------------------------------------------------------------------


@capability_required("jointwork.view")
def meetings(request):
    kind = request.GET.get("kind", "")
    if kind not in MeetingKind.values:
        kind = ""
    page = paginate(request, selectors.meeting_list(viewer=request.user, kind=kind))
    page.object_list = selectors.with_assignment_counts(page.object_list, timezone.localdate())
    return render(request, "jointwork/meetings.html", {"page": page, "kind": kind, "kinds": MeetingKind.choices,
                  "can_manage": has_capability(request.user, "jointwork.manage")})  # fmt: skip


@capability_required("jointwork.manage")
@require_http_methods(["GET", "POST"])
def meeting_new(request):
    units, agencies = _units(request.user, "jointwork.manage"), _agencies()
    form = f.MeetingForm(request.POST or None, units=units, agencies=agencies,
                         initial={"convener_name": request.user.get_full_name()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        chosen = [a for a in agencies if str(a.pk) in d["agencies"]]
        try:
            meeting = services.meeting_create(
                actor=request.user, kind=d["kind"], title=d["title"], unit=_pick(units, d["unit"]), held_on=d["held_on"],
                place=d["place"], convener_name=d["convener_name"], agencies=chosen, attendees=form.attendee_rows(),
                request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "会议已登记")
            return redirect("jointwork:meeting", meeting.pk)
    return render(request, "jointwork/meeting_new.html", {"form": form}, status=form_status(request, form))


def _meeting_forms(request, meeting, *, case=None, decision=None, follow=None):
    if not can_manage(request.user, meeting):
        return {}
    user = request.user
    cadres = (Cadre.objects.filter(scope(user, "people.view").units_q("unit__"), status="serving")
              .select_related("unit").order_by("unit__path", "name")[:MAX_CHOICES])  # fmt: skip
    assignments = list(Assignment.objects.filter(decision__meeting=meeting).order_by("id"))
    return {
        "case_form": case or f.CaseForm(cadres=cadres, units=_units(user, "jointwork.manage")),
        "decision_form": decision or f.DecisionForm(owners=_owners(user)),
        "follow_form": follow or (f.FollowUpForm(assignments=assignments) if assignments else None),
    }


def _render_meeting(request, meeting, status=200, **forms):
    detail = selectors.meeting_detail(meeting, viewer=request.user)
    audit_record(actor=request.user, action="jointwork.meeting.read", obj=meeting, unit_id=meeting.unit_id,
                 request=request, extra={"sealed_clues": detail.sealed_clues})  # fmt: skip
    docs = (list(Document.objects.filter(batch=meeting.minutes_batch).order_by("format"))
            if meeting.minutes_batch else [])  # fmt: skip
    ctx = {"meeting": meeting, "d": detail, "minutes": docs, "manage": can_manage(request.user, meeting)}
    ctx.update(_meeting_forms(request, meeting, **forms))
    return render(request, "jointwork/meeting.html", ctx, status=status)


@capability_required("jointwork.view")
def meeting(request, meeting_id: int):
    return _render_meeting(request, access_meeting(request.user, meeting_id))


def _managed(request, meeting_id) -> Meeting:
    m = access_meeting(request.user, meeting_id)
    if not can_manage(request.user, m):
        raise PermissionDenied("您无权修改该会议的记录")
    return m


@capability_required("jointwork.manage")
@require_POST
def case_add(request, meeting_id: int):
    m = _managed(request, meeting_id)
    user = request.user
    cadres = list(Cadre.objects.filter(scope(user, "people.view").units_q("unit__"), status="serving")
                  .select_related("unit").order_by("unit__path", "name")[:MAX_CHOICES])  # fmt: skip
    units = _units(user, "jointwork.manage")
    form = f.CaseForm(request.POST, cadres=cadres, units=units)
    if form.is_valid():
        d = form.cleaned_data
        clue = None
        if d["clue_number"]:
            from qinglian.intake.access import can_see_clue
            from qinglian.intake.models import Clue

            clue = Clue.objects.select_related("unit").filter(number=d["clue_number"].strip()).first()
            if clue is None or not can_see_clue(user, clue):
                form.add_error("clue_number", "找不到该问题线索，或不在您的查阅范围内")
        if not form.errors:
            try:
                services.case_add(actor=user, meeting=m, summary=d["summary"], cadre=_pick(cadres, d["cadre"]),
                                  clue=clue, subject_unit=_pick(units, d["subject_unit"]), request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已记录研究事项")
                return redirect("jointwork:meeting", m.pk)
    return _render_meeting(request, m, status=400, case=form)


@capability_required("jointwork.manage")
@require_POST
def decision_add(request, meeting_id: int):
    m = _managed(request, meeting_id)
    owners = _owners(request.user)
    form = f.DecisionForm(request.POST, owners=owners)
    if form.is_valid():
        d = form.cleaned_data
        tasks = [
            {"title": d[f"task_{i}"], "due_date": d[f"due_{i}"], "owner_unit": _pick(owners, d[f"owner_{i}"])}
            for i in range(1, f.ASSIGNMENT_ROWS + 1)
            if d.get(f"task_{i}")
        ]
        try:
            services.decision_record(
                actor=request.user, meeting=m, text=d["text"], assignments=tasks, request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已记录议定事项，交办任务{len(tasks)}项已生成待办")
            return redirect("jointwork:meeting", m.pk)
    return _render_meeting(request, m, status=400, decision=form)


@capability_required("jointwork.manage")
@require_POST
def follow_up(request, meeting_id: int):
    m = _managed(request, meeting_id)
    assignments = list(Assignment.objects.filter(decision__meeting=m).select_related("decision__meeting"))
    form = f.FollowUpForm(request.POST, assignments=assignments)
    if form.is_valid():
        try:
            services.follow_up_record(actor=request.user, assignment=_pick(assignments, form.cleaned_data["assignment"]),
                                      note=form.cleaned_data["note"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已记录跟踪督办情况")
            return redirect("jointwork:meeting", m.pk)
    return _render_meeting(request, m, status=400, follow=form)


@capability_required("jointwork.manage")
@require_POST
def minutes(request, meeting_id: int):
    m = _managed(request, meeting_id)
    try:
        services.minutes_generate(actor=request.user, meeting=m, request=request)
    except PermissionDenied:
        messages.error(request, "您无权以召集单位名义生成会议纪要")
    else:
        messages.success(request, "会议纪要已生成（Word 和 PDF）")
    return redirect("jointwork:meeting", m.pk)


# --- joint review --------------------------------------------------------------------------------


@capability_required("jointwork.view")
def reviews(request):
    page = paginate(request, selectors.review_list(viewer=request.user))
    return render(request, "jointwork/reviews.html", {"page": page,
                  "can_review": has_capability(request.user, "jointwork.review")})  # fmt: skip


@capability_required("jointwork.review")
@require_http_methods(["GET", "POST"])
def review_new(request):
    from qinglian.archive.opinions import candidates_from_text

    units = _units(request.user, "jointwork.review")
    recent = list(selectors.meeting_list(viewer=request.user)[:50])
    form = f.ReviewForm(request.POST or None, units=units, meetings=recent)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            review = services.review_create(
                actor=request.user, title=d["title"], purpose=d["purpose"], unit=_pick(units, d["unit"]),
                cadres=candidates_from_text(d["candidates"]), meeting=_pick(recent, d["meeting"]), request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc, rename={"cadres": "candidates"})
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已提请联审，并向纪委征求廉洁意见")
            return redirect("jointwork:review", review.pk)
    return render(request, "jointwork/review_new.html", {"form": form}, status=form_status(request, form))


def _render_review(request, review, status=200, form=None, failed=None):
    rows = selectors.review_rows(review)
    audit_record(actor=request.user, action="jointwork.review.read", obj=review, unit_id=review.unit_id,
                 request=request, extra={"person_ids": [r.cadre_id for r in rows]})  # fmt: skip
    can_decide = scope(request.user, "jointwork.review").contains(review.unit)
    return render(request, "jointwork/review.html", {
        "review": review, "rows": rows, "can_decide": can_decide, "issued": review.opinion_request.status == "issued",
        "form": form, "failed": failed, "decisions": ReviewCandidate.Decision.choices,
        "default_name": request.user.get_full_name(),
    }, status=status)  # fmt: skip


@capability_required("jointwork.view")
def review(request, review_id: int):
    return _render_review(request, access_review(request.user, review_id))


@capability_required("jointwork.review")
@require_POST
def review_decide(request, review_id: int):
    r = access_review(request.user, review_id)
    form = f.DecideForm(request.POST)
    failed = None
    if form.is_valid():
        d = form.cleaned_data
        candidate = r.candidates.filter(pk=d["candidate"]).first()
        if candidate is None:
            form.add_error(None, "该候选人不在本次联审中")
        else:
            failed = candidate.pk
            try:
                services.review_decide(actor=request.user, candidate=candidate, decision=d["decision"],
                                       reason=d["reason"], decided_by_name=d["decided_by_name"], request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已记录对{candidate.cadre.name}的联审决定")
                return redirect("jointwork:review", r.pk)
    return _render_review(request, r, status=400, form=form, failed=failed)


# --- circulars and schedules ---------------------------------------------------------------------


@capability_required("jointwork.view")
@require_http_methods(["GET", "POST"])
def circulars(request):
    manage = has_capability(request.user, "jointwork.manage")
    form = None
    if manage:
        units = _units(request.user, "jointwork.manage")
        today = timezone.localdate()
        form = f.CircularForm(request.POST or None, units=units,
                              initial={"period_start": today.replace(month=1, day=1), "period_end": today})  # fmt: skip
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("您的角色不能生成通报")
        if form.is_valid():
            d = form.cleaned_data
            try:
                c = services.circular_generate(actor=request.user, audience=d["audience"], unit=_pick(units, d["unit"]),
                                               period_start=d["period_start"], period_end=d["period_end"],
                                               request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "通报已生成（Word 和 PDF）")
                return redirect("jointwork:circular", c.pk)
    page = paginate(request, selectors.circular_list(viewer=request.user))
    return render(request, "jointwork/circulars.html", {"page": page, "form": form},
                  status=form_status(request, form))  # fmt: skip


@capability_required("jointwork.view")
def circular(request, circular_id: int):
    c: Circular = access_circular(request.user, circular_id)
    docs = (
        list(Document.objects.filter(batch=c.document_batch).order_by("format")) if c.document_batch else []
    )
    return render(request, "jointwork/circular.html", {"c": c, "f": c.figures, "docs": docs})


@capability_required("jointwork.manage")
@require_http_methods(["GET", "POST"])
def schedules(request):
    units = _units(request.user, "jointwork.manage")
    form = f.ScheduleForm(request.POST or None, units=units, initial={"months": ["1", "4", "7", "10"]})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.schedule_save(actor=request.user, kind=d["kind"], unit=_pick(units, d["unit"]),
                                   months=[int(m) for m in d["months"]], day=d["day"], lead_days=d["lead_days"],
                                   is_active=d["is_active"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "会议计划已保存")
            return redirect("jointwork:schedules")
    rows = list(selectors.schedule_list(viewer=request.user))
    return render(request, "jointwork/schedules.html", {"rows": rows, "form": form},
                  status=form_status(request, form))  # fmt: skip
