"""Reads shared by the pages, the API, the documents and the demo: scoped lists with a fixed number
of queries, a meeting's full record (with what the viewer may see of each case), circular figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Prefetch, Q, QuerySet

from qinglian.accounts.scopes import scope
from qinglian.archive.models import OpinionRequest
from qinglian.archive.opinions import public_reasons
from qinglian.jointwork.access import meetings_q
from qinglian.jointwork.models import (
    Assignment,
    Case,
    Circular,
    Decision,
    JointReview,
    Meeting,
    MeetingSchedule,
    ReviewCandidate,
)
from qinglian.workitems.models import WorkItem

STATUS_LABELS = {"done": "已完成", "done_late": "逾期完成", "overdue": "已逾期", "open": "办理中",
                 "cancelled": "已撤销"}  # fmt: skip


def assignment_status(a: Assignment, today: date) -> str:
    item = a.workitem
    if item is None or item.status == WorkItem.Status.CANCELLED:
        return "cancelled"
    if item.status == WorkItem.Status.DONE:
        late = item.completed_at is not None and item.completed_at.date() > item.due_date
        return "done_late" if late else "done"
    return "overdue" if item.due_date < today else "open"


def meeting_list(*, viewer, kind: str = "", unit_q: Q | None = None) -> QuerySet[Meeting]:
    rows = Meeting.objects.filter(meetings_q(viewer, unit_q))
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("unit").order_by("-held_on", "-id")


def with_assignment_counts(meetings, today: date) -> list[Meeting]:
    """Attach n_decisions / n_assignments / n_done / n_overdue to one page of meetings (two
    grouped queries over that page only)."""
    meetings = list(meetings)
    decisions = dict(
        Decision.objects.filter(meeting__in=meetings)
        .values("meeting")
        .annotate(n=Count("id"))
        .values_list("meeting", "n")
    )
    rows = (
        Assignment.objects.filter(decision__meeting__in=meetings)
        .values("decision__meeting")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(workitem__status=WorkItem.Status.DONE)),
            overdue=Count(
                "id", filter=Q(workitem__status=WorkItem.Status.OPEN, workitem__due_date__lt=today)
            ),
        )
    )
    by = {r["decision__meeting"]: r for r in rows}
    for m in meetings:
        r = by.get(m.pk, {})
        m.n_decisions = decisions.get(m.pk, 0)
        m.n_assignments, m.n_done, m.n_overdue = r.get("n", 0), r.get("done", 0), r.get("overdue", 0)
    return meetings


@dataclass
class CaseView:
    case: Case
    cadre_name: str = ""  # "" when there is no cadre; a placeholder when out of the viewer's scope
    cadre_id: int | None = None  # set only when the viewer may open the cadre
    clue_number: str = ""
    clue_content: str | None = None  # only for holders of sealed.clue_content over the clue's unit
    unit_name: str = ""


@dataclass
class MeetingDetail:
    meeting: Meeting
    attendees: list = field(default_factory=list)
    agencies: list = field(default_factory=list)
    cases: list[CaseView] = field(default_factory=list)
    decisions: list = field(default_factory=list)  # Decision with .rows: [(assignment, status, label)]
    reviews: list = field(default_factory=list)

    @property
    def sealed_clues(self) -> list[int]:
        return [c.case.clue_id for c in self.cases if c.clue_content is not None]


def _assignments_prefetch():
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.select_related("owner_unit", "owner_user", "workitem").prefetch_related(
            "follow_ups"
        ),
    )


def meeting_detail(meeting: Meeting, *, viewer, today: date | None = None) -> MeetingDetail:
    """The meeting's record as `viewer` may see it (viewer None: the minutes, which name linked
    cadres and clue numbers but never a clue's content). A fixed number of queries."""
    from django.utils import timezone

    from qinglian.intake import sealing

    today = today or timezone.localdate()
    cases = list(meeting.cases.select_related("cadre", "cadre__unit", "clue", "clue__unit", "subject_unit"))
    views = []
    for c in cases:
        v = CaseView(case=c, unit_name=c.subject_unit.name if c.subject_unit else "")
        if c.cadre is not None:
            if viewer is None or scope(viewer, "people.view").contains(c.cadre.unit):
                v.cadre_name, v.cadre_id = c.cadre.name, c.cadre_id
            else:
                v.cadre_name = "（不在您查阅范围内的人员）"
        if c.clue is not None:
            if viewer is None or scope(viewer, "intake.view").contains(c.clue.unit):
                v.clue_number = c.clue.number
                if viewer is not None and scope(viewer, "sealed.clue_content").contains(c.clue.unit):
                    v.clue_content = sealing.open_text(c.clue.summary)
            else:
                v.clue_number = "（涉及问题线索，内容密封）"
        views.append(v)
    decisions = list(meeting.decisions.prefetch_related(_assignments_prefetch()))
    for d in decisions:
        d.rows = []
        for a in d.assignments.all():
            status = assignment_status(a, today)
            d.rows.append((a, status, STATUS_LABELS[status]))
    return MeetingDetail(
        meeting=meeting,
        attendees=list(meeting.attendees.select_related("agency")),
        agencies=list(meeting.agencies.all()),
        cases=views,
        decisions=decisions,
        reviews=list(meeting.reviews.all()),
    )


