"""Talks (提醒谈话、诫勉谈话、廉政谈话、任前廉政谈话、集体廉政谈话), the 十必谈 triggers that make a talk
mandatory, and warning-education events (警示教育) with attendance.

A trigger raises a to-do for the body that supervises the person's (or unit's) unit; a talk record
answers it. 提醒谈话 and 诫勉 are handling measures: their record names who decided, and each
participant who attended gets the yellow archive entry, with the talk as its source. Other talks are
neutral information and leave no colour on anyone's file.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qinglian.accounts.scopes import scope
from qinglian.archive.models import ArchiveEntry
from qinglian.archive.services import entry_record
from qinglian.audit.services import audit_record
from qinglian.cards.defaults import DEFAULT_TALK_TRIGGERS
from qinglian.cards.models import (
    TALK_ENTRY_KINDS,
    EducationAttendance,
    EducationEvent,
    Talk,
    TalkDue,
    TalkParticipant,
    TalkTrigger,
)
from qinglian.people.models import Cadre, Unit
from qinglian.people.selectors import supervising_body
from qinglian.workitems.services import workitem_complete, workitem_create

SCAN_DAYS = 30


def triggers_sync_defaults() -> int:
    made = 0
    for order, (code, name, kind, kinds) in enumerate(DEFAULT_TALK_TRIGGERS, 1):
        _, created = TalkTrigger.objects.get_or_create(
            code=code, defaults={"name": name, "talk_kind": kind, "entry_kinds": kinds, "order": order}
        )
        made += created
    return made


def trigger_fire(*, trigger: TalkTrigger, unit: Unit, cadre: Cadre | None, source: str, reason: str,
                 today: date | None = None) -> TalkDue | None:  # fmt: skip
    """Make a talk due (once per trigger and source) with a to-do for the supervising body."""
    if not trigger.active or TalkDue.objects.filter(trigger=trigger, source=source).exists():
        return None
    today = today or timezone.localdate()
    open_sibling = TalkDue.objects.filter(trigger=trigger, unit=unit, cadre=cadre, talk__isnull=True,
                                          workitem__status="open").first()  # fmt: skip
    if open_sibling is not None:
        # Already due for the same person and reason: one talk answers both, under the same to-do.
        return TalkDue.objects.create(trigger=trigger, cadre=cadre, unit=unit, source=source, reason=reason[:255],
                                      workitem=open_sibling.workitem, created_at=timezone.now())  # fmt: skip
    due = TalkDue.objects.create(trigger=trigger, cadre=cadre, unit=unit, source=source, reason=reason[:255],
                                 created_at=timezone.now())  # fmt: skip
    who = cadre.name if cadre else f"{unit.name}主要负责人"
    item = workitem_create(
        actor=None, subject=due, kind="cards.talk_due", assignee_unit=supervising_body(unit) or unit, start=today,
        due_date=today + timedelta(days=trigger.due_days),
        title=f"十必谈：与{who}开展{trigger.get_talk_kind_display()}（{trigger.name}）",
    )  # fmt: skip
    TalkDue.objects.filter(pk=due.pk).update(workitem=item)
    return due


def triggers_scan(*, today: date | None = None) -> int:
    """Daily: archive entries of the last days whose kind a trigger names, and no talk due yet.
    Neutral wording only: a to-do never repeats a clue's content."""
    today = today or timezone.localdate()
    since = timezone.now() - timedelta(days=SCAN_DAYS)
    raised = 0
    for trigger in TalkTrigger.objects.filter(active=True).exclude(entry_kinds=[]):
        entries = (
            ArchiveEntry.objects.filter(kind__code__in=trigger.entry_kinds, recorded_at__gte=since, voided_at__isnull=True)
            .select_related("kind", "unit", "person", "unit__supervisor")
            .order_by("id")
        )  # fmt: skip
        done = set(
            TalkDue.objects.filter(trigger=trigger, source__startswith="archive:").values_list(
                "source", flat=True
            )
        )
        for e in entries:
            source = f"archive:{e.pk}"
            if source in done:
                continue
            with transaction.atomic():
                if trigger_fire(trigger=trigger, unit=e.unit, cadre=e.person, source=source,
                                reason=f"{e.kind.name}（{e.effective_on:%Y-%m-%d}）", today=today):  # fmt: skip
                    raised += 1
    return raised


