"""Writes of the inspections app: plans, rounds, indicators, findings (atomic, audited).

Pools live in `pools.py`, the cross-inspection assignment in `assignment.py`, rectification in
`rectification.py`; each is a services module in the same sense.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.inspections.models import (
    Finding,
    Indicator,
    KeyPoint,
    Plan,
    PlanKind,
    PlanTarget,
    Round,
    RoundKind,
    RoundTarget,
    RoundUnification,
    Unification,
)
from qinglian.people.models import Unit

MAX_TEXT = 5000


def require(actor, capability: str, unit: Unit, message: str = "该单位不在您的管理范围内") -> None:
    """`actor` None is the system (a background task, the demo generator)."""
    if actor is None:
        return
    if not has_capability(actor, capability):
        raise PermissionDenied("您的角色无权进行此操作")
    if not scope(actor, capability).contains(unit):
        raise PermissionDenied(message)


def clean_text(value, field: str, label: str, *, required: bool = True, max_len: int = MAX_TEXT) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if "\x00" in text:
        raise ValidationError({field: f"{label}含有无效字符"})
    if required and not text:
        raise ValidationError({field: f"请填写{label}"})
    if len(text) > max_len:
        raise ValidationError({field: f"{label}不能超过{max_len}字"})
    return text


# --- plans ---------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor, kind: str, title: str, owner_unit: Unit, start_year: int, end_year: int | None = None,
    parent: Plan | None = None, source_file: str = "", request=None,
) -> Plan:  # fmt: skip
    require(actor, "inspections.plan", owner_unit)
    if kind not in PlanKind.values:
        raise ValidationError({"kind": "规划类型无效"})
    title = clean_text(title, "title", "名称", max_len=120)
    if kind == PlanKind.FIVE_YEAR:
        end_year = start_year + 4 if end_year is None else end_year
        if end_year - start_year != 4:
            raise ValidationError({"end_year": "五年规划须覆盖连续五个年度"})
    else:
        end_year = start_year if end_year is None else end_year
    if not (2000 <= start_year <= 2100) or end_year < start_year:
        raise ValidationError({"start_year": "年度无效"})
    if parent is not None and (
        parent.kind != PlanKind.FIVE_YEAR or not parent.start_year <= start_year <= parent.end_year
    ):
        raise ValidationError({"parent": "年度计划须属于覆盖该年度的五年规划"})  # fmt: skip
    plan = Plan.objects.create(
        kind=kind, title=title, owner_unit=owner_unit, start_year=start_year, end_year=end_year, parent=parent,
        source_file=source_file[:255], created_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="inspections.plan.create", obj=plan, unit_id=owner_unit.pk, request=request,
                 extra={"kind": kind, "years": [start_year, end_year]})  # fmt: skip
    return plan


@transaction.atomic
def plan_targets_set(*, actor, plan: Plan, rows: list[dict], request=None) -> list[PlanTarget]:
    """Replace the plan's targets. rows: {unit, year, order, upgraded}. Every bad row is reported
    and nothing is written."""
    require(actor, "inspections.plan", plan.owner_unit)
    errors, seen, clean = [], set(), []
    for i, row in enumerate(rows, 1):
        unit, year = row.get("unit"), row.get("year")
        if unit is None:
            errors.append(f"第{i}行：找不到单位")
            continue
        if not unit.is_within(plan.owner_unit) and plan.kind != PlanKind.CITY:
            errors.append(f"第{i}行：{unit.name} 不在 {plan.owner_unit.name} 范围内")
        if not isinstance(year, int) or not plan.start_year <= year <= plan.end_year:
            errors.append(f"第{i}行：年度须在 {plan.start_year}–{plan.end_year} 之间")
        if (unit.pk, year) in seen:
            errors.append(f"第{i}行：{unit.name} 在 {year} 年重复")
        seen.add((unit.pk, year))
        order = row.get("order") or 1
        if not isinstance(order, int) or not 1 <= order <= 20:
            errors.append(f"第{i}行：轮次顺序须为 1–20")
        clean.append(
            PlanTarget(plan=plan, unit=unit, year=year, order=order, upgraded=bool(row.get("upgraded")))
        )
    if errors:
        raise ValidationError({"rows": errors})
    PlanTarget.objects.filter(plan=plan).delete()
    created = PlanTarget.objects.bulk_create(clean)
    audit_record(actor=actor, action="inspections.plan.targets", obj=plan, unit_id=plan.owner_unit_id,
                 request=request, extra={"count": len(created)})  # fmt: skip
    return created


# --- rounds --------------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *, actor, plan: Plan, number: int, kind: str, start_date: date, end_date: date, title: str = "",
    targets: list[Unit] = (), previous: Round | None = None, request=None,
) -> Round:  # fmt: skip
    require(actor, "inspections.plan", plan.owner_unit)
    if plan.kind == PlanKind.CITY:
        raise ValidationError({"plan": "上级计划只用于对照，轮次须建在本级年度计划下"})
    if kind not in RoundKind.values:
        raise ValidationError({"kind": "巡察类型无效"})
    if end_date < start_date:
        raise ValidationError({"end_date": "结束日期不能早于进驻日期"})
    if not isinstance(number, int) or not 1 <= number <= 50:
        raise ValidationError({"number": "轮次须为 1–50"})
    outside = [u.name for u in targets if not u.is_within(plan.owner_unit)]
    if outside:
        raise ValidationError(
            {"targets": f"以下单位不在 {plan.owner_unit.name} 范围内：{'、'.join(outside)}"}
        )
    title = clean_text(title, "title", "名称", required=False, max_len=120) or (
        f"{plan.start_year}年第{number}轮{RoundKind(kind).label}"
    )
    rnd = Round.objects.create(
        plan=plan, number=number, title=title, kind=kind, organiser=plan.owner_unit, start_date=start_date,
        end_date=end_date, previous=previous, created_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    RoundTarget.objects.bulk_create(RoundTarget(round=rnd, unit=u) for u in dict.fromkeys(targets))
    audit_record(actor=actor, action="inspections.round.create", obj=rnd, unit_id=plan.owner_unit_id,
                 request=request, extra={"kind": kind, "targets": [u.pk for u in targets]})  # fmt: skip
    return rnd


@transaction.atomic
def round_targets_add(*, actor, round: Round, units: list[Unit], request=None) -> int:
    require(actor, "inspections.plan", round.organiser)
    if round.status not in (Round.Status.PLANNED, Round.Status.ASSIGNED):
        raise ValidationError({"round": "进驻后不能再增加巡察对象"})
    outside = [u.name for u in units if not u.is_within(round.organiser)]
    if outside:
        raise ValidationError(
            {"targets": f"以下单位不在 {round.organiser.name} 范围内：{'、'.join(outside)}"}
        )
    have = set(round.targets.values_list("unit_id", flat=True))
    new = [RoundTarget(round=round, unit=u) for u in dict.fromkeys(units) if u.pk not in have]
    RoundTarget.objects.bulk_create(new)
    audit_record(actor=actor, action="inspections.round.targets", obj=round, unit_id=round.organiser_id,
                 request=request, extra={"added": [t.unit_id for t in new]})  # fmt: skip
    return len(new)


ROUND_MOVES = {
    Round.Status.PLANNED: (Round.Status.ASSIGNED,),
    Round.Status.ASSIGNED: (Round.Status.ONGOING, Round.Status.PLANNED),
    Round.Status.ONGOING: (Round.Status.FEEDBACK,),
    Round.Status.FEEDBACK: (Round.Status.CLOSED,),
    Round.Status.CLOSED: (),
}


@transaction.atomic
def round_move(*, actor, round: Round, to: str, feedback_date: date | None = None, request=None) -> Round:
    """The one transition of a round's status."""
    require(actor, "inspections.plan", round.organiser)
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if to not in ROUND_MOVES.get(rnd.status, ()):
        raise ValidationError(
            {"status": f"轮次状态为“{rnd.get_status_display()}”，不能转为“{Round.Status(to).label}”"}
        )
    if to == Round.Status.ONGOING and rnd.targets.filter(team__isnull=True).exists():
        raise ValidationError({"status": "还有巡察对象未分配巡察组"})
    if to == Round.Status.FEEDBACK:
        feedback_date = feedback_date or timezone.localdate()
        if feedback_date < rnd.start_date:
            raise ValidationError({"feedback_date": "反馈日期不能早于进驻日期"})
        rnd.feedback_date = feedback_date
    before = rnd.status
    rnd.status = to
    rnd.save(update_fields=["status", "feedback_date"])
    audit_record(actor=actor, action="inspections.round.move", obj=rnd, unit_id=rnd.organiser_id, request=request,
                 extra={"from": before, "to": to})  # fmt: skip
    if to == Round.Status.ONGOING:
        from qinglian.inspections.assignment import round_grants_issue

        round_grants_issue(actor=actor, round=rnd, request=request)
    if to == Round.Status.FEEDBACK:
        from qinglian.inspections.rectification import deadlines_from_feedback

        deadlines_from_feedback(rnd)
    return rnd


