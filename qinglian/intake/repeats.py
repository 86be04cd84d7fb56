"""Possible repeats of a report (重复件): proposed by the system, decided by a member of staff.

Candidates are found without decrypting anything: earlier reports about the same person (keyed hash
of the normalised name, or the same registry person matched by staff) and reports sharing an LSH
band of the MinHash signature (similarity.py). The estimated Jaccard similarity of the signatures
ranks them. Staff decide: a repeat (logged for reference and linked to the earlier report, status
`repeat`) or new facts (handled as a report of its own). Either way a real-name reporter is still
told of acceptance: the acknowledgement to-do stays open (routing.acknowledgement_open).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.intake import similarity
from qinglian.intake.models import RepeatDecision, Report, ReportSubject, SimilarityBand
from qinglian.intake.services import _check_receiver, _clean_text
from qinglian.intake.states import RS, report_move

MAX_CANDIDATES = 200  # rows fetched for scoring; the LSH bands keep this small in practice
SHOWN = 10
MAX_IDS = 2_000  # per index looked up (the newest): a pathological band cannot flood the fetch
MIN_SIMILARITY = 0.3


@dataclass(frozen=True)
class Candidate:
    report: Report
    similarity: float
    same_subject: bool  # same reported name (hash) or the same registry person

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def repeat_candidates(report: Report, *, viewer=None, limit: int = SHOWN) -> list[Candidate]:
    """Earlier reports that may be the same matter, best first. With `viewer`, only reports the
    viewer may see (scope of intake.view; restricted ones only for the intake role)."""
    if report.is_destroyed:
        return []
    # Candidate ids through each index on its own, then one fetch by id: an OR of the three
    # conditions in one WHERE made PostgreSQL scan every report (67 ms at 40,000 reports).
    ids: set[int] = set()
    band_values = similarity.bands(similarity.from_bytes(report.similarity_signature))
    if band_values:
        ids.update(SimilarityBand.objects.filter(value__in=band_values).order_by("-report_id")
                   .values_list("report_id", flat=True)[:MAX_IDS])  # fmt: skip
    if report.subject_name_hash:
        ids.update(Report.objects.filter(subject_name_hash=report.subject_name_hash).order_by("-id")
                   .values_list("id", flat=True)[:MAX_IDS])  # fmt: skip
    cadre_ids = [c for c in ReportSubject.objects.filter(report=report, cadre__isnull=False).values_list(
        "cadre_id", flat=True)]  # fmt: skip
    if cadre_ids:
        ids.update(ReportSubject.objects.filter(cadre_id__in=cadre_ids).order_by("-report_id")
                   .values_list("report_id", flat=True)[:MAX_IDS])  # fmt: skip
    ids.discard(report.pk)
    if not ids:
        return []
    rows = Report.objects.filter(pk__in=sorted(ids), destroyed_at__isnull=True)
    rows = rows.filter(received_at__lte=report.received_at)
    if viewer is not None:
        rows = rows.filter(scope(viewer, "intake.view").units_q("receiving_unit__"))
        if not has_capability(viewer, "sealed.reporter_identity"):
            rows = rows.filter(restricted=False)
    rows = list(
        rows.only("id", "number", "channel", "received_at", "status", "subject_name_hash", "similarity_signature",
                  "receiving_unit_id", "problem_type", "restricted", "destroyed_at")
        .order_by("-received_at", "-id")[:MAX_CANDIDATES]
    )  # fmt: skip
    matched = set()
    if cadre_ids and rows:
        matched = set(
            ReportSubject.objects.filter(cadre_id__in=cadre_ids, report_id__in=[r.pk for r in rows]).values_list(
                "report_id", flat=True)
        )  # fmt: skip
    mine = (
        np.frombuffer(bytes(report.similarity_signature), dtype="<u8")
        if report.similarity_signature
        else None
    )
    out = []
    for r in rows:
        same = (
            bool(report.subject_name_hash and r.subject_name_hash == report.subject_name_hash)
            or r.pk in matched
        )
        score = _jaccard(mine, r.similarity_signature)
        if same or score >= MIN_SIMILARITY:
            out.append(Candidate(r, score, same))
    out.sort(
        key=lambda c: (c.similarity + (0.5 if c.same_subject else 0), c.report.received_at), reverse=True
    )
    return out[:limit]


def _jaccard(mine, stored) -> float:
    """The MinHash estimate (share of equal slots), straight from the stored bytes: building a
    MinHash object per candidate costs more than the whole query."""
    if mine is None or not stored:
        return 0.0
    other = np.frombuffer(bytes(stored), dtype="<u8")
    return float(np.count_nonzero(mine == other)) / len(mine) if len(other) == len(mine) else 0.0


@transaction.atomic
def repeat_decide(
    *, actor, report: Report, earlier: Report, is_repeat: bool, note: str = "", request=None
) -> RepeatDecision:
    """Staff decide on a proposed repeat. A repeat is linked to the earlier report and kept for
    reference (status `repeat`); new facts leave the report to be handled on its own."""
    _check_receiver(actor, report.receiving_unit)
    report = Report.objects.select_for_update().select_related("receiving_unit").get(pk=report.pk)
    note = _clean_text(note, "note", "说明", max_len=255)
    if earlier.pk == report.pk:
        raise ValidationError({"earlier": "不能与本件自身比对"})
    if report.is_destroyed or earlier.is_destroyed:
        raise ValidationError({"earlier": "本件或所比对的件内容已销毁"})
    if RepeatDecision.objects.filter(report=report).exists():
        raise ValidationError({"earlier": "本件已作出重复件认定"})
    if report.status != RS.REGISTERED:
        raise ValidationError({"earlier": f"本件状态为“{report.get_status_display()}”，不能认定重复件"})
    if is_repeat and earlier.duplicate_of_id == report.pk:
        raise ValidationError({"earlier": "所比对的件已认定为本件的重复件"})
    decision = RepeatDecision.objects.create(
        report=report, earlier=earlier, is_repeat=is_repeat, note=note, decided_by=actor,
        decided_at=timezone.now(),
    )  # fmt: skip
    if is_repeat:
        target = earlier.duplicate_of_id or earlier.pk  # link to the first of the chain
        Report.objects.filter(pk=report.pk).update(duplicate_of_id=target)
        report.duplicate_of_id = target
        report_move(report, RS.REPEAT, actor=actor, action="repeat", request=request,
                    extra={"earlier": earlier.number})  # fmt: skip
    else:
        audit_record(actor=actor, action="intake.report.new_facts", obj=report, unit_id=report.receiving_unit_id,
                     request=request, extra={"earlier": earlier.number})  # fmt: skip
    return decision
