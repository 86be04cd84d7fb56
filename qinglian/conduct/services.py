"""Writes of conduct outside working hours (八小时外). Every write is scoped, validated and audited.

Nothing here counts against a cadre until a named person confirms a negative-list finding after
the cadre has been heard; only then does the finding reach the file (a yellow `conduct.finding`
entry naming the list item and the rule). A family-event pre-report is always accepted: beyond the
caps it is flagged with the rule it breaks, and it is recorded on the file as blue information.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from qinglian.accounts.scopes import scope
from qinglian.archive.services import entry_record
from qinglian.audit.services import audit_record
from qinglian.conduct.defaults import DEFAULT_LISTS
from qinglian.conduct.models import (
    NEGATIVE_LISTS,
    CommunityActivity,
    CommunityRegistration,
    FamilyBriefing,
    FamilyEvent,
    Finding,
    ListKind,
    ListVersion,
    Observer,
    Visit,
)
from qinglian.rules.registry import params as rule_params
from qinglian.rules.registry import spec_for

CAPS_RULE = "conduct.family_event_caps"
NEGATIVE_RULE = "conduct.negative_list"
MAX_ITEMS = 40


def _text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"请填写{label}"})
    if len(value) > max_length:
        raise ValidationError({field: f"{label}不超过{max_length}个字"})
    return value


def _not_future(value: date, *, field: str, label: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天"})


def _in_scope(actor, unit, capability: str = "conduct.manage") -> None:
    if not scope(actor, capability).contains(unit):
        raise PermissionDenied("该人员或单位不在您的管理范围内")


# --- reference lists -----------------------------------------------------------------------------


def lists_sync_defaults() -> int:
    """Version 1 of every list that has none yet (after migrate; values that exist are left alone)."""
    now, created = timezone.now(), 0
    for kind, items in DEFAULT_LISTS.items():
        if not ListVersion.objects.filter(kind=kind).exists():
            ListVersion.objects.create(kind=kind, number=1, items=list(items), reason="系统默认清单（依据种子材料整理）",
                                       changed_at=now)  # fmt: skip
            created += 1
    return created


def list_current(kind: str) -> ListVersion:
    version = ListVersion.objects.filter(kind=kind).order_by("-number").first()
    if version is None:
        lists_sync_defaults()
        version = ListVersion.objects.filter(kind=kind).order_by("-number").first()
    return version


def lists_current() -> dict[str, ListVersion]:
    """The version in force of every list (one query once the defaults exist)."""
    out: dict[str, ListVersion] = {}
    for v in ListVersion.objects.order_by("kind", "-number"):
        out.setdefault(v.kind, v)
    if len(out) < len(ListKind.values):
        lists_sync_defaults()
        return lists_current()
    return out


@transaction.atomic
def list_save(*, actor, kind: str, items: list[str], reason: str, request=None) -> ListVersion:
    """A new version of a reference list. Earlier versions stay: records point at the one they used."""
    if kind not in ListKind.values:
        raise ValidationError({"kind": "清单不存在"})
    if scope(actor, "conduct.manage").is_empty:
        raise PermissionDenied("您无权修改清单")
    cleaned = [" ".join(str(i).split()) for i in items if str(i).strip()]
    if not cleaned:
        raise ValidationError({"items": "清单至少要有一条"})
    if len(cleaned) > MAX_ITEMS:
        raise ValidationError({"items": f"清单不超过{MAX_ITEMS}条"})
    too_long = [n for n, i in enumerate(cleaned, 1) if len(i) > 255]
    if too_long:
        raise ValidationError({"items": f"第{too_long[0]}条超过255个字"})
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"items": "清单中有重复的条目"})
    reason = _text(reason, field="reason", label="修改理由", max_length=255)
    current = list_current(kind)
    if current.items == cleaned:
        raise ValidationError({"items": "清单没有变化"})
    number = (ListVersion.objects.filter(kind=kind).aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            version = ListVersion.objects.create(kind=kind, number=number, items=cleaned, reason=reason,
                                                 changed_by=actor, changed_at=timezone.now())  # fmt: skip
    except IntegrityError:
        raise ValidationError({"items": "清单刚被他人修改，请刷新后重试"}) from None
    audit_record(actor=actor, action="conduct.list_save", obj=version, reason=reason, request=request,
                 extra={"kind": kind, "number": number, "items": len(cleaned)})  # fmt: skip
    return version


# --- observers and visits --------------------------------------------------------------------------


@transaction.atomic
def observer_create(*, actor, name: str, background: str, unit, appointed_on: date, phone: str = "",
                    request=None) -> Observer:  # fmt: skip
    _in_scope(actor, unit)
    name = _text(name, field="name", label="姓名", max_length=32)
    background = _text(background, field="background", label="身份", max_length=100)
    phone = _text(phone, field="phone", label="联系电话", max_length=32, required=False)
    _not_future(appointed_on, field="appointed_on", label="聘任日期")
    observer = Observer.objects.create(name=name, background=background, phone=phone, unit=unit,
                                       appointed_on=appointed_on, created_by=actor, created_at=timezone.now())  # fmt: skip
    audit_record(
        actor=actor, action="conduct.observer_create", obj=observer, unit_id=unit.pk, request=request
    )
    return observer


@transaction.atomic
def visit_record(*, actor, kind: str, visited_on: date, visitors: str, findings: str, cadre=None, unit=None,
                 observer: Observer | None = None, place: str = "", suggestions: str = "", request=None) -> Visit:  # fmt: skip
    """家访、社区访、明察暗访 or an observer's visit: whom (a cadre, or a unit for an unannounced check),
    when, who went, what they found, and the observer's suggestions."""
    if kind not in Visit.Kind.values:
        raise ValidationError({"kind": "请选择走访方式"})
    if cadre is None and unit is None:
        raise ValidationError({"cadre": "请选择走访对象（干部或单位）"})
    if kind in (Visit.Kind.HOME, Visit.Kind.COMMUNITY) and cadre is None:
        raise ValidationError({"cadre": "家访、社区访须选择被走访的干部"})
    unit = cadre.unit if cadre is not None else unit
    _in_scope(actor, unit)
    if kind == Visit.Kind.OBSERVER:
        if observer is None or not observer.active:
            raise ValidationError({"observer": "作风观察员走访须选择在聘的观察员"})
    elif observer is not None:
        raise ValidationError({"observer": "只有作风观察员走访才填写观察员"})
    _not_future(visited_on, field="visited_on", label="走访日期")
    visit = Visit.objects.create(
        kind=kind, cadre=cadre, unit=unit, observer=observer, visited_on=visited_on,
        visitors=_text(visitors, field="visitors", label="走访人员", max_length=200),
        place=_text(place, field="place", label="地点", max_length=200, required=False),
        findings=_text(findings, field="findings", label="了解到的情况", max_length=5000),
        suggestions=_text(suggestions, field="suggestions", label="意见建议", max_length=5000, required=False),
        recorded_by=actor, recorded_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="conduct.visit_record", obj=visit, person_id=cadre.pk if cadre else None,
                 unit_id=unit.pk, request=request, extra={"kind": kind})  # fmt: skip
    return visit