def review_list(*, viewer) -> QuerySet[JointReview]:
    return (
        JointReview.objects.filter(scope(viewer, "jointwork.view").units_q("unit__"))
        .select_related("unit", "opinion_request", "meeting")
        .annotate(
            n=Count("candidates"),
            n_postponed=Count("candidates", filter=Q(candidates__decision=ReviewCandidate.Decision.POSTPONE)),
            n_undecided=Count("candidates", filter=Q(candidates__decision="")),
        )
        .order_by("-created_at", "-id")
    )


def review_rows(review: JointReview) -> list[ReviewCandidate]:
    """The candidates with the opinion as the requester reads it (pending verifications only as
    “有待核实事项”): `.opinion_text` and `.opinion_label`."""
    issued = review.opinion_request.status == OpinionRequest.Status.ISSUED
    rows = list(review.candidates.select_related("cadre", "cadre__unit", "opinion", "recorded_by"))
    for r in rows:
        if issued:
            r.opinion_label = r.opinion.get_verdict_display()
            r.opinion_text = "；".join(public_reasons(r.opinion.reasons)) or "无"
        else:
            r.opinion_label = "待纪委回复"
            r.opinion_text = ""
    return rows


def schedule_list(*, viewer) -> QuerySet[MeetingSchedule]:
    return (
        MeetingSchedule.objects.filter(scope(viewer, "jointwork.manage").units_q("unit__"))
        .select_related("unit")
        .order_by("unit__path", "kind")
    )


def circular_list(*, viewer) -> QuerySet[Circular]:
    return (
        Circular.objects.filter(scope(viewer, "jointwork.view").units_q("unit__"))
        .select_related("unit", "created_by")
        .order_by("-created_at", "-id")
    )


def circular_figures(*, unit, start: date, end: date, today: date) -> dict:
    """Counts for a circular (four grouped queries, whatever the period holds)."""
    in_unit = Q(unit__path__startswith=unit.path)
    meetings = Meeting.objects.filter(in_unit, held_on__gte=start, held_on__lte=end)
    by_kind = dict(meetings.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    n_decisions = Decision.objects.filter(meeting__in=meetings).count()
    late = Q(workitem__status=WorkItem.Status.DONE, workitem__completed_at__date__gt=F("workitem__due_date"))
    a = Assignment.objects.filter(decision__meeting__in=meetings).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(workitem__status=WorkItem.Status.DONE)),
        done_late=Count("id", filter=late),
        overdue=Count("id", filter=Q(workitem__status=WorkItem.Status.OPEN, workitem__due_date__lt=today)),
        open=Count("id", filter=Q(workitem__status=WorkItem.Status.OPEN, workitem__due_date__gte=today)),
    )
    r = ReviewCandidate.objects.filter(
        review__unit__path__startswith=unit.path,
        review__created_at__date__gte=start,
        review__created_at__date__lte=end,
    ).aggregate(
        total=Count("id"),
        agree=Count("id", filter=Q(decision=ReviewCandidate.Decision.AGREE)),
        postpone=Count("id", filter=Q(decision=ReviewCandidate.Decision.POSTPONE)),
        disagree=Count("id", filter=Q(decision=ReviewCandidate.Decision.DISAGREE)),
        undecided=Count("id", filter=Q(decision="")),
    )
    overdue_rows = list(
        Assignment.objects.filter(decision__meeting__in=meetings, workitem__status=WorkItem.Status.OPEN,
                                  workitem__due_date__lt=today)
        .select_related("owner_unit", "owner_user", "decision__meeting")
        .order_by("due_date", "id")[:50]
    )  # fmt: skip
    return {
        "unit": unit.name,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "as_of": today.isoformat(),
        "meetings": {k: by_kind.get(k, 0) for k in ("quarterly", "half_yearly", "ad_hoc")},
        "decisions": n_decisions,
        "assignments": a,
        "reviews": r,
        "overdue": [
            {"meeting": x.decision.meeting.title, "title": x.title, "due": x.due_date.isoformat(),
             "owner": x.owner_unit.name if x.owner_unit else str(x.owner_user)}
            for x in overdue_rows
        ],
    }  # fmt: skip