@transaction.atomic
def talk_record(
    *, actor, kind: str, held_on: date, talker: str, summary: str, unit: Unit, participants: list[Cadre],
    absent: set[int] = frozenset(), follow_up: str = "", decided_by: str = "", place: str = "",
    dues: list[TalkDue] = (), request=None,
) -> Talk:  # fmt: skip
    errors = {}
    talker, summary, decided_by = (talker or "").strip(), (summary or "").strip(), (decided_by or "").strip()
    if kind not in TALK_KINDS:
        errors["kind"] = "谈话类型无效"
    if held_on > timezone.localdate():
        errors["held_on"] = "谈话日期不能晚于今天"
    if not talker:
        errors["talker"] = "请填写谈话人"
    if not summary:
        errors["summary"] = "请填写谈话内容摘要"
    if not participants:
        errors["participants"] = "请至少选择一名谈话对象"
    if kind in TALK_ENTRY_KINDS and not decided_by:
        errors["decided_by"] = "提醒谈话、诫勉谈话须写明作出决定的人或机关（计入档案）"
    if kind != "collective" and len(participants) > 1:
        errors["participants"] = "个别谈话只能有一名对象；多人请选择“集体廉政谈话”"
    if errors:
        raise ValidationError(errors)
    s = scope(actor, "cards.check")
    if not s.contains(unit) or any(not s.contains(c.unit) for c in participants):
        raise PermissionDenied("谈话对象不在您的管理范围内")
    talk = Talk.objects.create(kind=kind, held_on=held_on, talker=talker[:64], place=(place or "")[:100],
                               summary=summary, follow_up=(follow_up or "").strip(), decided_by=decided_by[:64],
                               unit=unit, recorded_by=actor, recorded_at=timezone.now())  # fmt: skip
    for cadre in participants:
        attended = cadre.pk not in absent
        entry = None
        if attended and kind in TALK_ENTRY_KINDS:
            entry = entry_record(
                actor=actor, kind=TALK_ENTRY_KINDS[kind], person=cadre, occurred_on=held_on, decided_by=decided_by,
                summary=f"{talk.get_kind_display()}（谈话人：{talker}）：{summary[:300]}", source_app="cards",
                source_type="talk", source_id=str(talk.pk), request=request,
            )  # fmt: skip
        elif attended and kind != "collective":
            entry = entry_record(
                actor=actor, kind="info.talk", person=cadre, occurred_on=held_on, summary=f"{talk.get_kind_display()}（谈话人：{talker}）",
                source_app="cards", source_type="talk", source_id=str(talk.pk), check_permission=False, request=request,
            )  # fmt: skip
        TalkParticipant.objects.create(talk=talk, cadre=cadre, attended=attended, entry=entry)
    for due in dues:
        # The due, and any other due waiting under the same to-do, are answered by this talk.
        TalkDue.objects.filter(
            Q(pk=due.pk) | Q(workitem_id=due.workitem_id, workitem__isnull=False), talk__isnull=True
        ).update(talk=talk)
        if due.workitem_id and due.workitem.status == due.workitem.Status.OPEN:
            workitem_complete(actor=actor, item=due.workitem, note=f"已开展{talk.get_kind_display()}")
    audit_record(actor=actor, action="cards.talk_record", obj=talk, unit_id=unit.pk, request=request,
                 extra={"kind": kind, "participants": [c.pk for c in participants], "absent": sorted(absent)})  # fmt: skip
    return talk


TALK_KINDS = {"reminder", "admonishment", "integrity", "pre_appointment", "collective"}


@transaction.atomic
def education_record(
    *, actor, kind: str, title: str, held_on: date, unit: Unit, attendees: list[Cadre],
    absent: dict[int, str] | None = None, place: str = "", request=None,
) -> EducationEvent:  # fmt: skip
    """A warning-education event with its attendance, in one batch (absences with their reasons)."""
    absent = absent or {}
    errors = {}
    if kind not in EducationEvent.Kind.values:
        errors["kind"] = "形式无效"
    if not (title or "").strip():
        errors["title"] = "请填写名称"
    if held_on > timezone.localdate():
        errors["held_on"] = "日期不能晚于今天"
    if not attendees:
        errors["attendees"] = "请选择参加人员"
    if errors:
        raise ValidationError(errors)
    s = scope(actor, "cards.check")
    if not s.contains(unit) or any(not s.contains(c.unit) for c in attendees):
        raise PermissionDenied("参加人员不在您的管理范围内")
    event = EducationEvent.objects.create(kind=kind, title=title.strip()[:100], held_on=held_on, place=place[:100],
                                          unit=unit, recorded_by=actor, recorded_at=timezone.now())  # fmt: skip
    EducationAttendance.objects.bulk_create(
        EducationAttendance(event=event, cadre=c, attended=c.pk not in absent, absence_reason=absent.get(c.pk, "")[:100])
        for c in dict.fromkeys(attendees)
    )  # fmt: skip
    audit_record(actor=actor, action="cards.education_record", obj=event, unit_id=unit.pk, request=request,
                 extra={"attendees": len(attendees), "absent": len(absent)})  # fmt: skip
    return event