# --- community double-registration (双报到) -------------------------------------------------------


@transaction.atomic
def registration_record(*, actor, cadre, community: str, registered_on: date, branch: str = "",
                        request=None) -> CommunityRegistration:  # fmt: skip
    _in_scope(actor, cadre.unit)
    community = _text(community, field="community", label="报到社区（小区）", max_length=100)
    _not_future(registered_on, field="registered_on", label="报到日期")
    if CommunityRegistration.objects.filter(cadre=cadre, community=community).exists():
        raise ValidationError({"community": f"{cadre.name}已在“{community}”报到，请在原记录中登记活动"})
    reg = CommunityRegistration.objects.create(
        cadre=cadre, unit=cadre.unit, community=community,
        branch=_text(branch, field="branch", label="社区（小区）党组织", max_length=100, required=False),
        registered_on=registered_on, recorded_by=actor, recorded_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="conduct.registration_record", obj=reg, person_id=cadre.pk,
                 unit_id=cadre.unit_id, request=request)  # fmt: skip
    return reg


@transaction.atomic
def activity_record(*, actor, registration: CommunityRegistration, held_on: date, description: str,
                    request=None) -> CommunityActivity:  # fmt: skip
    _in_scope(actor, registration.unit)
    description = _text(description, field="description", label="活动内容", max_length=500)
    _not_future(held_on, field="held_on", label="活动日期")
    if held_on < registration.registered_on:
        raise ValidationError({"held_on": "活动日期不能早于报到日期"})
    activity = CommunityActivity.objects.create(registration=registration, held_on=held_on, description=description,
                                                recorded_by=actor, recorded_at=timezone.now())  # fmt: skip
    audit_record(actor=actor, action="conduct.activity_record", obj=registration, person_id=registration.cadre_id,
                 unit_id=registration.unit_id, request=request)  # fmt: skip
    return activity


