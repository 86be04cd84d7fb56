"""Rectification after feedback (巡察整改): items, three gates, monthly supervision, circulars.

Seed 004: 一月一轮督导、一月一次整改推进会、一月一期整改督查通报；严把整改启动、推进、验收“三道关”，
念好纠、清、问、建“四字诀”. The deadline runs from the feedback date by a registry rule
(`inspections.rectification_deadline`, 2 months by default). Acceptance closes an item and
puts a blue 问题整改完成 entry on the unit's ecology. Public-disclosure text names units and
problems, never people.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability
from qinglian.archive.periods import add_months
from qinglian.audit.services import audit_record
from qinglian.inspections.models import Category, Finding, Gate, GatePass, MonthlyRecord, Rectification, Round
from qinglian.inspections.services import clean_text, require
from qinglian.people.models import Unit
from qinglian.rules.registry import param

DEADLINE_RULE = "inspections.rectification_deadline"
WORKITEM_KIND = "inspections.rectification"

# Which gate moves an item from which status, and who may pass it: the owning unit starts and
# advances; acceptance belongs to the inspection office (it has inspections.plan), never the unit.
GATES = {
    Gate.START: (Rectification.Status.OPEN, Rectification.Status.STARTED, "inspections.rectify"),
    Gate.ADVANCE: (Rectification.Status.STARTED, Rectification.Status.ADVANCING, "inspections.rectify"),
    Gate.ACCEPT: (Rectification.Status.ADVANCING, Rectification.Status.ACCEPTED, "inspections.plan"),
}


def deadline_for(feedback_date: date) -> tuple[date, str]:
    p = param(DEADLINE_RULE, "months", as_of=feedback_date)
    note = f"反馈之日起{p.value}个月（{p.citation}{'，默认值，依据待核实' if p.unsettled else ''}）"
    return add_months(feedback_date, int(p.value)), note


@transaction.atomic
def rectification_open(*, actor, finding: Finding, owner_unit: Unit, category: str, plan: str = "",
                       request=None) -> Rectification:  # fmt: skip
    if category not in Category.values:
        raise ValidationError({"category": "请选择纠、清、问、建中的一类"})
    rnd = finding.round
    base = rnd.feedback_date or timezone.localdate()
    deadline, _ = deadline_for(base)
    now = timezone.now()
    rect = Rectification.objects.create(
        finding=finding, round=rnd, owner_unit=owner_unit, problem=finding.text,
        plan=clean_text(plan, "plan", "整改措施", required=False), category=category, deadline=deadline,
        status_changed_at=now, created_at=now,
    )  # fmt: skip
    audit_record(actor=actor, action="inspections.rectification.open", obj=rect, unit_id=owner_unit.pk,
                 request=request, extra={"deadline": deadline.isoformat(), "category": category})  # fmt: skip
    transaction.on_commit(lambda: _open_workitem(rect.pk))
    return rect


def _open_workitem(rect_id: int) -> None:
    from qinglian.workitems.services import workitem_create

    rect = Rectification.objects.select_related("owner_unit").get(pk=rect_id)
    # An item opened after its deadline (feedback long past) is a to-do that is overdue at once.
    workitem_create(
        actor=None, subject=rect, kind=WORKITEM_KIND, title=f"巡察整改：{rect.problem[:60]}",
        assignee_unit=rect.owner_unit, due_date=rect.deadline, start=min(timezone.localdate(), rect.deadline),
    )  # fmt: skip


def deadlines_from_feedback(rnd: Round) -> int:
    """At feedback, items opened before it get their deadline from the feedback date."""
    deadline, _ = deadline_for(rnd.feedback_date)
    return (
        Rectification.objects.filter(round=rnd)
        .exclude(status=Rectification.Status.ACCEPTED)
        .update(deadline=deadline)
    )


@transaction.atomic
def rectification_plan(*, actor, rectification: Rectification, plan: str, request=None) -> Rectification:
    require(actor, "inspections.rectify", rectification.owner_unit)
    rect = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if rect.status == Rectification.Status.ACCEPTED:
        raise ValidationError({"plan": "已验收销号的事项不能修改"})
    rect.plan = clean_text(plan, "plan", "整改措施")
    rect.save(update_fields=["plan"])
    audit_record(actor=actor, action="inspections.rectification.plan", obj=rect, unit_id=rect.owner_unit_id,
                 request=request)  # fmt: skip
    return rect


@transaction.atomic
def gate_pass(*, actor, rectification: Rectification, gate: str, evidence: str, evidence_file=None,
              request=None) -> GatePass:  # fmt: skip
    """Pass one of the three gates, in order, with evidence."""
    if gate not in GATES:
        raise ValidationError({"gate": "关口无效"})
    before, after, capability = GATES[gate]
    if actor is not None and not has_capability(actor, capability):
        raise PermissionDenied("验收须由巡察机构进行" if gate == Gate.ACCEPT else "您的角色无权办理整改")
    require(actor, capability, rectification.owner_unit)
    rect = (
        Rectification.objects.select_for_update().select_related("finding", "round").get(pk=rectification.pk)
    )
    if rect.status != before:
        raise ValidationError(
            {
                "gate": f"事项状态为“{rect.get_status_display()}”，不能办理{Gate(gate).label}（须依次通过启动、推进、验收）"
            }
        )
    evidence = clean_text(evidence, "evidence", "佐证材料说明")
    if gate == Gate.START and not rect.plan.strip():
        raise ValidationError({"evidence": "启动整改前须先制定整改措施"})
    now = timezone.now()
    gp = GatePass(rectification=rect, gate=gate, evidence=evidence, passed_by=actor, passed_at=now)
    if evidence_file is not None:
        gp.evidence_file = evidence_file
    gp.save()
    rect.status = after
    rect.status_changed_at = now
    fields = ["status", "status_changed_at"]
    if gate == Gate.ACCEPT:
        from qinglian.archive.services import entry_record
        from qinglian.workitems.services import workitems_complete_for_subject

        rect.closing_entry = entry_record(
            actor=actor, kind="unit.rectified", unit=rect.owner_unit, occurred_on=timezone.localdate(),
            summary=f"{rect.round.title}问题整改验收：{rect.problem[:200]}", source_app="inspections",
            source_type="rectification", source_id=str(rect.pk), check_permission=False, request=request,
        )  # fmt: skip
        fields.append("closing_entry")
        workitems_complete_for_subject(actor=actor, subject=rect, kind=WORKITEM_KIND, note="整改验收销号")
    rect.save(update_fields=fields)
    audit_record(actor=actor, action="inspections.rectification.gate", obj=rect, unit_id=rect.owner_unit_id,
                 request=request, extra={"gate": gate, "status": after})  # fmt: skip
    return gp


def overdue_items(organiser: Unit, today: date):
    return (
        Rectification.objects.filter(round__organiser=organiser, deadline__lt=today)
        .exclude(status=Rectification.Status.ACCEPTED)
        .select_related("owner_unit", "round")
        .order_by("deadline", "owner_unit__path", "pk")
    )


def month_start(d: date) -> date:
    return d.replace(day=1)


@transaction.atomic
def monthly_record(
    *, actor, organiser: Unit, kind: str, held_on: date, text: str, request=None
) -> MonthlyRecord:
    """A monthly supervision round or progress meeting (the circular is generated: `circular_issue`)."""
    require(actor, "inspections.plan", organiser)
    if kind not in (MonthlyRecord.Kind.SUPERVISION, MonthlyRecord.Kind.MEETING):
        raise ValidationError({"kind": "类型无效"})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "日期不能晚于今天"})
    from qinglian.documents.services import document_generate
    from qinglian.inspections.documents import MONTHLY

    text = clean_text(text, "text", "内容")
    open_items = list(
        Rectification.objects.filter(round__organiser=organiser).exclude(status=Rectification.Status.ACCEPTED)
        .select_related("owner_unit").order_by("deadline", "pk")[:200]
    )  # fmt: skip
    docs = document_generate(
        actor=None, template=MONTHLY, formats=("docx",), issuing_unit=organiser,
        data={"organiser": organiser, "kind_label": MonthlyRecord.Kind(kind).label, "held_on": held_on, "text": text,
              "open_items": open_items},
    )  # fmt: skip
    rec = MonthlyRecord.objects.create(
        kind=kind, organiser=organiser, month=month_start(held_on), held_on=held_on, text=text,
        document=docs[0], recorded_by=actor, recorded_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="inspections.monthly.record", obj=rec, unit_id=organiser.pk, request=request,
                 extra={"kind": kind})  # fmt: skip
    return rec


def circular_issue(
    *, actor, organiser: Unit, today: date | None = None, request=None
) -> MonthlyRecord | None:
    """The month's circular (整改督查通报) of overdue items, as a document. Once a month per
    organiser; returns None if it already exists. Names units and problems, not people."""
    from qinglian.documents.services import document_generate

    today = today or timezone.localdate()
    month = month_start(today)
    if MonthlyRecord.objects.filter(
        kind=MonthlyRecord.Kind.CIRCULAR, organiser=organiser, month=month
    ).exists():
        return None
    require(actor, "inspections.reports", organiser)
    items = list(overdue_items(organiser, today))
    docs = document_generate(
        actor=actor, template="inspections.circular", formats=("docx",),
        data={"organiser": organiser, "items": items, "on_date": today}, issuing_unit=organiser,
    )  # fmt: skip
    with transaction.atomic():
        rec = MonthlyRecord.objects.create(
            kind=MonthlyRecord.Kind.CIRCULAR, organiser=organiser, month=month, held_on=today,
            text=f"{today.year}年{today.month}月整改督查通报：逾期未完成整改事项{len(items)}项",
            overdue_count=len(items), document=docs[0], recorded_by=actor, recorded_at=timezone.now(),
        )  # fmt: skip
        audit_record(actor=actor, action="inspections.circular.issue", obj=rec, unit_id=organiser.pk,
                     request=request, extra={"overdue": [r.pk for r in items]})  # fmt: skip
    return rec


def circulars_monthly(today: date | None = None) -> int:
    """Scheduled: every organiser with open rectification items gets this month's circular."""
    today = today or timezone.localdate()
    organisers = Unit.objects.filter(
        pk__in=Rectification.objects.exclude(status=Rectification.Status.ACCEPTED).values("round__organiser")
    )
    return sum(1 for o in organisers if circular_issue(actor=None, organiser=o, today=today))


