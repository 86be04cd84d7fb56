"""The written feedback of 一报告两评议 (a numbered document per unit)."""

from __future__ import annotations

from datetime import date

from qinglian.documents.content import OfficialDocument, Table
from qinglian.documents.registry import document_template


@document_template("appointments.review_feedback", name="选人用人工作民主评议结果反馈意见")
def review_feedback(*, unit_name: str, year: int, issuing_body: str, on_date: date, rows: list[list[str]],
                    weak: bool, threshold: str, rectify_days: int) -> OfficialDocument:  # fmt: skip
    body: list = [
        f"根据{year}年度选人用人工作“一报告两评议”安排，现将你单位选人用人工作和新提拔任用干部民主评议结果反馈如下。",
        Table(
            [
                "评议事项",
                "参评人数",
                "满意（认可）",
                "基本满意（基本认可）",
                "不满意（不认可）",
                "不了解",
                "满意度",
            ],
            rows,
        ),
    ]
    if weak:
        body.append(
            f"评议满意度低于{threshold}%，请认真分析原因，研究制定整改措施，并于{rectify_days}个工作日内将整改情况书面报告。"
        )
    else:
        body.append("请继续坚持好干部标准，严格执行选人用人各项制度规定，进一步提高选人用人质量。")
    return OfficialDocument(
        title=f"关于{year}年度选人用人工作民主评议结果的反馈意见",
        body=body,
        issuing_body=issuing_body,
        date=on_date,
        addressee=unit_name,
    )