# --- family integrity lists (三交底) ---------------------------------------------------------------


@transaction.atomic
def briefing_record(*, actor, cadre, recipient: str, red_lines: str, handed_on: date, handed_by: str,
                    request=None) -> FamilyBriefing:  # fmt: skip
    """The three lists handed to the family: the post's red lines (written for this cadre) and the
    current versions of the family positive and negative lists."""
    _in_scope(actor, cadre.unit)
    recipient = _text(recipient, field="recipient", label="接收家属", max_length=50)
    red_lines = _text(red_lines, field="red_lines", label="岗位廉政红线", max_length=5000)
    handed_by = _text(handed_by, field="handed_by", label="交底人", max_length=100)
    _not_future(handed_on, field="handed_on", label="交底日期")
    current = lists_current()
    briefing = FamilyBriefing.objects.create(
        cadre=cadre, unit=cadre.unit, recipient=recipient, red_lines=red_lines, handed_on=handed_on,
        handed_by=handed_by, positive=current[ListKind.FAMILY_POSITIVE], negative=current[ListKind.FAMILY_NEGATIVE],
        recorded_by=actor, recorded_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="conduct.briefing_record", obj=briefing, person_id=cadre.pk,
                 unit_id=cadre.unit_id, request=request)  # fmt: skip
    return briefing


# --- negative-list findings -------------------------------------------------------------------------


@transaction.atomic
def finding_record(*, actor, cadre, list_kind: str, item_number: int, occurred_on: date, facts: str,
                   source: str = "", visit: Visit | None = None, request=None) -> Finding:  # fmt: skip
    """A finding against an item of the current negative list. It carries no colour and counts for
    nothing until it is confirmed."""
    _in_scope(actor, cadre.unit)
    if list_kind not in NEGATIVE_LISTS:
        raise ValidationError({"list_kind": "请选择负面清单"})
    version = list_current(list_kind)
    if not 1 <= int(item_number) <= len(version.items):
        raise ValidationError({"item_number": "请选择负面清单条目"})
    _not_future(occurred_on, field="occurred_on", label="发生日期")
    if visit is not None and visit.cadre_id not in (None, cadre.pk):
        raise ValidationError({"visit": "所选走访记录不是针对该干部的"})
    finding = Finding.objects.create(
        cadre=cadre, unit=cadre.unit, list_version=version, item_number=item_number,
        item_text=version.items[item_number - 1][:255], occurred_on=occurred_on,
        facts=_text(facts, field="facts", label="问题事实", max_length=5000),
        source=_text(source, field="source", label="发现途径", max_length=100, required=False), visit=visit,
        recorded_by=actor, recorded_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="conduct.finding_record", obj=finding, person_id=cadre.pk,
                 unit_id=cadre.unit_id, request=request)  # fmt: skip
    return finding


def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().get(pk=finding.pk)


