"""Pages of talks (十必谈 included) and warning-education events."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import scope
from qinglian.cards import talks
from qinglian.cards.forms import EducationForm, TalkForm
from qinglian.cards.models import EducationEvent, Talk, TalkDue
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate
from qinglian.people.models import Cadre, Unit
from qinglian.people.selectors import cadre_search_q


@capability_required("cards.view")
def talk_list(request):
    s = scope(request.user, "cards.view")
    rows = (
        Talk.objects.filter(s.units_q("unit__")).select_related("unit")
        .annotate(n=Count("participants"), n_present=Count("participants", filter=Q(participants__attended=True)))
        .order_by("-held_on", "-id")
    )  # fmt: skip
    dues, seen = [], set()
    for due in (
        TalkDue.objects.filter(talk__isnull=True, workitem__status="open").filter(s.units_q("unit__"))
        .select_related("trigger", "cadre", "unit", "workitem").order_by("created_at", "pk")[:200]
    ):  # fmt: skip
        if due.workitem_id not in seen:  # several reasons under one to-do: one row
            seen.add(due.workitem_id)
            dues.append(due)
    dues = dues[:50]
    return render(request, "cards/talks.html", {"page": paginate(request, rows), "dues": dues})


def _due(request):
    raw = request.GET.get("due") or request.POST.get("due") or ""
    if not raw.isdigit():
        return None
    due = (
        TalkDue.objects.select_related("trigger", "cadre__unit", "unit", "workitem")
        .filter(pk=int(raw))
        .first()
    )
    return due if due and scope(request.user, "cards.check").contains(due.unit) else None


@capability_required("cards.check")
@require_http_methods(["GET", "POST"])
def talk_new(request):
    s = scope(request.user, "cards.check")
    due = _due(request)
    find = (request.GET.get("find") or "").strip()[:50]
    chosen = [int(x) for x in request.POST.getlist("participants") if x.isdigit()]
    candidates = list(
        Cadre.objects.filter(s.units_q("unit__")).filter(
            Q(pk__in=chosen) | (cadre_search_q(find) if find else Q(pk__in=[])) | Q(pk=due.cadre_id if due and due.cadre_id else 0)
        ).select_related("unit").order_by("name", "pk")[:30]
    )  # fmt: skip
    initial = {}
    if due:
        initial = {"kind": due.trigger.talk_kind, "participants": [due.cadre_id] if due.cadre_id else []}
    form = TalkForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        people = [c for c in candidates if c.pk in set(d["participants"])]
        unit = due.unit if due else people[0].unit
        try:
            talk = talks.talk_record(
                actor=request.user, kind=d["kind"], held_on=d["held_on"], talker=d["talker"], summary=d["summary"],
                unit=unit, participants=people, absent=set(d["absent"]), follow_up=d["follow_up"],
                decided_by=d["decided_by"], place=d["place"], dues=[due] if due else [], request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已记录{talk.get_kind_display()}")
            return redirect("cards:talks")
    picked = set(form["participants"].value() or [])
    absent = set(form["absent"].value() or [])
    rows = [
        (c, str(c.pk) in {str(x) for x in picked}, str(c.pk) in {str(x) for x in absent}) for c in candidates
    ]
    return render(request, "cards/talk_new.html", {"form": form, "due": due, "find": find, "rows": rows},
                  status=form_status(request, form))  # fmt: skip


@capability_required("cards.view")
def education_list(request):
    s = scope(request.user, "cards.view")
    rows = (
        EducationEvent.objects.filter(s.units_q("unit__")).select_related("unit")
        .annotate(n=Count("attendance"), n_present=Count("attendance", filter=Q(attendance__attended=True)))
        .order_by("-held_on", "-id")
    )  # fmt: skip
    return render(request, "cards/education.html", {"page": paginate(request, rows)})


@capability_required("cards.check")
@require_http_methods(["GET", "POST"])
def education_new(request):
    s = scope(request.user, "cards.check")
    units = list(Unit.objects.filter(s.units_q()).exclude(kind="jurisdiction").order_by("path")[:500])
    form = EducationForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        unit = next((u for u in units if u.pk == d["unit"]), None)
        if unit is None:
            form.add_error("unit", "请选择您管理范围内的单位")
        else:
            people = Cadre.objects.filter(unit__path__startswith=unit.path, status="serving").filter(
                s.units_q("unit__")
            )
            if d["who"] == "leaders":
                people = people.filter(is_leadership_member=True)
            try:
                event = talks.education_record(actor=request.user, kind=d["kind"], title=d["title"],
                                               held_on=d["held_on"], unit=unit, attendees=list(people.select_related("unit")),
                                               place=d["place"], request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"attendees": "who"})
            else:
                messages.success(request, f"已登记“{event.title}”，参加{event.attendance.count()}人")
                return redirect("cards:education")
    return render(request, "cards/education_new.html", {"form": form}, status=form_status(request, form))