@transaction.atomic
def unification_record(
    *, actor, round: Round, item: str, done_on: date, note: str, request=None
) -> RoundUnification:
    """One of the "six unifications" of a round (六统一)."""
    require(actor, "inspections.plan", round.organiser)
    if item not in Unification.values:
        raise ValidationError({"item": "事项无效"})
    note = clean_text(note, "note", "说明", max_len=500)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "完成日期不能晚于今天"})
    obj, _ = RoundUnification.objects.update_or_create(
        round=round, item=item,
        defaults={"done_on": done_on, "note": note, "recorded_by": actor, "recorded_at": timezone.now()},
    )  # fmt: skip
    audit_record(actor=actor, action="inspections.round.unification", obj=round, unit_id=round.organiser_id,
                 request=request, extra={"item": item})  # fmt: skip
    return obj


# --- indicators ----------------------------------------------------------------------------------


@transaction.atomic
def indicator_save(
    *, actor, code: str, title: str, parent: Indicator | None = None, order: int = 0, active: bool = True,
    key_points: list[dict] | None = None, request=None,
) -> Indicator:  # fmt: skip
    """Create or update an indicator (three levels). key_points: [{unit_kind, focus, text}] replace
    the indicator's key points when given."""
    if actor is not None and not has_capability(actor, "inspections.plan"):
        raise PermissionDenied("您的角色无权维护巡察指标")
    code = clean_text(code, "code", "编号", max_len=16)
    title = clean_text(title, "title", "指标", max_len=255)
    level = 1 if parent is None else parent.level + 1
    if level > 3:
        raise ValidationError({"parent": "指标最多三级"})
    ind, _ = Indicator.objects.update_or_create(
        code=code,
        defaults={"title": title, "parent": parent, "level": level, "order": order, "active": active},
    )
    if key_points is not None:
        from qinglian.inspections.models import Focus

        rows = []
        for kp in key_points:
            if kp.get("focus", Focus.GENERAL) not in Focus.values:
                raise ValidationError({"key_points": "重点类别无效"})
            rows.append(KeyPoint(indicator=ind, unit_kind=kp.get("unit_kind", ""), focus=kp.get("focus", Focus.GENERAL),
                                 text=clean_text(kp.get("text"), "key_points", "监督重点", max_len=500)))  # fmt: skip
        ind.key_points.all().delete()
        KeyPoint.objects.bulk_create(rows)
    audit_record(actor=actor, action="inspections.indicator.save", obj=ind, extra={"code": code})
    return ind


