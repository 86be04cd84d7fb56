"""The documents of the referral area: the 问题转办单 (or 督办单) of a 三办 referral and the
纪检监察建议书 to a unit, both GB/T 9704 style with a 发文字号 from the number register.

Neither carries the reporter's identity: a referral sheet states the matter as staff wrote it for
the department, a letter the problems found in the unit. Both are still restricted to readers of
intake (`view_capability`), like the rest of the intake file.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from qinglian.documents.content import OfficialDocument, Table, arabic_date
from qinglian.documents.registry import document_template

REFERRAL_SHEET = "intake.referral_sheet"
RECOMMENDATION_LETTER = "intake.recommendation_letter"

# Supervision recommendations: 中华人民共和国监察法 (2018) 第四十五条第一款第（五）项.
LETTER_BASIS = "《中华人民共和国监察法》第四十五条"

SHEET_TITLES = {"refer": "问题转办单", "supervise": "问题督办单", "lead": "问题领办单"}


def default_prefix(unit_name: str, kind: str) -> str:
    """A 发文机关代字 to offer: the first character of the body's name, 纪, and 转 / 督 / 建
    (甲县纪委监委 → 甲纪转). Staff may change it; the number register keeps each prefix apart."""
    head = (unit_name or "纪")[:1]
    return f"{head}纪{kind}"


@document_template(REFERRAL_SHEET, name="问题转办单", view_capability="intake.view")
def referral_sheet(*, referral, on_date: date) -> OfficialDocument:
    report = referral.report
    title = SHEET_TITLES.get(referral.mode, "问题转办单")
    table = Table(
        header=["项目", "内容"],
        rows=[
            ["信访件编号", report.number],
            ["来源渠道", report.get_channel_display()],
            ["收到时间", arabic_date(timezone.localdate(report.received_at))],
            ["责任单位", referral.department.name],
            ["办理方式", referral.get_mode_display()],
            ["回复期限", arabic_date(referral.reply_due)],
        ],
    )
    body: list = [
        f"我委收到群众反映的以下问题，经研究，属于你单位职责范围，现按“{referral.get_mode_display()}”方式交你单位办理。",
        table,
        f"反映事项：{referral.matter}",
        f"请认真核实办理，并于{arabic_date(referral.reply_due)}前将办理结果书面回复我委。"
        "办理过程中请注意保护反映人的个人信息，不得泄露。",
    ]
    if referral.mode == "supervise":
        body.append("本件列为督办事项，我委将跟踪办理进度，逾期未办结的将予以通报。")
    return OfficialDocument(
        title=title,
        body=body,
        issuing_body=report.receiving_unit.name,
        date=on_date,
        addressee=referral.department.name,
    )


@document_template(RECOMMENDATION_LETTER, name="纪检监察建议书", view_capability="intake.view")
def recommendation_letter(*, letter, on_date: date) -> OfficialDocument:
    body: list = [
        f"我们在监督检查中发现，你单位存在以下问题：{letter.problems.strip()}",
        f"根据{LETTER_BASIS}等规定，现提出如下纪检监察建议：{letter.recommendations.strip()}",
        f"请你单位认真研究落实，于{arabic_date(letter.rectification_due)}前将整改情况书面报送我们。"
        "无正当理由拒不采纳纪检监察建议的，将依规依纪依法追究责任。",
    ]
    return OfficialDocument(
        title="纪检监察建议书",
        body=body,
        issuing_body=letter.issuing_unit.name,
        date=on_date,
        addressee=letter.unit.name,
    )