@transaction.atomic
def finding_hear(*, actor, finding: Finding, explanation: str, heard_on: date, request=None) -> Finding:
    """The cadre's explanation, heard before any decision (本人未作说明的，写明情况)."""
    _in_scope(actor, finding.unit)
    explanation = _text(explanation, field="explanation", label="本人说明（本人未作说明的，写明情况）",
                        max_length=5000)  # fmt: skip
    _not_future(heard_on, field="heard_on", label="听取说明日期")
    current = _locked(finding)
    if current.status not in (Finding.Status.RECORDED, Finding.Status.HEARD):
        raise ValidationError({"explanation": "已作出认定，不能再修改说明"})
    if heard_on < current.occurred_on:
        raise ValidationError({"heard_on": "听取说明日期不能早于发生日期"})
    Finding.objects.filter(pk=finding.pk).update(explanation=explanation, heard_on=heard_on, heard_by=actor,
                                                 status=Finding.Status.HEARD)  # fmt: skip
    finding.refresh_from_db()
    audit_record(actor=actor, action="conduct.finding_hear", obj=finding, person_id=finding.cadre_id,
                 unit_id=finding.unit_id, request=request)  # fmt: skip
    return finding


@transaction.atomic
def finding_decide(*, actor, finding: Finding, confirm: bool, decider_name: str, note: str,
                   request=None) -> Finding:  # fmt: skip
    """A named person confirms the finding (a yellow entry on the file naming the list item and the
    rule) or dismisses it (nothing on the file). Only after the cadre was heard."""
    _in_scope(actor, finding.unit)
    decider_name = _text(decider_name, field="decider_name", label="认定人（姓名或会议）", max_length=100)
    note = _text(note, field="note", label="认定意见", max_length=500)
    current = _locked(finding)
    if current.status in (Finding.Status.CONFIRMED, Finding.Status.DISMISSED):
        raise ValidationError({"note": "已作出认定"})
    if current.status != Finding.Status.HEARD:
        raise ValidationError({"note": "须先听取本人说明，再作认定"})
    entry = None
    now = timezone.now()
    if confirm:
        rule = spec_for(NEGATIVE_RULE)
        version = current.list_version
        summary = (
            f"违反{version.get_kind_display()}第{current.item_number}项“{current.item_text}”"
            f"（清单第{version.number}版）：{current.facts[:800]}。本人说明（{current.heard_on:%Y-%m-%d}）："
            f"{current.explanation[:300]}。认定意见：{note}。依据：{rule.name}，{rule.citation.text}。"
        )
        entry = entry_record(
            actor=actor, kind="conduct.finding", person=finding.cadre, unit=finding.unit,
            occurred_on=current.occurred_on, effective_on=max(current.occurred_on, timezone.localdate()),
            summary=summary[:2000], decided_by=decider_name, source_app="conduct", source_type="finding",
            source_id=str(finding.pk), request=request,
        )  # fmt: skip
    Finding.objects.filter(pk=finding.pk).update(
        status=Finding.Status.CONFIRMED if confirm else Finding.Status.DISMISSED, decided_by=actor,
        decider_name=decider_name, decision_note=note, decided_at=now, entry=entry,
    )  # fmt: skip
    finding.refresh_from_db()
    audit_record(actor=actor, action="conduct.finding_decide", obj=finding, person_id=finding.cadre_id,
                 unit_id=finding.unit_id, request=request, reason=note, extra={"confirm": confirm})  # fmt: skip
    return finding


# --- family-event pre-reports (婚丧喜庆事宜报备) ---------------------------------------------------


@dataclass(frozen=True)
class CapsResult:
    breaches: list[dict]
    basis: str  # the rule's name and citation, flagged when the caps are unsettled defaults
    caps: dict[str, int]

    @property
    def within(self) -> bool:
        return not self.breaches


CAP_LABELS = {"tables": ("宴席桌数", "桌"), "guests": ("邀请人数", "人"), "cars": ("使用车辆数", "辆")}