def disclosure_text(rnd: Round) -> str:
    """Public-disclosure text for a round: units and problems, never individuals (seed 004:
    将巡察情况在相关媒体公开). A finding's text may mention a person's name; it is replaced."""
    from qinglian.people.models import Cadre

    rects = list(Rectification.objects.filter(round=rnd).select_related("owner_unit", "finding").order_by(
        "owner_unit__path", "pk"))  # fmt: skip
    names = set(
        Cadre.objects.filter(
            pk__in=Finding.objects.filter(round=rnd, cadre__isnull=False).values("cadre")
        ).values_list("name", flat=True)
    )
    names |= set(
        Cadre.objects.filter(unit__in={r.owner_unit_id for r in rects}).values_list("name", flat=True)
    )
    lines = [f"根据县委统一部署，{rnd.title}对以下单位党组织开展了巡察，现将巡察发现问题及整改情况公开如下："]
    by_unit: dict[str, list[Rectification]] = {}
    for r in rects:
        by_unit.setdefault(r.owner_unit.name, []).append(r)
    for unit_name, items in by_unit.items():
        done = sum(1 for r in items if r.status == Rectification.Status.ACCEPTED)
        lines.append(f"{unit_name}：巡察发现问题{len(items)}个，已整改完成{done}个。")
        for i, r in enumerate(items, 1):
            problem = r.problem
            for name in sorted(names, key=len, reverse=True):
                if len(name) >= 2:
                    problem = problem.replace(name, "有关人员")
            lines.append(f"  {i}．{problem}（{r.get_category_display()}；{r.get_status_display()}）")
    return "\n".join(lines)
