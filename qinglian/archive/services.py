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
from qinglian.audit.services import audit_record, audit_record_many

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


def _fact_errors(
    k, summary, occurred_on, effective_on, decided_by, decision_document, attachment, today
) -> dict:
    """What is wrong with one fact to be recorded (field → Chinese message); empty when nothing.
    The one place these rules live, for `entry_record` and `entries_record_many` alike."""
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
    return errors


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
    errors = _fact_errors(
        k, summary, occurred_on, effective_on, decided_by, decision_document, attachment, today
    )
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
    if entry.review != ArchiveEntry.Review.PENDING:
        # An entry waiting for review counts nowhere yet (grades, warnings, bars and the reverse
        # check read only reviewed entries): its hooks run when it is reviewed (`entry_review`).
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


# --- many entries at once ------------------------------------------------------------------------

_MANY_FIELDS = frozenset({"kind", "summary", "occurred_on", "person", "unit", "effective_on", "decided_by",
                          "decision_document", "period_months", "period_year", "source_app", "source_type",
                          "source_id", "source_agency", "source_reference"})  # fmt: skip


class EntryRowsInvalid(ValidationError):
    """Raised by `entries_record_many`: every refused row, as (index in `rows`, field, message);
    `field` is "permission" for a row the actor may not record."""

    def __init__(self, rows: list[tuple[int, str, str]]):
        self.rows = rows
        super().__init__([f"第 {i + 1} 条：{message}" for i, _, message in rows])


