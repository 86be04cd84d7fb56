"""Every write of the grassroots app: atomic, checked against the actor's capability and scope,
audited.

The four levels of the network are scopes, not a hierarchy of its own: the township commission
(township_committee, anchored at the township) reaches every station of the township; a station's
head, supervisors and liaison officers (liaison_officer, anchored at the station's village or
unit) reach that village only.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.archive.kinds import BY_CODE
from qinglian.archive.services import entry_record
from qinglian.audit.services import audit_record
from qinglian.core import crypto
from qinglian.front.filecheck import JPEG, PNG, check_files, strip_metadata
from qinglian.grassroots import defaults
from qinglian.grassroots.models import (
    CommonTask,
    DualPost,
    DualPostDuty,
    GroupClue,
    Information,
    Photo,
    Power,
    PowerListVersion,
    Station,
    StationMember,
    Task,
    TaskList,
    Zone,
    ZoneGroup,
)
from qinglian.people.models import Unit, UnitKind
from qinglian.people.selectors import supervising_body
from qinglian.rules.registry import params
from qinglian.workitems.services import workitem_create

# Unverified information on a person's file: sealed, colourless, outside grades and opinions.
# `info.unverified` / `unit.unverified` are asked of the archive app; until they exist the closest
# built-in kind (sealed, colourless, never graded) stands in for persons, and unit-level filings
# stay on the information item alone.
PERSON_KIND = "info.unverified" if "info.unverified" in BY_CODE else "external.other"
UNIT_KIND = "unit.unverified" if "unit.unverified" in BY_CODE else None
DUTY_KIND = "grassroots.dual_post"
MAX_PHOTOS = 6


def _text(value, field: str, label: str, *, max_len: int, required: bool = True) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError({field: f"{label}格式不正确"})
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"请填写{label}"})
    if len(value) > max_len:
        raise ValidationError({field: f"{label}不能超过{max_len}个字"})
    return value


def _require(actor, capability: str, unit: Unit, message: str = "该单位不在您的管理范围内") -> None:
    if actor is None:
        return  # the system (scheduled jobs, demo generator)
    if not has_capability(actor, capability) or not scope(actor, capability).contains(unit):
        raise PermissionDenied(message)


# --- the network -------------------------------------------------------------------------------


@transaction.atomic
def station_create(*, actor, unit: Unit, name: str = "", request=None) -> Station:
    """A station for a village/community, or for a unit under stationed supervision (两组两站)."""
    _require(actor, "grassroots.manage", unit)
    if Station.objects.filter(unit=unit).exists():
        raise ValidationError({"unit": f"“{unit.name}”已设立联络站"})
    if unit.kind == UnitKind.VILLAGE:
        kind = Station.Kind.VILLAGE
    elif unit.kind in (UnitKind.TOWNSHIP, UnitKind.JURISDICTION, UnitKind.TOWNSHIP_COMMITTEE):
        raise ValidationError({"unit": "联络站设在村（社区）或派驻综合监督单位，不设在乡镇或行政区"})
    else:
        kind = Station.Kind.UNIT
    name = _text(name, "name", "名称", max_len=100, required=False) or f"{unit.name}纪检监察工作联络站"
    station = Station.objects.create(kind=kind, unit=unit, name=name, created_at=timezone.now())
    audit_record(
        actor=actor, action="grassroots.station.create", obj=station, unit_id=unit.pk, request=request
    )
    return station


@transaction.atomic
def member_add(*, actor, station: Station, role: str, name: str = "", user=None, cadre=None, phone: str = "",
               since: date | None = None, request=None) -> StationMember:  # fmt: skip
    _require(actor, "grassroots.manage", station.unit)
    if role not in StationMember.Role.values:
        raise ValidationError({"role": "职责无效"})
    if user is None and cadre is None:
        raise ValidationError({"user": "请选择登录账号或干部（至少一项）"})
    name = _text(name or (cadre.name if cadre else user.get_full_name() or user.username), "name", "姓名",
                 max_len=64)  # fmt: skip
    member = StationMember.objects.create(
        station=station, role=role, name=name, user=user, cadre=cadre,
        phone=_text(phone, "phone", "联系电话", max_len=32, required=False),
        since=since or timezone.localdate(), added_by=actor,
    )  # fmt: skip
    audit_record(actor=actor, action="grassroots.member.add", obj=station, unit_id=station.unit_id, request=request,
                 extra={"role": role, "user": user.pk if user else None, "cadre": cadre.pk if cadre else None})  # fmt: skip
    return member


@transaction.atomic
def member_end(*, actor, member: StationMember, until: date | None = None, request=None) -> StationMember:
    _require(actor, "grassroots.manage", member.station.unit)
    until = until or timezone.localdate()
    if until < member.since:
        raise ValidationError({"until": "任职止日不能早于任职起日"})
    StationMember.objects.filter(pk=member.pk).update(until=until)
    member.until = until
    audit_record(actor=actor, action="grassroots.member.end", obj=member.station, unit_id=member.station.unit_id,
                 request=request, extra={"member": member.pk})  # fmt: skip
    return member


@transaction.atomic
def zone_create(*, actor, name: str, office: Unit, request=None) -> Zone:
    _require(actor, "grassroots.manage", office)
    zone = Zone.objects.create(name=_text(name, "name", "协作区名称", max_len=100), office=office,
                               created_at=timezone.now())  # fmt: skip
    audit_record(actor=actor, action="grassroots.zone.create", obj=zone, unit_id=office.pk, request=request)
    return zone


@transaction.atomic
def group_create(*, actor, zone: Zone, name: str, townships: list[Unit], request=None) -> ZoneGroup:
    _require(actor, "grassroots.manage", zone.office)
    if not townships:
        raise ValidationError({"townships": "请至少选择一个乡镇（街道）"})
    for t in townships:
        if t.kind != UnitKind.TOWNSHIP:
            raise ValidationError({"townships": f"“{t.name}”不是乡镇（街道）"})
        _require(actor, "grassroots.manage", t, f"“{t.name}”不在您的管理范围内")
    group = ZoneGroup.objects.create(zone=zone, name=_text(name, "name", "协作组名称", max_len=100))
    group.townships.set(townships)
    audit_record(actor=actor, action="grassroots.group.create", obj=group, unit_id=zone.office_id, request=request,
                 extra={"townships": [t.pk for t in townships]})  # fmt: skip
    return group


def group_backlog(*, viewer, group: ZoneGroup):
    """The open clues of the group's townships the viewer may see (intake's scoped clue list)."""
    from django.db.models import Q

    from qinglian.intake.models import Clue
    from qinglian.intake.selectors import clue_list

    q = Q(pk__in=[])
    for path in group.townships.values_list("path", flat=True):
        q |= Q(unit__path__startswith=path)
    return (
        clue_list(viewer=viewer).filter(q).exclude(status__in=[Clue.Status.CLOSED, Clue.Status.CASE_OPENED])
    )


@transaction.atomic
def group_clue_assign(*, actor, group: ZoneGroup, clue, note: str = "", request=None) -> GroupClue:
    """Hand a backlog clue to a group to break through together (集中力量突破协作组内存量问题线索)."""
    _require(actor, "grassroots.manage", group.zone.office)
    if not group_backlog(viewer=actor, group=group).filter(pk=clue.pk).exists():
        raise ValidationError({"clue": "该线索不属于本协作组的乡镇、已办结，或不在您的查看范围内"})
    if GroupClue.objects.filter(clue=clue).exists():
        raise ValidationError({"clue": "该线索已交协作组办理"})
    gc = GroupClue.objects.create(group=group, clue=clue, note=_text(note, "note", "说明", max_len=500, required=False),
                                  assigned_by=actor, assigned_at=timezone.now())  # fmt: skip
    audit_record(actor=actor, action="grassroots.group.clue", obj=group, unit_id=clue.unit_id, request=request,
                 extra={"clue": clue.number})  # fmt: skip
    return gc


# --- integrity information --------------------------------------------------------------------


@transaction.atomic
def information_submit(*, actor, station: Station, category: str, title: str, content: str,
                       occurred_on: date | None = None, subject_name: str = "", photos=(),
                       request=None) -> Information:  # fmt: skip
    """A station member reports what they learnt, with photos (checked by content, metadata
    stripped before they are stored: a phone photo carries its GPS position)."""
    if (
        actor is None
        or not has_capability(actor, "grassroots.submit")
        or not scope(actor, "grassroots.submit").contains(station.unit)
    ):
        raise PermissionDenied("您只能为本村（社区）联络站报送廉情信息")
    if not station.is_active:
        raise ValidationError({"station": "该联络站已撤销"})
    if category not in Information.Category.values:
        raise ValidationError({"category": "请选择信息类别"})
    errors = {}
    try:
        title = _text(title, "title", "标题", max_len=100)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        content = _text(content, "content", "信息内容", max_len=5000)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if occurred_on is not None and occurred_on > timezone.localdate():
        errors["occurred_on"] = "发生日期不能晚于今天"
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = f"最多上传{MAX_PHOTOS}张照片"
    checked = []
    if photos and "photos" not in errors:
        try:
            checked = check_files(photos)
        except ValidationError as exc:
            errors["photos"] = exc.messages
        else:
            bad = [f.name for f in checked if f.content_type not in (JPEG, PNG)]
            if bad:
                errors["photos"] = [f"“{n}”不是照片，请上传 JPG 或 PNG 图片" for n in bad]
    if errors:
        raise ValidationError(errors)
    info = Information.objects.create(
        station=station, unit=station.unit, category=category, title=title, content=content,
        occurred_on=occurred_on, subject_name=_text(subject_name, "subject_name", "涉及人员/单位", max_len=100,
                                                    required=False),
        submitted_by=actor, submitted_at=timezone.now(),
    )  # fmt: skip
    for f in checked:
        data = strip_metadata(f.data, f.content_type)
        photo = Photo(information=info, name=f.name[:120], content_type=f.content_type, size=len(data))
        photo.file.save(
            f"i{info.pk}.bin", ContentFile(crypto.encrypt_bytes(data, purpose=Photo.PURPOSE)), save=False
        )
        photo.save()
    audit_record(actor=actor, action="grassroots.information.submit", obj=info, unit_id=station.unit_id,
                 request=request, extra={"category": category, "photos": len(checked)})  # fmt: skip
    return info


class Outcome:
    ARCHIVE = "archive"
    CLUE = "clue"
    REFERRAL = "referral"
    CHOICES = [(ARCHIVE, "存入档案（待核实信息，不计颜色、不计等次）"), (CLUE, "转为信访举报/问题线索"),
               (REFERRAL, "“三办”转办（问题转办单）")]  # fmt: skip


def _photo_files(info: Information):
    from qinglian.intake.services import IncomingFile

    out = []
    for p in info.photos.all():
        out.append(IncomingFile(name=p.name, data=p.read(), content_type=p.content_type))
    return out


@transaction.atomic
def information_triage(*, actor, information: Information, outcome: str, decided_by: str, note: str = "",
                       cadre=None, subject_unit: Unit | None = None, problem_type: str = "other",
                       mode: str = "refer", department: Unit | None = None, reply_due: date | None = None,
                       matter: str = "", request=None) -> Information:  # fmt: skip
    """The township commission decides what one item becomes; the decision names its maker.

    - archive: unverified information on the person's (or unit's) file — sealed, colourless, never
      graded and never an opinion's ground (hearsay is not a finding);
    - clue: a report in intake (channel 联络站信息), and a clue on the named cadre when one is given;
    - referral: a report classed as a non-discipline matter and a 三办 referral sheet to a department.
    """
    info = Information.objects.select_for_update().select_related("station", "unit").get(pk=information.pk)
    _require(actor, "grassroots.triage", info.unit, "该信息不在您的研判范围内")
    if actor is None:
        raise PermissionDenied("研判须由具名人员作出")
    if info.status != Information.Status.SUBMITTED:
        raise ValidationError({"outcome": f"该信息已研判（{info.get_status_display()}），不能重复处理"})
    decided_by = _text(decided_by, "decided_by", "决定人", max_len=64)
    note = _text(note, "note", "研判意见", max_len=1000, required=False)
    for target in (cadre, subject_unit):
        if target is not None:
            unit = target.unit if target is cadre else target
            if not scope(actor, "grassroots.triage").contains(unit):
                raise ValidationError({"cadre": "所选人员或单位不在您的管辖范围内"})
    today = timezone.localdate()
    occurred = min(info.occurred_on or today, today)
    if outcome == Outcome.ARCHIVE:
        if cadre is None and subject_unit is None:
            raise ValidationError({"cadre": "存入档案须指定涉及的人员或单位"})
        summary = f"廉情信息（未经核实，仅供参考）：{info.title}（{info.station.name}报送）"
        if cadre is not None:
            info.entry = entry_record(
                actor=actor, kind=PERSON_KIND, person=cadre, occurred_on=occurred, summary=summary,
                decided_by=decided_by, source_app="grassroots", source_type="information", source_id=str(info.pk),
                check_permission=False, request=request,
            )  # fmt: skip
        elif UNIT_KIND:
            info.entry = entry_record(
                actor=actor, kind=UNIT_KIND, unit=subject_unit, occurred_on=occurred, summary=summary,
                decided_by=decided_by, source_app="grassroots", source_type="information", source_id=str(info.pk),
                check_permission=False, request=request,
            )  # fmt: skip
        info.status = Information.Status.ARCHIVED
    elif outcome in (Outcome.CLUE, Outcome.REFERRAL):
        from qinglian.intake import referrals
        from qinglian.intake.models import ProblemType, Report
        from qinglian.intake.services import clue_register, report_create, report_subject_match

        body = supervising_body(info.unit)
        if body is None:
            raise ValidationError({"outcome": "找不到该村（单位）的监督主体，请先在单位信息中指定"})
        referral = outcome == Outcome.REFERRAL
        if not referral and problem_type not in ProblemType.values:
            raise ValidationError({"problem_type": "问题类别无效"})
        report = report_create(
            actor=actor, channel="liaison", receiving_unit=body,
            content={"facts": info.content, "subject_name": (cadre.name if cadre else info.subject_name)[:100],
                     "where": info.unit.name, "when": f"{info.occurred_on:%Y-%m-%d}" if info.occurred_on else ""},
            nature=Report.Nature.PETITION if referral else Report.Nature.ACCUSATION,
            problem_type=ProblemType.NOT_DISCIPLINE if referral else problem_type,
            files=_photo_files(info), source_reference=f"廉情信息{info.pk}", request=request,
        )  # fmt: skip
        info.report = report
        if referral:
            if reply_due is None:
                raise ValidationError({"reply_due": "请填写回复期限"})
            info.referral = referrals.referral_create(
                actor=actor, report=report, mode=mode, matter=matter or info.title, reply_due=reply_due,
                department=department, request=request,
            )  # fmt: skip
            info.status = Information.Status.REFERRED
        else:
            if cadre is not None:
                report_subject_match(actor=actor, report=report, cadre=cadre, request=request)
                info.clue = clue_register(
                    actor=actor, summary=f"{info.title}：{info.content}"[:2000], problem_type=problem_type,
                    cadres=[cadre], report=report, request=request,
                )  # fmt: skip
            info.status = Information.Status.CLUE
    else:
        raise ValidationError({"outcome": "请选择研判结果"})
    info.triaged_by, info.triaged_at, info.decided_by, info.triage_note = (
        actor,
        timezone.now(),
        decided_by,
        note,
    )
    info.cadre, info.subject_unit = cadre, subject_unit
    info.save()
    audit_record(
        actor=actor, action="grassroots.information.triage", obj=info, unit_id=info.unit_id,
        person_id=cadre.pk if cadre else None, request=request,
        extra={"outcome": outcome, "decided_by": decided_by, "report": info.report.number if info.report else "",
               "clue": info.clue.number if info.clue else "", "entry": info.entry_id},
    )  # fmt: skip
    return info


# --- village power list -----------------------------------------------------------------------


def power_list_current(on: date | None = None) -> PowerListVersion | None:
    on = on or timezone.localdate()
    return (
        PowerListVersion.objects.filter(effective_from__lte=on).order_by("-effective_from", "-number").first()
    )


@transaction.atomic
def power_list_seed_defaults() -> PowerListVersion | None:
    """The shipped list (version 1) when there is none yet; runs after migrate."""
    if PowerListVersion.objects.exists():
        return None
    version = PowerListVersion.objects.create(number=1, title="村级权力清单（11个方面45项）",
                                              effective_from=date(2019, 1, 1), note="系统预置（可修订）",
                                              created_at=timezone.now())  # fmt: skip
    rows, n = [], 0
    for a, (area, powers) in enumerate(defaults.POWER_AREAS, start=1):
        for name in powers:
            n += 1
            rows.append(Power(version=version, area_number=a, area=area, number=n, name=name))
    Power.objects.bulk_create(rows)
    return version


@transaction.atomic
def power_list_revise(
    *, actor, rows: list[dict], note: str, effective_from: date, request=None
) -> PowerListVersion:
    """A new version of the whole list (rows: area_number, area, number, name, basis). The old
    versions are kept unchanged."""
    if actor is None or not has_capability(actor, "grassroots.manage"):
        raise PermissionDenied("您无权修订村级权力清单")
    note = _text(note, "note", "修订说明", max_len=500)
    if not rows:
        raise ValidationError({"rows": "清单不能为空"})
    numbers = [r["number"] for r in rows]
    if len(set(numbers)) != len(numbers):
        raise ValidationError({"rows": "权力事项序号重复"})
    last = PowerListVersion.objects.select_for_update().order_by("-number").first()
    if last is not None and effective_from < last.effective_from:
        raise ValidationError({"effective_from": "施行日期不能早于上一版本"})
    version = PowerListVersion.objects.create(
        number=(last.number + 1) if last else 1, title=f"村级权力清单（{len({r['area'] for r in rows})}个方面{len(rows)}项）",
        effective_from=effective_from, note=note, created_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    Power.objects.bulk_create(
        Power(version=version, area_number=r["area_number"], area=_text(r["area"], "area", "领域", max_len=50),
              number=r["number"], name=_text(r["name"], "name", "权力事项", max_len=100),
              basis=_text(r.get("basis", ""), "basis", "依据与程序", max_len=500, required=False))
        for r in rows
    )  # fmt: skip
    audit_record(actor=actor, action="grassroots.powers.revise", obj=version, request=request,
                 extra={"powers": len(rows), "effective_from": f"{effective_from:%Y-%m-%d}"})  # fmt: skip
    return version


# --- 一肩挑 ---------------------------------------------------------------------------------------


@transaction.atomic
def dual_post_register(*, actor, cadre, since: date, request=None) -> DualPost:
    village = cadre.unit
    if village.kind != UnitKind.VILLAGE:
        raise ValidationError({"cadre": "“一肩挑”须是村（社区）的书记（主任）"})
    _require(actor, "grassroots.manage", village, "该村不在您的管理范围内")
    if DualPost.objects.filter(village=village, until__isnull=True).exists():
        raise ValidationError({"cadre": f"{village.name}已登记“一肩挑”人员，请先办理离任"})
    if since > timezone.localdate():
        raise ValidationError({"since": "任职日期不能晚于今天"})
    holder = DualPost.objects.create(cadre=cadre, village=village, since=since, registered_by=actor,
                                     registered_at=timezone.now())  # fmt: skip
    audit_record(actor=actor, action="grassroots.dual_post.register", obj=holder, person_id=cadre.pk,
                 unit_id=village.pk, request=request)  # fmt: skip
    return holder


@transaction.atomic
def dual_post_end(*, actor, holder: DualPost, until: date, request=None) -> DualPost:
    from qinglian.workitems.services import workitem_cancel

    _require(actor, "grassroots.manage", holder.village)
    if until < holder.since:
        raise ValidationError({"until": "离任日期不能早于任职日期"})
    DualPost.objects.filter(pk=holder.pk).update(until=until)
    holder.until = until
    for duty in holder.duties.select_related("workitem").filter(workitem__status="open"):
        workitem_cancel(actor=actor, item=duty.workitem, reason="“一肩挑”人员已离任", request=request)
    audit_record(actor=actor, action="grassroots.dual_post.end", obj=holder, person_id=holder.cadre_id,
                 unit_id=holder.village_id, request=request)  # fmt: skip
    return holder


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def duties_due(today: date) -> list[tuple[str, str, date]]:
    """(duty, period, due date) owed in the period containing `today`, with the rule in force then."""
    p = params("grassroots.dual_post", as_of=today)
    y = today.year
    half = "H1" if today.month <= 6 else "H2"
    return [
        (DualPostDuty.Duty.PERSONAL_MATTERS, str(y), _month_end(y, int(p["report_month"].value))),
        (DualPostDuty.Duty.ACCOUNTABILITY, str(y), _month_end(y, int(p["accountability_month"].value))),
        (DualPostDuty.Duty.TALK, str(y), _month_end(y, int(p["talk_month"].value))),
        (DualPostDuty.Duty.HEARING, f"{y}{half}", date(y, 6, 30) if half == "H1" else date(y, 12, 31)),
    ]


def dual_posts_sync_register(today: date) -> int:
    """Village cadres flagged 一肩挑 on the register (`Cadre.is_dual_role`) who have no current
    record here get one from today: the regime follows the register without a second entry."""
    from qinglian.people.models import Cadre

    current = DualPost.objects.filter(until__isnull=True).values("cadre_id")
    new = list(
        Cadre.objects.filter(is_dual_role=True, status="serving", unit__kind=UnitKind.VILLAGE)
        .exclude(pk__in=current).exclude(unit_id__in=DualPost.objects.filter(until__isnull=True).values("village_id"))
        .values_list("pk", "unit_id")
    )  # fmt: skip
    now = timezone.now()
    one_per_village = {u: c for c, u in new}
    DualPost.objects.bulk_create(
        DualPost(cadre_id=c, village_id=u, since=today, registered_at=now) for u, c in one_per_village.items()
    )
    return len(one_per_village)


def dual_post_schedule(today: date | None = None) -> int:
    """The daily job: open the to-dos of the current year and half-year for every serving 一肩挑
    that does not have them yet. Idempotent; returns how many were opened."""
    from django.db.models import Q

    today = today or timezone.localdate()
    dual_posts_sync_register(today)
    due = duties_due(today)
    holders = list(
        DualPost.objects.filter(Q(until__isnull=True) | Q(until__gte=today), since__lte=today)
        .select_related("cadre", "village", "village__parent")
    )  # fmt: skip
    have = set(
        DualPostDuty.objects.filter(holder__in=holders, period__in={p for _, p, _ in due}).values_list(
            "holder_id", "duty", "period"
        )
    )
    opened = 0
    for holder in holders:
        for duty, period, due_date in due:
            if (holder.pk, duty, period) in have:
                continue
            with transaction.atomic():
                if duty in (DualPostDuty.Duty.PERSONAL_MATTERS, DualPostDuty.Duty.ACCOUNTABILITY):
                    assignee = holder.village  # the holder reports / gives account
                elif duty == DualPostDuty.Duty.HEARING:
                    assignee = holder.village.parent or holder.village  # the township's party committee
                else:
                    assignee = supervising_body(holder.village) or holder.village.parent
                label = DualPostDuty.Duty(duty).label
                item = workitem_create(
                    actor=None, subject=holder, kind=DUTY_KIND,
                    title=f"“一肩挑”{holder.cadre.name}（{holder.village.name}）：{label}（{period}）",
                    assignee_unit=assignee, start=min(today, due_date), due_date=max(due_date, today),
                )  # fmt: skip
                DualPostDuty.objects.create(
                    holder=holder, duty=duty, period=period, due_date=due_date, workitem=item
                )
                opened += 1
    if opened:
        audit_record(actor=None, action="grassroots.dual_post.schedule", extra={"opened": opened,
                     "on": f"{today:%Y-%m-%d}"})  # fmt: skip
    return opened


# --- task lists ("20+X") ---------------------------------------------------------------------------

TASK_UNIT_KINDS = (UnitKind.TOWNSHIP_COMMITTEE, UnitKind.DISCIPLINE_COMMISSION, UnitKind.STATIONED_GROUP)


@transaction.atomic
def common_tasks_ensure(*, year: int) -> list[CommonTask]:
    """The year's 20 common tasks (shipped defaults, due at the end of their quarter)."""
    existing = list(CommonTask.objects.filter(year=year).order_by("number"))
    if existing:
        return existing
    CommonTask.objects.bulk_create(
        CommonTask(year=year, number=i, title=t, due_date=_month_end(year, 3 * ((i - 1) // 5 + 1)))
        for i, t in enumerate(defaults.COMMON_TASKS, start=1)
    )
    return list(CommonTask.objects.filter(year=year).order_by("number"))


@transaction.atomic
def tasklist_create(*, actor, year: int, unit: Unit, request=None) -> TaskList:
    """A unit's "20+X" list: the common tasks copied in; its own ("X") are added after."""
    _require(actor, "grassroots.manage", unit)
    if unit.kind not in TASK_UNIT_KINDS and not Station.objects.filter(unit=unit).exists():
        raise ValidationError({"unit": "任务清单属于纪委、监督检查室、派驻组或联络站"})
    if TaskList.objects.filter(year=year, unit=unit).exists():
        raise ValidationError({"unit": f"{unit.name}{year}年的任务清单已建立"})
    tl = TaskList.objects.create(year=year, unit=unit, created_at=timezone.now())
    Task.objects.bulk_create(
        Task(task_list=tl, common=c, title=c.title, due_date=c.due_date)
        for c in common_tasks_ensure(year=year)
    )
    audit_record(actor=actor, action="grassroots.tasklist.create", obj=tl, unit_id=unit.pk, request=request)
    return tl


@transaction.atomic
def task_add(*, actor, task_list: TaskList, title: str, due_date: date, request=None) -> Task:
    """An own task (the "X")."""
    _require(actor, "grassroots.manage", task_list.unit)
    title = _text(title, "title", "任务名称", max_len=200)
    if due_date.year != task_list.year:
        raise ValidationError({"due_date": f"完成期限须在{task_list.year}年内"})
    task = Task.objects.create(task_list=task_list, title=title, due_date=due_date)
    audit_record(actor=actor, action="grassroots.task.add", obj=task_list, unit_id=task_list.unit_id,
                 request=request, extra={"task": task.pk})  # fmt: skip
    return task


def can_complete(user, task_list: TaskList) -> bool:
    return any(
        has_capability(user, c) and scope(user, c).contains(task_list.unit)
        for c in ("grassroots.manage", "grassroots.submit")
    )


@transaction.atomic
def task_complete(*, actor, task: Task, evidence: str, request=None) -> Task:
    """Mark a task done with its evidence (完成情况与佐证): by the unit's own people or its manager."""
    task = Task.objects.select_for_update().select_related("task_list__unit").get(pk=task.pk)
    if actor is not None and not can_complete(actor, task.task_list):  # None: the system (demo, imports)
        raise PermissionDenied("您无权办理该任务")
    if task.done_at is not None:
        raise ValidationError({"evidence": "该任务已完成"})
    task.evidence = _text(evidence, "evidence", "完成情况与佐证", max_len=1000)
    task.done_at, task.done_by = timezone.now(), actor
    task.save(update_fields=["evidence", "done_at", "done_by"])
    audit_record(actor=actor, action="grassroots.task.complete", obj=task.task_list, unit_id=task.task_list.unit_id,
                 request=request, extra={"task": task.pk})  # fmt: skip
    return task
