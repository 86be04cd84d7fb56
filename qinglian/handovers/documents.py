"""The handover record (离任交接清单): what was handed over item by item, the parts of the
supervising bodies, the departure audit and the successor's sign-off. Rendered as docx and pdf by
the documents app; readable by those who may view handovers."""

from __future__ import annotations

from datetime import date

from qinglian.documents.content import OfficialDocument, Table, arabic_date
from qinglian.documents.registry import document_template

HANDOVER_RECORD = "handovers.record"


@document_template(HANDOVER_RECORD, name="离任交接清单", view_capability="handovers.view")
def handover_record(*, case, on_date: date) -> OfficialDocument:
    items = list(case.items.order_by("position"))
    parts = list(case.parts.select_related("unit").order_by("body"))
    body: list = [
        f"{case.unit.name}{case.departing_post}{case.departing_name}同志于{arabic_date(case.departed_on)}离任"
        f"（{case.get_reason_display()}），接任人为{case.successor_name}同志。依照主要领导干部离任交接的规定，"
        f"按交接事项清单（第{case.checklist.number}版）逐项交接如下。",
        Table(
            header=["序号", "交接事项", "状态", "交接内容及说明"],
            rows=[
                [str(i.position), i.title, i.get_status_display(), (i.handed_over or i.remark or "—")[:500]]
                for i in items
            ],  # fmt: skip
            caption="交接事项",
        ),
        Table(
            header=["监督主体", "责任单位", "责任人", "职责", "完成情况"],
            rows=[
                [
                    p.get_body_display(),
                    p.unit.name,
                    p.person,
                    p.duty,
                    f"{arabic_date(p.done_on)}完成：{p.result}"
                    if p.done_on
                    else f"期限{arabic_date(p.due_on)}，未完成",
                ]
                for p in parts
            ],  # fmt: skip
            caption="纪检、组织、审计部门职责",
        ),
    ]
    audit = getattr(case, "audit", None) if hasattr(case, "audit") else None
    if not case.audit_required:
        body.append("本次离任不进行离任审计。")
    elif audit is None:
        body.append("离任审计：尚未开展。")
    else:
        report = (f"已于{arabic_date(audit.reported_on)}出具审计报告（{audit.report_number}）。审计结论：{audit.conclusion}"
                  if audit.reported_on else f"审计中（{arabic_date(audit.started_on)}进点）。")  # fmt: skip
        body.append(f"离任审计：由{audit.auditor_unit.name}实施，{report}")
        findings = list(case.findings.order_by("id"))
        if findings:
            body.append(Table(
                header=["序号", "涉及对象", "类别", "问题", "认定情况"],
                rows=[[str(n), f.get_subject_display(), f.get_category_display(), f.description[:300],
                       f.get_status_display() + (f"（{f.decider_name}）" if f.decider_name else "")]
                      for n, f in enumerate(findings, 1)],
                caption="审计发现问题",
            ))  # fmt: skip
    if case.signed_on:
        body.append(f"接任人{case.signer_name}已于{arabic_date(case.signed_on)}签收本清单。{case.sign_note}")
    else:
        body.append("接任人签收：尚未签收。")
    body.append("离任干部（签字）：            接任人（签字）：            监交人（签字）：")
    return OfficialDocument(
        title=f"{case.departing_name}同志离任交接清单",
        body=body,
        issuing_body=case.unit.name,
        date=on_date,
    )
