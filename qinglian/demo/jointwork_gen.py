"""The task force's joint work in the demo county (东湖县), seeded, through the jointwork services.

The organisation department (zuzhi) sets the meeting schedules (quarterly analysis meetings due
the 20th of January, April, July and October; half-yearly joint meetings the 25th of June and
December) and records a year of meetings: four quarterly, two half-yearly, each with the member
agencies (those of `taskforce` that have a unit), decisions and assigned tasks that became to-dos;
most tasks due before today are done (completed at load time, so they show as done late), the rest
are overdue. One joint review of five candidates: the commission (jiancha reviews, anguan issues)
answers the integrity opinion, and the meeting agrees, postpones (pending verification) or
disagrees per person. One circular to the county committee, and the minutes of the last meeting.

Call: `generate(users={u.username: u for u in User.objects.filter(username__in=["zuzhi", "jiancha", "anguan"])})`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from qinglian.jointwork import services
from qinglian.jointwork.models import Meeting
from qinglian.people.models import Cadre, Unit, UnitKind
from qinglian.workitems.services import workitem_complete

TOPICS = [
    ("分析一季度审计发现的干部履职问题", "对审计发现问题涉及的单位开展专项监督", "报送审计发现问题整改情况"),
    ("通报法院、检察院涉干部案件情况", "建立涉干部案件信息月报制度", "梳理近三年涉干部诉讼案件"),
    ("研究信访反映集中的教育领域问题", "对招生入学领域开展“小切口”监督", "报送教育领域信访件办理情况"),
    ("分析酒驾醉驾等交通违法涉干部情况", "开展警示教育并督促整改", "提供涉干部交通违法信息"),
    ("研究退休干部违规兼职清理情况", "对违规兼职问题限期清理", "报送退休干部兼职情况清单"),
    ("通报年轻干部“三廉工程”推进情况", "组织新提拔干部集体廉政谈话", "汇总年轻干部廉政档案"),
]


@dataclass
class Summary:
    meetings: int = 0
    decisions: int = 0
    assignments: int = 0
    done: int = 0
    reviews: int = 0
    postponed: int = 0
    circulars: int = 0


def _owners(county: Unit) -> list[Unit]:
    from qinglian.taskforce.models import Agency

    units = [a.unit for a in Agency.objects.filter(active=True, unit__isnull=False).select_related("unit")
             if a.unit.path.startswith(county.path)]  # fmt: skip
    if not units:  # no member agency in this county: the county's departments take the tasks
        units = list(Unit.objects.filter(parent=county, kind=UnitKind.GOVERNMENT_DEPT, is_active=True)
                     .order_by("code")[:6])  # fmt: skip
    return units


def generate(*, users: dict, seed: int = 20261128, today: date | None = None) -> Summary:
    from qinglian.taskforce.models import Agency

    rng = random.Random(seed)
    today = today or timezone.localdate()
    summary = Summary()
    lead = users.get("zuzhi")
    county = Unit.objects.filter(code="QL-DH").first()
    if lead is None or county is None or Meeting.objects.filter(unit=county).exists():
        return summary
    services.schedule_save(
        actor=lead, kind="quarterly", unit=county, months=[1, 4, 7, 10], day=20, lead_days=15
    )
    services.schedule_save(actor=lead, kind="half_yearly", unit=county, months=[6, 12], day=25, lead_days=40)
    agencies = list(
        Agency.objects.filter(active=True, unit__isnull=False, unit__path__startswith=county.path)
    )
    owners = _owners(county)
    plan = []  # (kind, held_on, title) over the past year
    for back in (12, 9, 6, 3):
        d = today - timedelta(days=back * 30 + 5)
        plan.append(("quarterly", d, f"{d.year}年第{(d.month - 1) // 3 + 1}季度大监督工作分析会"))
    for back in (8, 2):
        d = today - timedelta(days=back * 30 + 10)
        plan.append(("half_yearly", d, f"{d.year}年{'上' if d.month <= 6 else '下'}半年“8+X”专班联席会议"))
    plan.sort(key=lambda p: p[1])
    meetings = []
    for i, (kind, held_on, title) in enumerate(plan):
        attending = rng.sample(agencies, k=min(len(agencies), rng.randint(4, 7))) if agencies else []
        m = services.meeting_create(
            actor=lead, kind=kind, title=title, unit=county, held_on=held_on, place="县委组织部三楼会议室",
            convener_name="县委组织部部长", agencies=attending,
            attendees=[(f"{a.name}负责人", "分管负责同志", a) for a in attending] + [("组织部干部监督科科长", "专班办公室主任")],
        )  # fmt: skip
        meetings.append(m)
        summary.meetings += 1
        for j in range(2):
            topic, decision, task = TOPICS[(i + j) % len(TOPICS)]
            services.case_add(actor=lead, meeting=m, summary=topic)
            tasks = []
            for owner in rng.sample(owners, k=min(len(owners), rng.randint(1, 2))) if owners else []:
                tasks.append({"title": task, "owner_unit": owner,
                              "due_date": held_on + timedelta(days=rng.choice([30, 45, 60]))})  # fmt: skip
            d = services.decision_record(actor=lead, meeting=m, text=decision, assignments=tasks)
            summary.decisions += 1
            for a in d.assignments.select_related("workitem"):
                summary.assignments += 1
                if a.due_date < today and rng.random() < 0.75:
                    workitem_complete(actor=None, item=a.workitem, note="已按要求办结并报送材料")
                    summary.done += 1
    services.meetings_schedule(today)
    # A joint review of five serving cadres of the county, answered by the commission.
    reviewer, approver = users.get("jiancha"), users.get("anguan")
    cadres = list(
        Cadre.objects.filter(unit__path__startswith=county.path, status="serving").order_by("id")[:5]
    )
    if cadres and reviewer is not None and approver is not None:
        from qinglian.archive.opinions import opinion_approve, opinion_review

        review = services.review_create(actor=lead, title=f"{today.year}年科级干部提拔联审", purpose="promotion",
                                        unit=county, cadres=[c.pk for c in cadres], meeting=meetings[-1])  # fmt: skip
        opinion_review(actor=reviewer, request=review.opinion_request, changes={}, dissents={})
        opinion_approve(actor=approver, request=review.opinion_request, approver_name="县纪委副书记")
        summary.reviews = 1
        for c in review.candidates.select_related("opinion").order_by("position"):
            verdict = c.opinion.verdict
            if verdict == "object":
                services.review_decide(actor=lead, candidate=c, decision="disagree", decided_by_name="县委组织部部长",
                                       reason="纪委廉洁意见为有影响，处于影响期内")  # fmt: skip
            elif verdict == "postpone" or c.position == len(cadres):
                services.review_decide(actor=lead, candidate=c, decision="postpone", decided_by_name="县委组织部部长",
                                       reason="有待核实事项，待核实清楚后再研究")  # fmt: skip
                summary.postponed += 1
            else:
                services.review_decide(
                    actor=lead, candidate=c, decision="agree", reason="", decided_by_name="县委组织部部长"
                )
    services.circular_generate(
        actor=lead, audience="committee", unit=county, period_start=plan[0][1], period_end=today
    )
    summary.circulars = 1
    services.minutes_generate(actor=lead, meeting=meetings[-1])
    return summary