# --- findings ------------------------------------------------------------------------------------


def _target_for(round: Round, unit: Unit) -> RoundTarget | None:
    for t in round.targets.select_related("unit"):
        if unit.is_within(t.unit):
            return t
    return None


@transaction.atomic
def finding_record(
    *, actor, round: Round, unit: Unit, text: str, indicator: Indicator | None = None, cadre=None,
    source: str = "", request=None,
) -> Finding:  # fmt: skip
    """Record a problem found during a round, about `unit` (a target of the round or a unit inside
    one) and, optionally, a cadre. Nothing is put on anyone's file yet: a unit finding counts once a
    named person confirms it (`finding_confirm`), a person's matter only through intake's clue
    procedure (`finding_handover`).

    Also called by the selfreports app when an inspector turns a copied pair into a finding.
    """
    require(actor, "inspections.findings", unit, "该单位不在您本轮巡察的授权范围内")
    text = clean_text(text, "text", "问题")
    source = clean_text(source, "source", "来源", required=False, max_len=100)
    if round.status in (Round.Status.CLOSED,):
        raise ValidationError({"round": "本轮巡察已结束，不能再记录问题"})
    if _target_for(round, unit) is None:
        raise ValidationError({"unit": f"{unit.name} 不是本轮巡察对象"})
    if indicator is not None and not indicator.active:
        raise ValidationError({"indicator": "该指标已停用"})
    if cadre is not None and not cadre.unit.is_within(unit) and cadre.unit_id != unit.pk:
        posts = cadre.posts.filter(unit__path__startswith=unit.path).exists()
        if not posts:
            raise ValidationError({"cadre": f"{cadre.name} 不在 {unit.name}，也未曾在该单位任职"})
    finding = Finding.objects.create(
        round=round, unit=unit, indicator=indicator, cadre=cadre, text=text, source=source,
        recorded_by=actor, recorded_at=timezone.now(),
    )  # fmt: skip
    audit_record(
        actor=actor, action="inspections.finding.record", obj=finding, unit_id=unit.pk,
        person_id=cadre.pk if cadre else None, request=request,
        extra={"round": round.pk, "indicator": indicator.code if indicator else None, "source": source},
    )  # fmt: skip
    return finding


