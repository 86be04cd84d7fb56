"""The checked fetches of the archive: role and scope, or 404.

Sealed entries (clues, pending verifications and cases, outside facts) exist only for users who
read clue content in the entry's unit; for everyone else they are 404, like an entry that does not
exist. Opening a person's file is a sensitive read and is audited here, not in the view.
"""

from __future__ import annotations

from django.http import Http404

from qinglian.accounts.scopes import scope
from qinglian.archive.models import ArchiveEntry, EntryVoid, Warning
from qinglian.audit.services import audit_record
from qinglian.people.models import Cadre, Unit


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("对象不存在") from None


def reads_sealed(user, unit) -> bool:
    """Whether `user` may see sealed entries of `unit` (clue content in scope)."""
    return scope(user, "sealed.clue_content").contains(unit)


def access_archive_person(user, cadre_id, request=None, *, capability: str = "archive.view",
                          audit: bool = True) -> Cadre:  # fmt: skip
    """The cadre whose file `user` may open, or 404. Audited as `archive.view_person`."""
    cadre = Cadre.objects.select_related("unit").filter(pk=_pk(cadre_id)).first()
    if cadre is None or not scope(user, capability).contains(cadre.unit):
        raise Http404("人员不存在")
    if audit:
        audit_record(
            actor=user,
            action="archive.view_person",
            obj=cadre,
            person_id=cadre.pk,
            unit_id=cadre.unit_id,
            request=request,
        )
    return cadre


def access_archive_unit(user, unit_id, *, capability: str = "archive.view") -> Unit:
    unit = Unit.objects.select_related("parent").filter(pk=_pk(unit_id)).first()
    if unit is None or not scope(user, capability).contains(unit):
        raise Http404("单位不存在")
    return unit


def access_entry(user, entry_id, *, capability: str = "archive.view") -> ArchiveEntry:
    """A visible entry (not voided; sealed only for sealed readers) in the user's scope, or 404."""
    entry = (
        ArchiveEntry.objects.select_related("kind", "unit", "person", "recorded_by")
        .filter(pk=_pk(entry_id), voided_at__isnull=True)
        .first()
    )
    if entry is None or not scope(user, capability).contains(entry.unit):
        raise Http404("记录不存在")
    if entry.sensitivity == ArchiveEntry.Sensitivity.SEALED and not reads_sealed(user, entry.unit):
        raise Http404("记录不存在")
    return entry


def access_warning(user, warning_id, *, capability: str = "archive.view") -> Warning:
    warning = Warning.objects.select_related("unit", "person").filter(pk=_pk(warning_id)).first()
    if warning is None or not scope(user, capability).contains(warning.unit):
        raise Http404("预警不存在")
    if not reads_sealed(user, warning.unit) and warning.entries.filter(sensitivity="sealed").exists():
        raise Http404("预警不存在")
    return warning


def access_void(user, void_id) -> EntryVoid:
    void = (
        EntryVoid.objects.select_related("entry", "entry__unit", "entry__kind")
        .filter(pk=_pk(void_id))
        .first()
    )
    if void is None or not scope(user, "archive.approve").contains(void.entry.unit):
        raise Http404("作废申请不存在")
    if void.entry.sensitivity == ArchiveEntry.Sensitivity.SEALED and not reads_sealed(user, void.entry.unit):
        raise Http404("作废申请不存在")
    return void
