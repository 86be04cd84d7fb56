"""Documents of inspections: the monthly circular of overdue rectification items (整改督查通报) and
the inspectors' commitment letters (保密承诺书、履职尽责承诺书)."""

from __future__ import annotations

from datetime import date

from qinglian.documents.content import OfficialDocument, Table
from qinglian.documents.registry import document_template

CIRCULAR = "inspections.circular"
COMMITMENT = "inspections.commitment"


@document_template(CIRCULAR, name="巡察整改督查通报")
def circular(*, organiser, items: list, on_date: date) -> OfficialDocument:
    body: list = [
        f"按照“一月一期整改督查通报”的要求，现将截至{on_date.year}年{on_date.month}月{on_date.day}日"
        f"超过整改期限仍未验收销号的巡察整改事项通报如下。",
    ]
    if items:
        body.append(Table(
            header=["序号", "责任单位", "巡察轮次", "问题", "整改期限", "当前状态"],
            rows=[[str(i), r.owner_unit.name, r.round.title, r.problem[:80], r.deadline.isoformat(),
                   r.get_status_display()] for i, r in enumerate(items, 1)],
            caption=f"逾期未完成整改事项（共{len(items)}项）",
        ))  # fmt: skip
        body.append("请上述单位主要负责人切实履行整改第一责任人职责，于下月督导前报送整改进展和佐证材料。")
    else:
        body.append("本月无逾期未完成的整改事项。")
    return OfficialDocument(title=f"关于{on_date.year}年{on_date.month}月巡察整改情况的督查通报", body=body,
                            issuing_body=organiser.name, date=on_date)  # fmt: skip


@document_template(COMMITMENT, name="巡察干部承诺书")
def commitment(*, inspector, kind_label: str, issuing_unit, on_date: date) -> OfficialDocument:
    if "保密" in kind_label:
        promises = [
            "严格遵守巡察工作保密纪律，不泄露巡察工作中知悉的国家秘密、工作秘密和个人隐私；",
            "不私自留存、复制、带离巡察工作材料，不向无关人员透露巡察情况和问题线索；",
            "巡察工作结束后及抽调期满后，继续履行保密义务。",
        ]
    else:
        promises = [
            "忠诚履职、敢于担当，按照巡察工作方案如实发现问题、形成震慑；",
            "严格执行中央八项规定精神，不接受被巡察单位宴请、礼品礼金，不干预被巡察单位正常工作；",
            "遇有应当回避的情形，主动报告并回避。",
        ]
    body = [f"本人{inspector.cadre.name}，现就参加巡察工作郑重承诺：", *promises,
            "如有违反，自愿接受组织处理。", "承诺人（签名）：            "]  # fmt: skip
    return OfficialDocument(title=kind_label, body=body, issuing_body=issuing_unit.name, date=on_date)


MONTHLY = "inspections.monthly_record"


@document_template(MONTHLY, name="巡察整改督导/推进会记录")
def monthly_record(
    *, organiser, kind_label: str, held_on: date, text: str, open_items: list
) -> OfficialDocument:
    body: list = [p for p in text.splitlines() if p.strip()] or [text]
    if open_items:
        body.append(Table(
            header=["序号", "责任单位", "问题", "整改期限", "当前状态"],
            rows=[[str(i), r.owner_unit.name, r.problem[:80], r.deadline.isoformat(), r.get_status_display()]
                  for i, r in enumerate(open_items, 1)],
            caption=f"尚未验收销号的整改事项（共{len(open_items)}项）",
        ))  # fmt: skip
    return OfficialDocument(title=f"{held_on.year}年{held_on.month}月{kind_label}", body=body,
                            issuing_body=organiser.name, date=held_on)  # fmt: skip