@transaction.atomic
def finding_handover(*, actor, finding: Finding, problem_type: str = "other", request=None):
    """Turn a finding about a person into a clue in intake (巡察移交), through intake's services.

    If the actor may handle clues for the unit, the clue is registered at once; otherwise the
    matter goes to intake as a transfer from the inspection (channel 巡察移交), which the
    commission registers as a clue. The content lives in intake, sealed; the finding only links it.
    """
    from qinglian.intake.models import Channel, Clue, ProblemType
    from qinglian.intake.services import clue_register, report_create
    from qinglian.people.selectors import supervising_body

    require(actor, "inspections.findings", finding.unit)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.cadre_id is None:
        raise ValidationError({"cadre": "只有涉及具体人员的问题才移交问题线索；单位问题转整改"})
    if finding.clue_id or finding.report_id:
        raise ValidationError({"finding": "该问题已移交"})
    if problem_type not in ProblemType.values:
        raise ValidationError({"problem_type": "问题类别无效"})
    cadre = finding.cadre
    reference = f"{finding.round.title} 巡察发现问题 #{finding.pk}"[:100]
    if (
        actor is not None
        and has_capability(actor, "intake.handle")
        and scope(actor, "intake.handle").contains(cadre.unit)
    ):
        finding.clue = clue_register(
            actor=actor, summary=finding.text, problem_type=problem_type, cadres=[cadre], source=Clue.Source.INSPECTION,
            source_reference=reference, request=request,
        )  # fmt: skip
    else:
        receiver = supervising_body(cadre.unit)
        if receiver is None:
            raise ValidationError({"cadre": "找不到对该单位负监督责任的纪检监察机构，无法移交"})
        finding.report = report_create(
            actor=None, channel=Channel.INSPECTION, receiving_unit=receiver, problem_type=problem_type,
            content={"subject_name": cadre.name, "subject_unit": cadre.unit.name, "subject_post": cadre.post_title,
                     "facts": finding.text},
            source_agency=finding.round.organiser, source_reference=reference, request=request,
        )  # fmt: skip
    finding.status = Finding.Status.HANDED_OVER
    finding.save(update_fields=["clue", "report", "status"])
    audit_record(actor=actor, action="inspections.finding.handover", obj=finding, unit_id=finding.unit_id,
                 person_id=cadre.pk, request=request,
                 extra={"clue": finding.clue_id, "report": finding.report_id})  # fmt: skip
    return finding


