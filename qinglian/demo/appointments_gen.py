"""Appointment records (选拔任用全程纪实) and one 一报告两评议 for the demo county, seeded, through the
services (the opinion requests, targeted spot checks, intake reports and archive entries they make
are real).

Cases are spread over the stages: a few just moved, some at the recommendation or appraisal, one
waiting at the decision with a gate open (so a visitor sees what blocks it), one in its notice
period with a complaint sent to intake, some appointed and on probation — and one appointed cadre
later sanctioned for conduct before the promotion, so the case carries a 倒查 flag with the
decisions "as known on" their day. Dates lie in the past; what the services stamp happens today.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from qinglian.appointments import reviews, services
from qinglian.appointments.models import Stage
from qinglian.people.models import Cadre, Unit, UnitKind

log = logging.getLogger("qinglian.demo")

POSTS = [("副局长", "deputy_section"), ("局长", "section"), ("副主任", "deputy_section"), ("主任", "section"),
         ("副镇长", "deputy_section"), ("党委副书记", "deputy_section")]  # fmt: skip
TARGETS = ["motion", "recommendation", "appraisal", "decision_blocked", "notice", "appointed", "appointed",
           "probation_done", "appointed", "reverse"]  # fmt: skip


@dataclass
class Summary:
    cases: int = 0
    by_stage: dict = field(default_factory=dict)
    complaints: int = 0
    reverse: int = 0
    review: int | None = None


def _stage(case, kind) -> Stage:
    return Stage.objects.get(case=case, kind=kind)


def _record_close(org, case, kind, held_on, **data) -> None:
    services.stage_record(actor=org, stage=_stage(case, kind), held_on=held_on, **data)
    services.stage_close(actor=org, stage=_stage(case, kind))


def _decide_check(org, cadre) -> bool:
    """Complete the targeted check of `cadre` as consistent (the demo has no agency returns)."""
    from qinglian.spotchecks.models import SpotCheck
    from qinglian.spotchecks.services import check_compare, check_decide

    check = SpotCheck.objects.filter(cadre=cadre, status__in=["open"]).order_by("-id").first()
    if check is None:
        return False
    try:
        check = check_compare(actor=org, check=check)
        check_decide(actor=org, check=check, result="consistent", handling=[], decider_name="干部监督科 刘洋")
    except Exception:  # another app's workflow: a demo without it still shows the gate waiting
        log.exception("demo: could not complete the spot check of %s", cadre.pk)
        return False
    return True


def generate(*, users: dict, seed: int = 20261127, today: date | None = None) -> Summary:
    """`users`: the demo logins by username: zuzhi (org_supervision), jiancha (discipline_supervision),
    anguan (case_management; approves the opinions jiancha reviews)."""
    from qinglian.archive.opinions import opinion_approve, opinion_review
    from qinglian.archive.services import entry_record

    rng = random.Random(seed)
    today = today or timezone.localdate()
    org, reviewer, approver = users["zuzhi"], users["jiancha"], users["anguan"]
    county = Unit.objects.get(code="QL-DH")
    units = list(
        Unit.objects.filter(path__startswith=county.path, kind__in=[UnitKind.GOVERNMENT_DEPT, UnitKind.TOWNSHIP])
        .order_by("path")[:40]
    )  # fmt: skip
    rng.shuffle(units)
    summary = Summary()
    used: set[int] = set()
    for i, target in enumerate(TARGETS):
        unit = units[i % len(units)]
        pool = [
            c
            for c in Cadre.objects.filter(unit=unit, status="serving").order_by("id")[:12]
            if c.pk not in used
        ]
        if len(pool) < 2:
            continue
        picks = rng.sample(pool, 2)
        used.update(c.pk for c in picks)
        post, level = POSTS[i % len(POSTS)]
        start = today - timedelta(days=rng.randint(150, 400) if target in ("probation_done", "reverse") else
                                  rng.randint(40, 90))  # fmt: skip
        case = services.case_create(actor=org, unit=unit, post_title=post, post_level=level,
                                    reason=f"{post}职位空缺，经县委书记专题会议研究，启动选拔工作")  # fmt: skip
        summary.cases += 1
        summary.by_stage[target] = summary.by_stage.get(target, 0) + 1
        if target == "motion":
            continue
        _record_close(org, case, "motion", start, decided_by="县委书记专题会议",
                      result=f"采取个别谈话推荐和会议推荐相结合的方式产生{post}人选")  # fmt: skip
        candidates = [services.candidate_add(actor=org, case=case, cadre=c) for c in picks]
        if target == "recommendation":
            continue
        voters = rng.randint(35, 80)
        votes = {str(c.pk): {"for": int(voters * share), "against": voters - int(voters * share), "abstain": 0}
                 for c, share in zip(candidates, (rng.uniform(0.7, 0.95), rng.uniform(0.2, 0.45)), strict=True)}  # fmt: skip
        _record_close(org, case, "recommendation", start + timedelta(days=5), decided_by="县委组织部",
                      participants=f"{unit.name}班子成员、中层正职及干部代表{voters}人",
                      votes={"voters": voters, "candidates": votes})  # fmt: skip
        services.candidate_withdraw(
            actor=org, candidate=candidates[1], reason="推荐得票率较低，不列为考察对象"
        )
        chosen = candidates[0]
        if target == "appraisal":
            continue
        _record_close(org, case, "appraisal", start + timedelta(days=12), decided_by="考察组组长 张立新",
                      participants="考察组：张立新、何敏（县委组织部）",
                      findings="政治立场坚定，工作实绩突出，群众公认度较高；不足：有时工作方法简单。")  # fmt: skip
        services.file_review_record(actor=org, candidate=chosen, reviewer="干部档案室 孙莉",
                                    reviewed_on=start + timedelta(days=13), passed=True, note="“三龄二历一身份”无疑点")  # fmt: skip
        services.opinion_request(actor=org, case=case)
        chosen.refresh_from_db()
        req = opinion_review(actor=reviewer, request=chosen.opinion_request, changes={}, dissents={})
        opinion_approve(actor=approver, request=req, approver_name="县纪委副书记 陈明")
        services.stage_record(actor=org, stage=_stage(case, "decision"), held_on=start + timedelta(days=20),
                              participants="县委常委（应到11人，实到10人）", decided_by="县委常委会",
                              votes={"members_total": 11, "members_present": 10, "appointee": chosen.pk, "for": 10})  # fmt: skip
        if target == "decision_blocked":
            continue  # the targeted personal-matters check is still open: the gate shows it
        if not _decide_check(org, chosen.cadre):
            continue
        services.stage_close(actor=org, stage=_stage(case, "decision"))
        notice_start = start + timedelta(days=21)
        services.stage_record(actor=org, stage=_stage(case, "notice"), held_on=notice_start, decided_by="县委组织部",
                              result="在县委组织部网站和单位公示栏公示")  # fmt: skip
        if target == "notice":
            services.complaint_receive(actor=org, candidate=chosen, channel="letter", received_on=today,
                                       facts="反映其在项目验收中降低标准，与施工方关系密切")  # fmt: skip
            summary.complaints += 1
            continue
        services.stage_close(actor=org, stage=_stage(case, "notice"))
        appointed_on = _stage(case, "notice").ends_on + timedelta(days=3)
        _record_close(org, case, "appointment", appointed_on, decided_by="中共东湖县委",
                      result=f"东组干〔{appointed_on.year}〕{rng.randint(10, 99)}号任职通知")  # fmt: skip
        probation_end = appointed_on + timedelta(days=365)
        services.stage_record(actor=org, stage=_stage(case, "probation"), held_on=appointed_on, ends_on=probation_end,
                              decided_by="县委组织部", result="试用期一年")  # fmt: skip
        if target == "probation_done" and probation_end < today:
            services.stage_record(actor=org, stage=_stage(case, "probation"), held_on=appointed_on,
                                  ends_on=probation_end, decided_by="县委组织部", result="试用期满考核称职，正式任职")  # fmt: skip
            services.stage_close(actor=org, stage=_stage(case, "probation"))
        if target == "reverse":
            entry_record(actor=None, kind="gov.demerit", person=chosen.cadre, occurred_on=start - timedelta(days=200),
                         effective_on=today - timedelta(days=2), decided_by="东湖县监察委员会",
                         decision_document=f"东监处〔{today.year}〕7号",
                         summary="任前在工程项目验收中收受施工方礼金2万元", check_permission=False)  # fmt: skip
            from qinglian.appointments.reverse import reverse_check_person

            summary.reverse += len(reverse_check_person(chosen.cadre_id))
    year = today.year - 1
    review = reviews.review_create(actor=org, unit=county, year=year, reported_on=min(date(today.year, 1, 20), today),
                                   report_summary=f"{year}年共选拔任用科级干部{rng.randint(20, 40)}名，严格执行“凡提四必”。",
                                   participants=rng.randint(50, 70))  # fmt: skip
    for unit, (good, fair, poor) in zip(
        units[:4], [(40, 8, 2), (30, 12, 6), (18, 10, 22), (35, 10, 3)], strict=False
    ):
        reviews.result_record(actor=org, review=review, kind="work", unit=unit, good=good, fair=fair, poor=poor,
                              unknown=0)  # fmt: skip
    summary.review = review.pk
    return summary
