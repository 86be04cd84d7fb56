"""Every write to the archive. Other modules call `entry_record` (never the model)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from qinglian.accounts.scopes import capabilities, has_capability, scope
from qinglian.archive.kinds import BUILTIN
from qinglian.archive.models import ArchiveEntry, EntryKind, EntryVoid
from qinglian.archive.periods import PeriodError, compute
from qinglian.audit.services import audit_record

# Sent after commit with `person_id` / `unit_id`: grades and warnings follow (archive.warnings).
entry_recorded = Signal()

_KIND_FIELDS = ("name", "colour", "graded", "effect", "restrictions", "period", "rule", "sealed", "needs_decision",
                "needs_document", "needs_review", "creators", "closes", "for_units")  # fmt: skip


def kinds_sync() -> int:
    """Create or refresh the built-in kinds from code (their meaning is code, not data)."""
    existing = {k.code: k for k in EntryKind.objects.all()}
    changed = 0
    for spec in BUILTIN:
        values = {f: getattr(spec, f) for f in _KIND_FIELDS}
        values["colour"] = str(spec.colour)
        values["effect"] = str(spec.effect)
        values["period"] = str(spec.period)
        values["restrictions"] = sorted(str(r) for r in spec.restrictions)
        values["creators"] = sorted(spec.creators)
        values["closes"] = list(spec.closes)
        kind = existing.get(spec.code)
        if kind is None:
            EntryKind.objects.create(code=spec.code, builtin=True, **values)
            changed += 1
        elif any(getattr(kind, f) != v for f, v in values.items()) or not kind.builtin:
            EntryKind.objects.filter(pk=kind.pk).update(builtin=True, **values)
            changed += 1
    return changed


def _kind(code: str) -> EntryKind:
    try:
        return EntryKind.objects.get(code=code)
    except EntryKind.DoesNotExist:
        raise ValidationError({"kind": f"未知的记录类型“{code}”"}) from None


def _check_creator(actor, kind: EntryKind, unit) -> bool:
    """Returns whether the entry must wait for review (submitted by a partner agency)."""
    caps = capabilities(actor)
    allowed = [c for c in kind.creators if c in caps]
    if not allowed:
        raise PermissionDenied(f"您的角色不能录入“{kind.name}”")
    if not any(scope(actor, c).contains(unit) for c in allowed) and "archive.submit_external" not in allowed:
        raise PermissionDenied("该人员或单位不在您的管理范围内")
    return allowed == ["archive.submit_external"]


@transaction.atomic
def entry_record(
    *,
    actor,
    kind: str,
    summary: str,
    occurred_on: date,
    person=None,
    unit=None,
    effective_on: date | None = None,
    decided_by: str = "",
    decision_document: str = "",
    attachment=None,
    period_months: int | None = None,
    period_year: int | None = None,
    source_app: str = "",
    source_type: str = "",
    source_id: str = "",
    source_agency=None,
    source_reference: str = "",
    supersedes: ArchiveEntry | None = None,
    revokes: bool = False,
    closes: ArchiveEntry | None = None,
    check_permission: bool = True,
    request=None,
) -> ArchiveEntry:
    """Record one fact on a person's (or a unit's) file.

    `check_permission=False` is for modules that have checked their own, more specific permission
    (e.g. intake registering a clue); the entry still records who did it.
    """
    k = _kind(kind)
    if k.for_units and person is not None:
        raise ValidationError({"kind": f"“{k.name}”是单位记录，不能记在个人名下"})
    if not k.for_units and person is None:
        raise ValidationError({"person": f"“{k.name}”必须指定人员"})
    unit = unit or person.unit
    today = timezone.localdate()
    effective_on = effective_on or occurred_on
    errors = {}
    if not summary or not summary.strip():
        errors["summary"] = "请填写事实摘要"
    if occurred_on > today:
        errors["occurred_on"] = "发生日期不能晚于今天"
    if effective_on < occurred_on:
        errors["effective_on"] = "决定（生效）日期不能早于发生日期"
    if effective_on > today:
        errors["effective_on"] = "决定（生效）日期不能晚于今天"
    if k.needs_decision and not decided_by.strip():
        errors["decided_by"] = f"“{k.name}”须写明作出决定的人或机关"
    if k.needs_document and not (decision_document.strip() or attachment):
        errors["decision_document"] = f"“{k.name}”须有决定文书（填写文号或上传文书）"
    if errors:
        raise ValidationError(errors)
    pending_review = False
    if check_permission and actor is not None:
        pending_review = _check_creator(actor, k, unit)
    if k.needs_review:
        pending_review = True
    if closes is not None:
        if closes.kind.code not in k.closes:
            raise ValidationError({"closes": f"“{k.name}”不能结束“{closes.kind.name}”"})
        if closes.person_id != (person.pk if person else None) or closes.ended_at or closes.voided_at:
            raise ValidationError({"closes": "所指的待定记录不属于该人员或已结束"})
    if revokes and (supersedes is None or k.code != "correction"):
        raise ValidationError({"supersedes": "撤销须以“撤销/更正记录”指明被撤销的记录"})
    if supersedes is not None and (
        supersedes.person_id != (person.pk if person else None) or supersedes.ended_at or supersedes.voided_at
    ):
        raise ValidationError({"supersedes": "所更正或撤销的记录不属于该人员，或已被更正、撤销"})
    try:
        influence = compute(
            k, effective_on=effective_on, period_months=period_months, period_year=period_year
        )
    except PeriodError as exc:
        raise ValidationError({"period_months": str(exc)}) from None
    now = timezone.now()
    entry = ArchiveEntry(
        person=person, unit=unit, kind=k, colour=k.colour,
        occurred_on=occurred_on, effective_on=effective_on, influence_end=influence.end, permanent=influence.permanent,
        period_months=period_months, period_year=period_year, summary=summary.strip(), source_app=source_app,
        source_type=source_type, source_id=str(source_id), source_agency=source_agency,
        source_reference=source_reference, decided_by=decided_by.strip(), decision_document=decision_document.strip(),
        sensitivity=ArchiveEntry.Sensitivity.SEALED if k.sealed else ArchiveEntry.Sensitivity.NORMAL,
        review=ArchiveEntry.Review.PENDING if pending_review else ArchiveEntry.Review.NOT_NEEDED,
        supersedes=supersedes, revokes=revokes, closes=closes, recorded_by=actor, recorded_at=now,
    )  # fmt: skip
    if attachment:
        entry.attachment = attachment
    entry.save()
    for previous in (supersedes, closes):
        if previous is not None:
            ArchiveEntry.objects.filter(pk=previous.pk).update(ended_at=now, ended_on=effective_on)
    audit_record(
        actor=actor, action="archive.record", obj=entry, person_id=person.pk if person else None, unit_id=unit.pk,
        request=request, extra={"kind": k.code, "colour": entry.colour, "influence": asdict(influence) | {
            "end": influence.end.isoformat() if influence.end else None}},
    )  # fmt: skip
    _after_commit(entry)
    return entry


def _after_commit(entry: ArchiveEntry) -> None:
    person_id, unit_id = entry.person_id, entry.unit_id
    transaction.on_commit(
        lambda: entry_recorded.send(sender=ArchiveEntry, person_id=person_id, unit_id=unit_id)
    )


@transaction.atomic
def entry_review(*, actor, entry: ArchiveEntry, accept: bool, note: str = "", request=None) -> ArchiveEntry:
    """A discipline or organisation reviewer confirms or returns an outside fact."""
    entry = ArchiveEntry.objects.select_for_update().select_related("kind", "unit").get(pk=entry.pk)
    if not has_capability(actor, "archive.review") or not scope(actor, "archive.review").contains(entry.unit):
        raise PermissionDenied("您无权审核该记录")
    if entry.review != ArchiveEntry.Review.PENDING:
        raise ValidationError({"review": "该记录不在待审核状态"})
    if not accept and not note.strip():
        raise ValidationError({"note": "退回时请写明理由"})
    entry.review = ArchiveEntry.Review.ACCEPTED if accept else ArchiveEntry.Review.REJECTED
    entry.reviewed_by, entry.reviewed_at, entry.review_note = actor, timezone.now(), note.strip()
    entry.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
    audit_record(
        actor=actor,
        action="archive.review_accept" if accept else "archive.review_reject",
        obj=entry,
        person_id=entry.person_id,
        unit_id=entry.unit_id,
        reason=note,
        request=request,
    )
    _after_commit(entry)
    return entry


@transaction.atomic
def entry_void_request(*, actor, entry: ArchiveEntry, reason: str, request=None) -> EntryVoid:
    if entry.voided_at or hasattr(entry, "void_request"):
        raise ValidationError({"entry": "该记录已作废或已有作废申请"})
    if not reason.strip():
        raise ValidationError({"reason": "请写明作废理由（如：录错人员）"})
    if actor.pk != entry.recorded_by_id and not has_capability(actor, "archive.approve"):
        raise PermissionDenied("只有录入人或审批人可以申请作废")
    void = EntryVoid.objects.create(entry=entry, reason=reason.strip(), requested_by=actor)
    audit_record(
        actor=actor,
        action="archive.void_request",
        obj=entry,
        person_id=entry.person_id,
        unit_id=entry.unit_id,
        reason=reason,
        request=request,
    )
    return void


@transaction.atomic
def entry_void_decide(*, actor, void: EntryVoid, approve: bool, request=None) -> EntryVoid:
    """A second person approves: the entry leaves the file (it stays in the audit trail)."""
    void = EntryVoid.objects.select_for_update().select_related("entry").get(pk=void.pk)
    if not has_capability(actor, "archive.approve") or not scope(actor, "archive.approve").contains(
        void.entry.unit
    ):
        raise PermissionDenied("您无权审批作废申请")
    if actor.pk in (void.requested_by_id, void.entry.recorded_by_id):
        raise PermissionDenied("申请人或录入人不能审批本条作废申请")
    if void.approved_at or void.rejected:
        raise ValidationError({"void": "该申请已处理"})
    now = timezone.now()
    if approve:
        void.approved_by, void.approved_at = actor, now
        ArchiveEntry.objects.filter(pk=void.entry_id).update(voided_at=now)
    else:
        void.rejected = True
        void.approved_by = actor
    void.save()
    entry = void.entry
    audit_record(
        actor=actor,
        action="archive.void" if approve else "archive.void_reject",
        obj=entry,
        person_id=entry.person_id,
        unit_id=entry.unit_id,
        reason=void.reason,
        request=request,
        extra={
            "kind": entry.kind_id,
            "summary": entry.summary[:200],
            "effective_on": str(entry.effective_on),
        },
    )
    _after_commit(entry)
    return void