def caps_check(*, tables: int, guests: int, cars: int, event_date: date, filed_on: date) -> CapsResult:
    """Check a family event against the caps in force on the day it is reported (rule registry)."""
    values = rule_params(CAPS_RULE, as_of=filed_on)
    spec = spec_for(CAPS_RULE)
    basis = next(iter(values.values())).basis if values else spec.citation.text
    caps = {k: int(v.value) for k, v in values.items()}
    breaches = []
    for key, value in (("tables", tables), ("guests", guests), ("cars", cars)):
        cap = caps.get(key)
        if cap is not None and value > cap:
            label, unit = CAP_LABELS[key]
            breaches.append({"key": key, "value": value, "cap": cap,
                             "text": f"{label}{value}{unit}，超过上限{cap}{unit}"})  # fmt: skip
    if event_date < filed_on:
        breaches.append(
            {"key": "advance", "value": None, "cap": None, "text": "举办日期已过，未按规定事前报告"}
        )
    return CapsResult(breaches=breaches, basis=f"{spec.name}：{basis}", caps=caps)


def _own_cadre(user):
    cadre = getattr(user, "cadre", None) if user.is_authenticated else None
    if cadre is None:
        raise PermissionDenied("您的账号没有关联干部信息，不能报备；请联系组织部门")
    return cadre


@transaction.atomic
def family_event_file(*, user, kind: str, subject: str, event_date: date, venue: str, tables: int, guests: int,
                      cars: int, payer: str, payer_note: str = "", request=None) -> FamilyEvent:  # fmt: skip
    """The cadre files his own pre-report. Beyond the caps it is still accepted, flagged with the rule
    it breaks; either way it is recorded on the file as blue information (info.family_event)."""
    from qinglian.accounts.scopes import has_capability

    if not has_capability(user, "conduct.own"):
        raise PermissionDenied("只有干部本人可以报备")
    cadre = _own_cadre(user)
    errors = {}
    if kind not in FamilyEvent.Kind.values:
        errors["kind"] = "请选择事项"
    if payer not in FamilyEvent.Payer.values:
        errors["payer"] = "请选择费用承担方式"
    today = timezone.localdate()
    if event_date > today + timedelta(days=366):
        errors["event_date"] = "举办日期不能晚于一年以后"
    elif event_date < today - timedelta(days=366):
        errors["event_date"] = "举办日期不能早于一年以前"
    for key, value in (("tables", tables), ("guests", guests), ("cars", cars)):
        if not isinstance(value, int) or value < 0 or value > 100000:
            errors[key] = "请填写0至100000之间的整数"
    if errors:
        raise ValidationError(errors)
    subject = _text(subject, field="subject", label="当事人及关系", max_length=100)
    venue = _text(venue, field="venue", label="举办地点", max_length=200)
    payer_note = _text(payer_note, field="payer_note", label="费用说明", max_length=200,
                       required=payer == FamilyEvent.Payer.OTHER)  # fmt: skip
    result = caps_check(tables=tables, guests=guests, cars=cars, event_date=event_date, filed_on=today)
    event = FamilyEvent.objects.create(
        cadre=cadre, unit=cadre.unit, kind=kind, subject=subject, event_date=event_date, venue=venue, tables=tables,
        guests=guests, cars=cars, payer=payer, payer_note=payer_note, breaches=result.breaches, flagged=not result.within,
        rule_basis=result.basis[:255], filed_by=user, filed_at=timezone.now(),
    )  # fmt: skip
    verdict = "未超出规定" if result.within else "超出规定：" + "；".join(b["text"] for b in result.breaches)
    summary = (
        f"报备{event.get_kind_display()}事宜（{subject}），{event_date:%Y年%m月%d日}在{venue}举办，"
        f"宴席{tables}桌、邀请{guests}人、车辆{cars}辆，费用{event.get_payer_display()}"
        f"{('（' + payer_note + '）') if payer_note else ''}。核对结果：{verdict}。依据：{result.basis}。"
    )
    entry = entry_record(actor=user, kind="info.family_event", person=cadre, occurred_on=today, summary=summary[:2000],
                         source_app="conduct", source_type="family_event", source_id=str(event.pk),
                         check_permission=False, request=request)  # fmt: skip
    FamilyEvent.objects.filter(pk=event.pk).update(entry=entry)
    event.entry = entry
    audit_record(actor=user, action="conduct.family_event_file", obj=event, person_id=cadre.pk,
                 unit_id=cadre.unit_id, request=request, extra={"breaches": [b["key"] for b in result.breaches]})  # fmt: skip
    return event
