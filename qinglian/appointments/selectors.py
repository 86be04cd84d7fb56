"""Reads shared by the appointment pages, services and the API: scoped lists, the four mandatory
checks of a candidate (凡提四必) and the Art 24 flags.

Other apps are asked through their own selectors: the personal-matters check through
`spotchecks.selectors.check_status` (findings only, never declaration details), the discipline
commission's opinion through the archive's opinion tables, complaints through intake's reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from qinglian.accounts.scopes import scope
from qinglian.appointments.models import (
    AnnualReview,
    AppointmentCase,
    Candidate,
    Complaint,
    Stage,
)
from qinglian.appointments.rules import ART24_RULE, LOW_APPROVAL_RULE
from qinglian.rules.registry import param

# A complaint counts as looked into when intake has finished with it.
DISPOSED_REPORT_STATUSES = ("closed", "forwarded", "repeat")
PENDING_PUBLIC = "有待核实事项"


def _in_scope(viewer, capability: str = "appointments.view", prefix: str = "unit__") -> Q:
    return scope(viewer, capability).units_q(prefix)


def case_list(*, viewer, status: str = "", flagged: bool = False, units_q: Q | None = None) -> QuerySet:
    qs = AppointmentCase.objects.filter(units_q if units_q is not None else _in_scope(viewer))
    if status in AppointmentCase.Status.values:
        qs = qs.filter(status=status)
    if flagged:
        qs = qs.filter(flagged_at__isnull=False)
    return qs.select_related("unit").order_by("-created_at", "-id")


def with_candidate_counts(cases) -> list[AppointmentCase]:
    """Attach `n_candidates` (not withdrawn) to one page of cases, in one query: counting over the
    whole scoped set before paginating would group every case of a province."""
    cases = list(cases)
    counts = dict(
        Candidate.objects.filter(case__in=cases)
        .exclude(status=Candidate.Status.WITHDRAWN)
        .values_list("case_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for c in cases:
        c.n_candidates = counts.get(c.pk, 0)
    return cases


def review_list(*, viewer) -> QuerySet[AnnualReview]:
    return (
        AnnualReview.objects.filter(_in_scope(viewer))
        .select_related("unit")
        .annotate(n_results=Count("results"))
        .order_by("-year", "-id")
    )


def current_stage(stages: list[Stage]) -> Stage | None:
    """The first stage not yet closed (stages in order)."""
    return next((s for s in stages if not s.is_closed), None)


def stage_of(case: AppointmentCase, kind: str) -> Stage:
    return case.stages.get(kind=kind)


# --- Art 24 flags -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    code: str
    text: str
    entry: int | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "text": self.text, "entry": self.entry}


def _citation() -> str:
    from qinglian.rules.registry import spec_for

    return spec_for(ART24_RULE).citation.text


def approval_percent(votes: dict, candidate_id: int) -> Decimal | None:
    """A candidate's share of the recommendation votes (None when not recorded)."""
    row = (votes or {}).get("candidates", {}).get(str(candidate_id))
    voters = (votes or {}).get("voters")
    if not row or not voters:
        return None
    return (Decimal(row.get("for", 0)) * 100 / Decimal(voters)).quantize(Decimal("0.01"))


def art24_flags(cadre, *, as_of: date, known_on: datetime | None = None, candidate: Candidate | None = None,
                recommendation: Stage | None = None) -> list[Flag]:  # fmt: skip
    """Why `cadre` may not be proposed for promotion on `as_of` (Art 24), each with its reason.

    From the archive: every bar in force that restricts promotion (sanctions, 诫勉, organisational
    handling, a 基本称职 or lower appraisal, a concealment finding); pending matters (an open case,
    verification or inquiry) show only as "有待核实事项". From the people registry: a spouse emigrated,
    or no spouse and all children emigrated. From the recommendation: a low share of the votes.
    """
    from qinglian.archive.bars import person_bars
    from qinglian.archive.models import ArchiveEntry
    from qinglian.people.models import Relation, Relative

    basis = _citation()
    out: list[Flag] = []
    for b in person_bars(cadre, as_of=as_of, known_on=known_on):
        if "promotion" not in b.restrictions:
            continue
        hidden = b.effect == "postpone" or b.entry.sensitivity == ArchiveEntry.Sensitivity.SEALED
        text = (
            PENDING_PUBLIC + "（暂缓）" if hidden else f"{b.explanation}；属{basis}规定的不得列为提拔人选情形"
        )
        out.append(Flag("archive." + b.effect, text, b.entry.pk))
    relatives = list(Relative.objects.filter(cadre=cadre, relation__in=[Relation.SPOUSE, Relation.CHILD]))
    spouses = [r for r in relatives if r.relation == Relation.SPOUSE]
    children = [r for r in relatives if r.relation == Relation.CHILD]
    if any(r.emigrated for r in spouses):
        out.append(Flag("emigrated", f"配偶已移居国（境）外（{basis}，另有规定的除外）"))
    elif not spouses and children and all(r.emigrated for r in children):
        out.append(Flag("emigrated", f"没有配偶，子女均已移居国（境）外（{basis}，另有规定的除外）"))
    if candidate is not None and recommendation is not None and recommendation.votes:
        share = approval_percent(recommendation.votes, candidate.pk)
        if share is not None:
            floor = param(LOW_APPROVAL_RULE, "min_percent", as_of=as_of, known_on=known_on)
            if share < Decimal(str(floor.value)):
                note = "（默认值，依据待核实）" if floor.unsettled else ""
                out.append(
                    Flag("low_approval", f"民主推荐得票率{share}%，低于{floor.value}%{note}（{basis}）")
                )
    return out