@transaction.atomic
def entries_record_many(
    *, actor, rows: list[dict], check_permission: bool = True, request=None, batch_size: int = 2000
) -> list[ArchiveEntry]:
    """Record many new facts at once: the entries (in the order of `rows`) that `entry_record`
    called with each dict's keyword arguments in turn would record — same checks, same permission,
    influence, review and sealing, same audit events — with a number of queries that does not grow
    with the rows: the kinds read once, the creator's permission checked once per (kind, unit),
    the influence computed once per (kind, date, period), the entries and their audit events
    bulk-inserted.

    All or nothing: every row is checked first; if any is refused (a row the actor may not record
    included: there it raises PermissionDenied) `EntryRowsInvalid` lists every refused row and
    nothing is written. Only plain new facts: corrections, revocations, closures and attachments go
    through `entry_record`. The after-commit hooks run once per distinct (person, unit) among the
    entries that count at once (the hooks recompute that person's and unit's state, so once is the
    same as once per entry); entries pending review skip them, as in `entry_record`.
    """
    if not rows:
        return []
    for i, row in enumerate(rows):
        unknown = set(row) - _MANY_FIELDS
        if unknown:
            raise TypeError(f"entries_record_many: row {i} has unsupported fields {sorted(unknown)}")
    kinds = {k.code: k for k in EntryKind.objects.filter(code__in={r["kind"] for r in rows})}
    _units_cache([r["person"] for r in rows if r.get("person") is not None and r.get("unit") is None])
    today = timezone.localdate()
    permitted: dict[tuple[int, int], bool | PermissionDenied] = {}
    influences: dict[tuple, object] = {}
    refused: list[tuple[int, str, str]] = []
    prepared = []
    for i, r in enumerate(rows):
        k = kinds.get(r["kind"])
        person = r.get("person")
        if k is None:
            refused.append((i, "kind", f"未知的记录类型“{r['kind']}”"))
            continue
        if k.for_units and person is not None:
            refused.append((i, "kind", f"“{k.name}”是单位记录，不能记在个人名下"))
            continue
        if not k.for_units and person is None:
            refused.append((i, "person", f"“{k.name}”必须指定人员"))
            continue
        unit = r.get("unit") or person.unit
        summary, occurred_on = r.get("summary"), r["occurred_on"]
        effective_on = r.get("effective_on") or occurred_on
        decided_by, decision_document = r.get("decided_by", ""), r.get("decision_document", "")
        errors = _fact_errors(
            k, summary, occurred_on, effective_on, decided_by, decision_document, None, today
        )
        if errors:
            refused.extend((i, f, m) for f, m in errors.items())
            continue
        pending_review = False
        if check_permission and actor is not None:
            key = (k.pk, unit.pk)
            if key not in permitted:
                try:
                    permitted[key] = _check_creator(actor, k, unit)
                except PermissionDenied as exc:
                    permitted[key] = exc
            if isinstance(permitted[key], PermissionDenied):
                refused.append((i, "permission", str(permitted[key])))
                continue
            pending_review = permitted[key]
        if k.needs_review:
            pending_review = True
        pm, py = r.get("period_months"), r.get("period_year")
        key = (k.pk, effective_on, pm, py)
        if key not in influences:
            try:
                influences[key] = compute(k, effective_on=effective_on, period_months=pm, period_year=py)
            except PeriodError as exc:
                influences[key] = exc
        influence = influences[key]
        if isinstance(influence, PeriodError):
            refused.append((i, "period_months", str(influence)))
            continue
        prepared.append((r, k, person, unit, effective_on, influence, pending_review))
    if refused:
        raise EntryRowsInvalid(refused)
    now = timezone.now()
    entries = [
        ArchiveEntry(
            person=person, unit=unit, kind=k, colour=k.colour,
            occurred_on=r["occurred_on"], effective_on=effective_on, influence_end=influence.end,
            permanent=influence.permanent, period_months=r.get("period_months"), period_year=r.get("period_year"),
            summary=r["summary"].strip(), source_app=r.get("source_app", ""), source_type=r.get("source_type", ""),
            source_id=str(r.get("source_id", "")), source_agency=r.get("source_agency"),
            source_reference=r.get("source_reference", ""), decided_by=r.get("decided_by", "").strip(),
            decision_document=r.get("decision_document", "").strip(),
            sensitivity=ArchiveEntry.Sensitivity.SEALED if k.sealed else ArchiveEntry.Sensitivity.NORMAL,
            review=ArchiveEntry.Review.PENDING if pending_review else ArchiveEntry.Review.NOT_NEEDED,
            recorded_by=actor, recorded_at=now,
        )
        for r, k, person, unit, effective_on, influence, pending_review in prepared
    ]  # fmt: skip
    _insert_entries(entries)
    extras: dict[int, dict] = {}  # one influence → one dict, shared by its events (read-only)
    events = []
    for entry, (_, k, person, unit, _, influence, _) in zip(entries, prepared, strict=True):
        extra = extras.get(id(influence))
        if extra is None:
            extra = extras[id(influence)] = asdict(influence) | {
                "end": influence.end.isoformat() if influence.end else None
            }
        events.append({"actor": actor, "action": "archive.record", "obj": entry,
                       "person_id": person.pk if person else None, "unit_id": unit.pk, "request": request,
                       "extra": {"kind": k.code, "colour": entry.colour, "influence": extra}})  # fmt: skip
    audit_record_many(events, batch_size=batch_size)
    hooks = dict.fromkeys(
        (e.person_id, e.unit_id) for e in entries if e.review != ArchiveEntry.Review.PENDING
    )
    for person_id, unit_id in hooks:
        transaction.on_commit(
            lambda p=person_id, u=unit_id: entry_recorded.send(sender=ArchiveEntry, person_id=p, unit_id=u)
        )
    return entries


def _insert_entries(entries: list[ArchiveEntry]) -> None:
    """Write new entries as `bulk_create` would, faster: keys from the sequence, rows by COPY on
    PostgreSQL (multi-row INSERTs on SQLite) — `people.bulk`, as the registry imports do. Every
    column is written; an entry recorded here never has an attachment."""
    from django.db import connection

    from qinglian.people.bulk import insert_rows, reserve_ids

    fields = ArchiveEntry._meta.concrete_fields
    for entry, pk in zip(entries, reserve_ids(ArchiveEntry, len(entries)), strict=True):
        entry.pk = pk
    rows = [tuple("" if f.name == "attachment" else getattr(e, f.attname) for f in fields) for e in entries]
    insert_rows(ArchiveEntry, [f.name for f in fields], rows)
    for entry in entries:
        entry._state.adding, entry._state.db = False, connection.alias


def _units_cache(people) -> None:
    """Load the unit of every person whose unit is not loaded yet, in one query (as `person.unit`
    would one by one)."""
    from qinglian.people.models import Unit

    if not people:
        return
    field = type(people[0])._meta.get_field("unit")
    missing = [p for p in people if not field.is_cached(p)]
    if not missing:
        return
    units = Unit.objects.in_bulk({p.unit_id for p in missing})
    for p in missing:
        field.set_cached_value(p, units[p.unit_id])
