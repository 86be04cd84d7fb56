"""Fixtures of the appointment tests: an organisation department user, a case, and a stand-in for the
spotchecks contract (check_status / targeted_check_request) whose answers a test sets."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from qinglian.appointments import services
from qinglian.appointments.models import Stage


class FakeSpotchecks:
    """The spotchecks contract as issue 7 states it; `set(cadre, state, decided_on)` decides answers."""

    def __init__(self):
        self.states: dict[int, tuple[str, date | None]] = {}
        self.requests: list[dict] = []

    def set(self, cadre, state: str, decided_on: date | None = None):
        self.states[cadre.pk] = (state, decided_on)

    def check_status(self, cadre, as_of=None):
        state, decided_on = self.states.get(cadre.pk, ("none", None))
        labels = {"none": "尚未核查", "open": "核查进行中", "consistent": "核查一致", "omission": "核查认定漏报",
                  "concealment": "核查认定瞒报"}  # fmt: skip
        return SimpleNamespace(state=state, check_id=7, decided_on=decided_on, summary=labels[state])

    def targeted_check_request(self, *, actor, cadre, reason, source, request=None):
        self.requests.append({"cadre": cadre.pk, "reason": reason, "source": source})
        return SimpleNamespace(pk=1000 + cadre.pk)


@pytest.fixture
def spot(monkeypatch):
    """The spotchecks functions answer as the test says (their own tests cover how they decide)."""
    fake = FakeSpotchecks()
    monkeypatch.setattr("qinglian.spotchecks.selectors.check_status", fake.check_status)
    monkeypatch.setattr("qinglian.spotchecks.services.targeted_check_request", fake.targeted_check_request)
    return fake


@pytest.fixture(autouse=True)
def no_opinion_letters(monkeypatch):
    """The commission's reply letter (docx and PDF) is the archive's concern and takes a second to
    render; these tests only need the issued verdicts."""
    monkeypatch.setattr("qinglian.archive.letters.opinion_letter_generate", lambda **kwargs: None)


@pytest.fixture
def s(tree, make_user, make_cadre, spot):
    org = make_user("org_supervision", tree.county_a)
    cadre = make_cadre(tree.dept_a1, "李明", post_title="办公室主任", post_level="deputy_section")
    other = make_cadre(tree.dept_a1, "赵强", post_title="股长", post_level="staff")
    case = services.case_create(actor=org, unit=tree.dept_a1, post_title="副局长", post_level="deputy_section",
                                reason="副局长职位空缺，经县委书记专题会议研究启动选拔")  # fmt: skip
    return SimpleNamespace(
        tree=tree, org=org, cadre=cadre, other=other, case=case, spot=spot, make_user=make_user
    )


def stage(case, kind) -> Stage:
    return Stage.objects.get(case=case, kind=kind)


def issue_opinion(make_user, tree, candidate):
    """The commission reviews and a second person approves the opinion request of `candidate`."""
    from qinglian.archive.opinions import opinion_approve, opinion_review

    candidate.refresh_from_db()
    reviewer = make_user("case_management", tree.county_a)
    approver = make_user("case_management", tree.county_a)
    req = opinion_review(actor=reviewer, request=candidate.opinion_request, changes={}, dissents={})
    return opinion_approve(actor=approver, request=req, approver_name="王书记")


def to_decision(s, *, today: date, with_votes: bool = True):
    """动议 → 民主推荐 (one candidate) → 考察, all closed; returns the candidate."""
    org, case = s.org, s.case
    services.stage_record(actor=org, stage=stage(case, "motion"), held_on=today, decided_by="县委书记专题会议",
                          result="按程序启动选拔，采取民主推荐方式产生人选")  # fmt: skip
    services.stage_close(actor=org, stage=stage(case, "motion"))
    cand = services.candidate_add(actor=org, case=case, cadre=s.cadre)
    services.stage_record(actor=org, stage=stage(case, "recommendation"), held_on=today,
                          participants="局领导班子成员及中层干部共40人", decided_by="县委组织部",
                          votes={"voters": 40, "candidates": {str(cand.pk): {"for": 32, "against": 5, "abstain": 3}}})  # fmt: skip
    services.stage_close(actor=org, stage=stage(case, "recommendation"))
    services.stage_record(actor=org, stage=stage(case, "appraisal"), held_on=today, participants="考察组：张某、刘某",
                          decided_by="考察组组长 张某", findings="政治素质好，工作实绩突出；不足：工作方法有时简单")  # fmt: skip
    services.stage_close(actor=org, stage=stage(case, "appraisal"))
    if with_votes:
        services.stage_record(actor=org, stage=stage(case, "decision"), held_on=today, participants="县委常委9人",
                              decided_by="县委常委会", votes={"members_total": 11, "members_present": 9,
                                                              "appointee": cand.pk, "for": 9})  # fmt: skip
    cand.refresh_from_db()
    return cand


def pass_gates(s, cand, today: date):
    services.file_review_record(
        actor=s.org, candidate=cand, reviewer="档案室 孙某", reviewed_on=today, passed=True
    )
    s.spot.set(cand.cadre, "consistent", today)
    services.opinion_request(actor=s.org, case=s.case)
    issue_opinion(s.make_user, s.tree, cand)
