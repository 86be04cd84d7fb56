"""Departure handovers (离任交接) for the demo county (东湖县), seeded, through the handover services.

About 40 cases of departed top leaders over the last three years, in every state: closed (items
handed over, the successor signed, the three bodies' parts done, the departure audit reported,
findings decided — some confirmed onto the unit's file, one about a person referred to the
commission), signed but waiting for the audit, and open with items still to hand over (one of
them overdue). If the demo's cadre login (`ganbu`) has a cadre record, he is the successor of an
open case whose items are all handed over, so he can sign it on his own page (/handovers/mine/).

Call: `generate(users={u.username: u for u in User.objects.filter(username__in=["zuzhi", "jiancha",
"zhuanban"])})` after the cadres and the archive are loaded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from qinglian.handovers import services
from qinglian.handovers.models import Body, HandoverCase
from qinglian.people.models import Cadre, Unit, UnitKind

REASONS = ["transfer"] * 5 + ["promotion"] * 3 + ["retirement"] * 2 + ["removal"]
HANDED = {
    "未完成的重大事项": "在办“三重一大”事项{n}项，已逐项说明进展和责任人",
    "财务与资产": "银行账户{n}个、固定资产清单及财务印鉴已清点移交",
    "工程项目与合同": "在建项目{n}个、履行中的合同{m}份及档案已移交",
    "人事事项": "编制及在岗人员情况、在办人事事项{n}项已说明",
    "文件与印章": "单位印章{n}枚、涉密载体及重要文件已登记移交",
    "风险与问题": "已知廉政风险点{n}处及巡察反馈问题整改情况已说明",
}
FINDINGS = [
    ("unit", "finance", "违规发放津贴补贴", 36800),
    ("unit", "assets", "固定资产账实不符，部分设备未入账", 125000),
    ("unit", "projects", "工程项目未按规定进行招标，化整为零规避招标", 480000),
    ("unit", "finance", "超标准列支公务接待费用", 12600),
    ("unit", "debt", "新增隐性债务未履行审批程序", 2000000),
    ("person", "decisions", "重大经济事项未经集体研究，由主要负责人个人决定", None),
]


@dataclass
class Summary:
    cases: int = 0
    by_status: dict = field(default_factory=dict)
    findings: int = 0
    unit_entries: int = 0
    referred: int = 0


def _days_before(today: date, rng: random.Random, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low, high))


def generate(*, users: dict, seed: int = 20261126, n: int = 40, today: date | None = None) -> Summary:
    """`users`: the demo logins by username: zuzhi (org_supervision), jiancha (discipline_supervision),
    zhuanban (the audit agency, whose unit is the county audit bureau)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    org, jw, agency = users["zuzhi"], users["jiancha"], users["zhuanban"]
    county = Unit.objects.get(code="QL-DH")
    commission = Unit.objects.filter(parent=county, kind=UnitKind.DISCIPLINE_COMMISSION).first() or county
    organisation = org.unit or county
    bureau = agency.unit or county
    leaders = list(
        Cadre.objects.filter(unit__path__startswith=county.path, is_top_leader=True, status="serving")
        .exclude(unit__kind__in=["village"]).select_related("unit").order_by("id")[: n * 3]
    )  # fmt: skip
    rng.shuffle(leaders)
    own = Cadre.objects.filter(user__username="ganbu").first()
    summary = Summary()
    for i, boss in enumerate(leaders[:n]):
        colleagues = list(Cadre.objects.filter(unit=boss.unit).exclude(pk=boss.pk).order_by("id")[:5])
        successor = colleagues[0] if colleagues else None
        if i == 0 and own is not None and own.pk != boss.pk:
            successor = own
        departed = _days_before(today, rng, 20, 1000) if i > 1 else _days_before(today, rng, 40, 60)
        parts = {
            Body.DISCIPLINE: {"unit": commission, "person": rng.choice(["陈明", "高峰", "林静"])},
            Body.ORGANISATION: {"unit": organisation, "person": rng.choice(["刘洋", "黄蕾", "徐斌"])},
            Body.AUDIT: {"unit": bureau, "person": rng.choice(["周晓", "吴刚", "郑丽"])},
        }
        case = services.case_open(
            actor=org, departing=boss, successor=successor, successor_name="" if successor else f"{boss.name[0]}某",
            departed_on=departed, reason=rng.choice(REASONS), parts=parts, audit_required=rng.random() < 0.85,
        )  # fmt: skip
        summary.cases += 1
        # state: i=0 all items done (for the cadre's own signature), i=1 overdue open, then mostly closed
        target = (
            "open_done"
            if i == 0
            else "open"
            if i == 1
            else rng.choice(["closed"] * 6 + ["signed"] * 2 + ["open"] * 2)
        )
        items = list(case.items.order_by("position"))
        upto = len(items) if target != "open" else rng.randint(1, len(items) - 1)
        for item in items[:upto]:
            text = HANDED.get(item.title, "已按清单移交").format(n=rng.randint(1, 9), m=rng.randint(2, 30))
            services.item_update(actor=org, item=item, status="done", handed_over=text)
        if target in ("open", "open_done"):
            summary.by_status["open"] = summary.by_status.get("open", 0) + 1
            continue
        signed_on = min(departed + timedelta(days=rng.randint(5, 25)), today)
        services.case_sign(actor=org, case=case, signer_name=case.successor_name, signed_on=signed_on)
        if case.audit_required:
            started = min(departed + timedelta(days=rng.randint(3, 20)), today)
            reported = (
                min(started + timedelta(days=rng.randint(20, 60)), today) if target == "closed" else None
            )
            services.departure_audit_save(
                actor=agency, case=case, auditor_unit=bureau, started_on=started, reported_on=reported,
                report_number=f"东审经责报〔{(reported or started).year}〕{i + 1}号" if reported else "",
                conclusion="经审计，该同志任职期间较好地履行了经济责任，发现的问题已提出整改意见。" if reported else "",
            )  # fmt: skip
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                subject, category, text, amount = rng.choice(FINDINGS)
                f = services.finding_record(actor=agency, case=case, subject=subject, category=category,
                                            description=text, amount=amount)  # fmt: skip
                summary.findings += 1
                if target != "closed":
                    continue
                heard = reported or today
                services.finding_hear(actor=agency, finding=f, explanation="被审计单位对问题无异议，已制定整改措施"
                                      if subject == "unit" else "本人称系工作紧急，事后已补办程序", heard_on=heard)  # fmt: skip
                confirm = rng.random() < 0.75
                decider = jw if subject == "person" else org
                services.finding_decide(actor=decider, finding=f, confirm=confirm,
                                        decider_name="县纪委常委会" if subject == "person" else "县委组织部部务会",
                                        note="问题属实" if confirm else "已整改到位，不予认定")  # fmt: skip
                if confirm:
                    summary.unit_entries += subject == "unit"
                    summary.referred += subject == "person"
        if target == "signed":
            summary.by_status["signed"] = summary.by_status.get("signed", 0) + 1
            continue
        for part in case.parts.all():
            actor = agency if part.body == Body.AUDIT else jw if part.body == Body.DISCIPLINE else org
            services.part_update(actor=actor, part=part, person=part.person, duty=part.duty, due_on=part.due_on,
                                 done_on=min(signed_on + timedelta(days=rng.randint(1, 30)), today),
                                 result="已按职责完成")  # fmt: skip
        case.refresh_from_db()
        services.case_close(actor=org, case=case, note="交接完毕，资料归档")
        summary.by_status["closed"] = summary.by_status.get("closed", 0) + 1
        if summary.by_status["closed"] <= 2:
            from qinglian.documents.services import document_generate
            from qinglian.handovers.documents import HANDOVER_RECORD

            document_generate(actor=org, template=HANDOVER_RECORD, data={"case": case, "on_date": today},
                              issuing_unit=case.unit, subject=case, formats=("docx",))  # fmt: skip
    assert HandoverCase.objects.count() >= summary.cases
    return summary
