"""倒查 (reverse accountability for 带病提拔).

When a black entry (a party or government sanction) is recorded for conduct dated before a
cadre's promotion, the appointment case is flagged and every decision of the case is listed with
the people who took it and what the system held about the candidate at that moment ("as known
on" the time the stage was closed): entries recorded later are not held against anyone. The
entry's own recording time is compared with each decision, so the page says plainly whether the
decision-takers could have known.

Runs on the archive's `entry_recorded` signal (after commit) and in a daily scan that repairs
anything a failed signal missed.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from qinglian.appointments.models import AppointmentCase, Candidate, ReverseCheck, Stage, StageKind
from qinglian.audit.services import audit_record

log = logging.getLogger("qinglian.appointments")
PENDING_PUBLIC = "有待核实事项"


def _held_then(cadre_id: int, entries, *, as_of, known_on) -> list[str]:
    """What the file held about the candidate as known on `known_on`: adverse entries and pending
    matters in force on `as_of` (sealed ones only as "有待核实事项")."""
    from qinglian.archive.bars import bars, counting_entries
    from qinglian.archive.models import ArchiveEntry

    out: list[str] = []
    counted = counting_entries(entries, as_of=as_of, known_on=known_on)
    for e in counted:
        if e.sensitivity == ArchiveEntry.Sensitivity.SEALED:
            continue
        if e.colour in ("yellow", "black"):
            out.append(f"{e.kind.name}（{e.effective_on:%Y-%m-%d}）：{e.summary[:80]}")
    if any(b.effect == "postpone" for b in bars(entries, as_of=as_of, known_on=known_on)):
        out.append(PENDING_PUBLIC)
    return out


def _decisions(case: AppointmentCase, candidate: Candidate, entry, entries) -> list[dict]:
    from qinglian.appointments.selectors import check_status_of

    out = []
    for stage in (
        Stage.objects.filter(case=case, status=Stage.Status.CLOSED)
        .select_related("closed_by")
        .order_by("position")
    ):
        known_on = stage.closed_at
        as_of = stage.held_on or timezone.localdate(known_on)
        could_know = entry.recorded_at <= known_on
        try:
            status = check_status_of(candidate.cadre, as_of)
        except Exception:  # the spotchecks contract is theirs; a failure must not stop the flag
            log.exception("check_status failed for cadre %s", candidate.cadre_id)
            status = None
        out.append({
            "stage": stage.kind,
            "label": stage.get_kind_display(),
            "held_on": stage.held_on.isoformat() if stage.held_on else "",
            "closed_at": timezone.localtime(known_on).strftime("%Y-%m-%d %H:%M"),
            "decided_by": stage.decided_by,
            "participants": stage.participants[:500],
            "closed_by": str(stage.closed_by) if stage.closed_by_id else "",
            "held": _held_then(candidate.cadre_id, entries, as_of=as_of, known_on=known_on),
            "personal_matters": getattr(status, "summary", "") or getattr(status, "state", "") if status else "",
            "could_know": could_know,
            "verdict": (
                "决定时系统中已有该处分记录" if could_know
                else f"决定时系统中尚无该处分记录（{timezone.localtime(entry.recorded_at):%Y-%m-%d}才录入），不应据此追究"
            ),
        })  # fmt: skip
    opinion = _opinion_decision(candidate, entry, entries)
    if opinion is not None:
        out.append(opinion)
    # In time order; the opinion, a precondition of the decision, before it when the times tie.
    rank = {"motion": 1, "recommendation": 2, "appraisal": 3, "opinion": 3.5, "decision": 4}
    return sorted(out, key=lambda d: (d["held_on"] or "9999", d["closed_at"], rank.get(d["stage"], 9)))


def _opinion_decision(candidate: Candidate, entry, entries) -> dict | None:
    """The discipline commission's opinion on the candidate is a decision too: who approved it, and
    what the file held when it was drafted (the opinion is computed as known on its draft time)."""
    from qinglian.archive.models import OpinionCandidate, OpinionRequest

    req = candidate.opinion_request
    if req is None or req.status != OpinionRequest.Status.ISSUED:
        return None
    row = OpinionCandidate.objects.filter(request=req, cadre_id=candidate.cadre_id).first()
    known_on = req.drafted_at
    could_know = entry.recorded_at <= known_on
    return {
        "stage": "opinion",
        "label": "纪检监察机关廉洁意见",
        "held_on": timezone.localdate(req.issued_at).isoformat(),
        "closed_at": timezone.localtime(req.issued_at).strftime("%Y-%m-%d %H:%M"),
        "decided_by": f"{req.approver_name}（签发）",
        "participants": f"审核：{req.reviewed_by}" if req.reviewed_by_id else "",
        "closed_by": str(req.approved_by) if req.approved_by_id else "",
        "held": _held_then(candidate.cadre_id, entries, as_of=req.as_of, known_on=known_on)
        + ([f"意见：{row.get_verdict_display()}"] if row else []),
        "personal_matters": "",
        "could_know": could_know,
        "verdict": (
            "征求意见时系统中已有该处分记录" if could_know
            else f"征求意见时系统中尚无该处分记录（{timezone.localtime(entry.recorded_at):%Y-%m-%d}才录入），不应据此追究"
        ),
    }  # fmt: skip


def reverse_check_person(person_id: int) -> list[ReverseCheck]:
    """Flag every appointment of this person decided after conduct that a black entry now records."""
    from qinglian.archive.models import ArchiveEntry

    appointed = list(
        Candidate.objects.filter(cadre_id=person_id, status=Candidate.Status.APPOINTED).select_related(
            "case", "case__unit", "case__created_by", "cadre", "opinion_request"
        )
    )
    if not appointed:
        return []
    entries = list(
        ArchiveEntry.objects.filter(person_id=person_id).select_related("kind").order_by("effective_on", "id")
    )
    black = [e for e in entries if e.colour == "black" and e.counts]
    if not black:
        return []
    created = []
    decisions = {
        s.case_id: s
        for s in Stage.objects.filter(
            case__in=[c.case for c in appointed], kind=StageKind.DECISION, status=Stage.Status.CLOSED
        )  # fmt: skip
    }
    done = set(ReverseCheck.objects.filter(candidate__in=appointed).values_list("candidate_id", "entry_id"))
    for candidate in appointed:
        decision = decisions.get(candidate.case_id)
        if decision is None or decision.held_on is None:
            continue
        for e in black:
            if e.occurred_on >= decision.held_on or (candidate.pk, e.pk) in done:
                continue
            now = timezone.now()
            try:
                with transaction.atomic():
                    check = ReverseCheck.objects.create(
                        case=candidate.case, candidate=candidate, entry=e, promoted_on=decision.held_on,
                        decisions=_decisions(candidate.case, candidate, e, entries), flagged_at=now,
                    )  # fmt: skip
                    AppointmentCase.objects.filter(pk=candidate.case_id, flagged_at__isnull=True).update(
                        flagged_at=now
                    )
                    audit_record(actor=None, action="appointments.reverse_flag", obj=candidate.case,
                                 person_id=person_id, unit_id=candidate.case.unit_id,
                                 extra={"entry": e.pk, "kind": e.kind.code, "promoted_on": decision.held_on.isoformat()})  # fmt: skip
            except IntegrityError:
                continue  # flagged meanwhile by a concurrent run
            _follow_up(check)
            created.append(check)
    return created


def _follow_up(check: ReverseCheck) -> None:
    """A to-do for the organisation department that opened the case: look into the decisions."""
    from qinglian.workitems.services import workitem_create

    case = check.case
    try:
        workitem_create(actor=None, subject=check, kind="appointments.reverse_check",
                        title=f"倒查：{check.candidate.cadre.name}任前问题受处分（{case.unit.name}{case.post_title}）",
                        assignee_user=case.created_by, due_working_days=20)  # fmt: skip
    except Exception:  # the flag stands without its reminder; the page shows it
        log.exception("reverse accountability to-do failed (check %s)", check.pk)


def on_entry_recorded(sender, person_id=None, unit_id=None, **kwargs) -> None:
    """After an archive entry is committed. A failure must not fail the write already committed: it
    is logged, and the daily scan (`reverse_scan`) repairs it."""
    if person_id is None:
        return
    try:
        reverse_check_person(person_id)
    except Exception:
        log.exception("reverse accountability check failed (person %s)", person_id)


def reverse_scan() -> int:
    """Every appointed candidate with a black entry: the checks the signal may have missed."""
    from qinglian.archive.models import ArchiveEntry

    black = ArchiveEntry.objects.filter(colour="black", voided_at__isnull=True).values("person_id")
    people = (
        Candidate.objects.filter(status=Candidate.Status.APPOINTED, cadre_id__in=black)
        .values_list("cadre_id", flat=True)
        .distinct()
    )
    return sum(len(reverse_check_person(p)) for p in sorted(people))