@transaction.atomic
def finding_confirm(
    *, actor, finding: Finding, decided_by: str, category: str, owner_unit: Unit | None = None, plan: str = "",
    request=None,
):  # fmt: skip
    """A named person confirms a unit finding at feedback: it becomes a rectification item and a
    yellow point (巡察发现问题) on the unit's ecology, naming the round and the indicator."""
    from qinglian.archive.services import entry_record
    from qinglian.inspections.rectification import rectification_open

    require(actor, "inspections.findings", finding.unit)
    finding = (
        Finding.objects.select_for_update().get(pk=finding.pk)  # no outer join under FOR UPDATE
    )
    decided_by = clean_text(decided_by, "decided_by", "确认人（具名）", max_len=64)
    if finding.status == Finding.Status.CONFIRMED or hasattr(finding, "rectification"):
        raise ValidationError({"finding": "该问题已确认转整改"})
    owner = owner_unit or finding.unit
    if not owner.is_within(finding.unit) and not finding.unit.is_within(owner):
        raise ValidationError({"owner_unit": "整改责任单位须为被巡察单位或其上下级"})
    basis = f"（指标 {finding.indicator.code} {finding.indicator.title}）" if finding.indicator else ""
    finding.unit_entry = entry_record(
        actor=actor, kind="unit.inspection_finding", unit=finding.unit, occurred_on=timezone.localdate(),
        summary=f"{finding.round.title}发现：{finding.text[:200]}{basis}", decided_by=decided_by,
        source_app="inspections", source_type="finding", source_id=str(finding.pk),
        source_reference=finding.round.title[:100], check_permission=False, request=request,
    )  # fmt: skip
    finding.decided_by = decided_by
    finding.status = Finding.Status.CONFIRMED
    finding.save(update_fields=["unit_entry", "decided_by", "status"])
    rect = rectification_open(actor=actor, finding=finding, owner_unit=owner, category=category, plan=plan,
                              request=request)  # fmt: skip
    audit_record(actor=actor, action="inspections.finding.confirm", obj=finding, unit_id=finding.unit_id,
                 request=request, extra={"decided_by": decided_by, "rectification": rect.pk})  # fmt: skip
    return rect


# --- plan import (the city's plan, or any plan's targets, from Excel) ----------------------------


def plan_columns():
    from qinglian.core.excel import Column

    return [
        Column("单位代码", "code", required=True),
        Column("单位名称", "name", note="仅供核对"),
        Column("年度", "year", required=True),
        Column("轮次顺序", "order"),
        Column("提级巡察", "upgraded", choices=["是", "否"]),
    ]


def plan_import(*, actor, plan: Plan, data: bytes, filename: str, request=None) -> list[PlanTarget]:
    """Replace a plan's targets from an .xlsx (e.g. the city's plan, imported to align with).
    Atomic: any bad row writes nothing, and every bad row is reported."""
    from qinglian.core.excel import FileRejected, read_table

    require(actor, "inspections.plan", plan.owner_unit)
    try:
        rows = list(read_table(data, plan_columns(), max_rows=5000))
    except FileRejected as exc:
        raise ValidationError({"file": str(exc)}) from None
    units = {u.code: u for u in Unit.objects.filter(code__in=[r.get("单位代码", "") for _, r in rows])}
    errors, clean = [], []
    for number, r in rows:
        code, name = r.get("单位代码", ""), r.get("单位名称", "")
        unit = units.get(code)
        if unit is None:
            errors.append(f"第{number}行：找不到单位代码“{code[:20]}”")
            continue
        if name and name != unit.name:
            errors.append(f"第{number}行：单位代码 {code} 是“{unit.name}”，与所填名称“{name[:30]}”不符")
        try:
            year = int(r.get("年度", ""))
            order = int(r.get("轮次顺序") or 1)
        except ValueError:
            errors.append(f"第{number}行：年度和轮次顺序须为整数")
            continue
        clean.append({"unit": unit, "year": year, "order": order, "upgraded": r.get("提级巡察") == "是"})
    if errors:
        raise ValidationError({"rows": errors})
    with transaction.atomic():
        try:
            created = plan_targets_set(actor=actor, plan=plan, rows=clean, request=request)
        except ValidationError as exc:
            # plan_targets_set numbers rows from 1; say they are data rows (Excel row = n + 1).
            raise ValidationError(
                {"rows": [m.replace("第", "第（数据）", 1) for m in exc.message_dict.get("rows", [])]}
            ) from None
        Plan.objects.filter(pk=plan.pk).update(
            source_file=clean_text(filename, "file", "文件名", max_len=255)
        )
    return created