# --- the four mandatory checks (凡提四必) ----------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    code: str
    label: str
    state: str  # "pass", "block", "hold", "missing"
    detail: str

    @property
    def ok(self) -> bool:
        return self.state == "pass"

    @property
    def badge(self) -> str:
        return {"pass": "text-bg-success", "block": "text-bg-danger", "hold": "text-bg-warning"}.get(
            self.state, "text-bg-secondary"
        )

    @property
    def state_label(self) -> str:
        return {"pass": "已通过", "block": "不通过", "hold": "暂缓", "missing": "未完成"}[self.state]


def _file_gate(c: Candidate) -> Gate:
    label = "干部档案审核（凡提必审）"
    if c.file_review_passed is None:
        return Gate("file", label, "missing", "尚未记录档案审核结果")
    who = f"{c.file_reviewer}（{c.file_reviewed_on:%Y-%m-%d}）"
    if c.file_review_passed:
        return Gate("file", label, "pass", f"审核人{who}：{c.file_review_note or '未发现问题'}")
    return Gate("file", label, "block", f"审核人{who}发现问题：{c.file_review_note}")


def check_status_of(cadre, as_of: date | None = None):
    """The spotchecks contract (`check_status`); None while the spotchecks app does not provide it."""
    try:
        from qinglian.spotchecks.selectors import check_status
    except ImportError:
        return None
    return check_status(cadre, as_of=as_of)


def _personal_gate(c: Candidate, as_of: date | None) -> Gate:
    label = "个人有关事项报告核查（凡提必核）"
    status = check_status_of(c.cadre, as_of)
    if status is None:
        return Gate("personal", label, "missing", "个人有关事项核查结果暂不可用")
    summary = getattr(status, "summary", "") or ""
    decided_on = getattr(status, "decided_on", None)
    state = getattr(status, "state", "none")
    added_on = c.added_at.date() if c.added_at else None
    if state in ("consistent", "omission") and decided_on and added_on and decided_on < added_on:
        return Gate(
            "personal", label, "missing", f"最近一次核查（{decided_on:%Y-%m-%d}）早于列为人选，须重新核查"
        )
    if state == "consistent":
        return Gate("personal", label, "pass", summary or "核查一致")
    if state == "omission":
        return Gate(
            "personal", label, "pass", (summary or "核查发现漏报") + "（漏报，已按规定处理，不影响提拔）"
        )
    if state == "concealment":
        return Gate("personal", label, "block", (summary or "核查认定瞒报") + "：瞒报的不得提拔")
    if state == "open":
        return Gate("personal", label, "missing", summary or "核查进行中")
    return Gate("personal", label, "missing", summary or "尚未核查")


def _opinion_gate(c: Candidate, opinion_rows: dict | None = None) -> Gate:
    from qinglian.archive.models import OpinionCandidate, OpinionRequest
    from qinglian.archive.opinions import public_reasons

    label = "纪检监察机关意见（凡提必听）"
    req = c.opinion_request
    if req is None:
        return Gate("opinion", label, "missing", "尚未征求纪检监察机关意见")
    if req.status != OpinionRequest.Status.ISSUED:
        return Gate("opinion", label, "missing", f"已征求（{req.get_status_display()}），待纪委监委签发")
    if opinion_rows is not None:
        row = opinion_rows.get((req.pk, c.cadre_id))
    else:
        row = OpinionCandidate.objects.filter(request=req, cadre_id=c.cadre_id).first()
    if row is None:
        return Gate("opinion", label, "block", "回复中没有该人选")
    reasons = "；".join(public_reasons(row.reasons))
    V = OpinionCandidate.Verdict
    if row.verdict == V.CLEAR:
        return Gate("opinion", label, "pass", f"无影响（{req.approver_name}签发）")
    if row.verdict == V.POSTPONE:
        return Gate("opinion", label, "hold", f"暂缓：{reasons or PENDING_PUBLIC}")
    if row.verdict == V.OBJECT:
        return Gate("opinion", label, "block", f"有影响（不同意）：{reasons}")
    return Gate("opinion", label, "block", "查无此人或不在范围内")


def _complaints_gate(c: Candidate, complaints: list[Complaint]) -> Gate:
    label = "信访举报核查（凡提必查）"
    mine = [x for x in complaints if x.candidate_id == c.pk]
    open_ = [x for x in mine if x.report.status not in DISPOSED_REPORT_STATUSES]
    if open_:
        numbers = "、".join(x.report.number for x in open_)
        return Gate("complaints", label, "block", f"{len(open_)}件反映问题尚未办结：{numbers}")
    if mine:
        return Gate("complaints", label, "pass", f"{len(mine)}件反映问题均已办结")
    return Gate("complaints", label, "pass", "未收到反映该人选的问题")


def candidate_gates(c: Candidate, *, complaints: list[Complaint] | None = None, as_of: date | None = None,
                    opinion_rows: dict | None = None) -> list[Gate]:  # fmt: skip
    if complaints is None:
        complaints = list(Complaint.objects.filter(candidate=c).select_related("report"))
    return [
        _file_gate(c),
        _personal_gate(c, as_of),
        _opinion_gate(c, opinion_rows),
        _complaints_gate(c, complaints),
    ]


def opinion_rows_for(candidates: list[Candidate]) -> dict:
    """The opinion answers of these candidates, in one query: {(request_id, cadre_id): row}."""
    from qinglian.archive.models import OpinionCandidate

    pairs = {(c.opinion_request_id, c.cadre_id) for c in candidates if c.opinion_request_id}
    if not pairs:
        return {}
    rows = OpinionCandidate.objects.filter(
        request_id__in={p[0] for p in pairs}, cadre_id__in={p[1] for p in pairs}
    )
    return {(r.request_id, r.cadre_id): r for r in rows}
