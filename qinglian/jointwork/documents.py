"""Documents of the joint work: meeting minutes (会议纪要) and circulars (通报).

Minutes name linked cadres and clue numbers but never a clue's content (sealed); both templates
need `jointwork.view` to be listed or downloaded besides the issuing unit's `documents.view`."""

from __future__ import annotations

from datetime import date

from qinglian.documents.content import OfficialDocument, Table
from qinglian.documents.registry import document_template

MINUTES = "jointwork.minutes"
CIRCULAR = "jointwork.circular"


@document_template(MINUTES, name="联席会议纪要", view_capability="jointwork.view")
def minutes(*, meeting, detail) -> OfficialDocument:
    body: list = [
        f"{meeting.held_on.year}年{meeting.held_on.month}月{meeting.held_on.day}日，{meeting.convener_name}"
        f"在{meeting.place}召集召开{meeting.title}。",
    ]
    if detail.agencies:
        body.append("参会成员单位：" + "、".join(a.name for a in detail.agencies) + "。")
    if detail.attendees:
        body.append(
            "参会人员："
            + "、".join(f"{p.name}（{p.post}）" if p.post else p.name for p in detail.attendees)
            + "。"
        )
    if detail.cases:
        body.append("一、研究事项")
        for i, c in enumerate(detail.cases, 1):
            links = "；".join(x for x in (f"涉及干部：{c.cadre_name}" if c.cadre_name else "",
                                          f"涉及单位：{c.unit_name}" if c.unit_name else "",
                                          f"问题线索：{c.clue_number}" if c.clue_number else "") if x)  # fmt: skip
            body.append(f"{i}．{c.case.summary}" + (f"（{links}）" if links else ""))
    if detail.decisions:
        body.append("二、议定事项")
        rows = []
        for i, d in enumerate(detail.decisions, 1):
            body.append(f"{i}．{d.text}")
            for a, _status, label in d.rows:
                owner = a.owner_unit.name if a.owner_unit else str(a.owner_user)
                rows.append([str(len(rows) + 1), a.title, owner, a.due_date.isoformat(), label])
        if rows:
            body.append(Table(header=["序号", "交办任务", "责任单位/责任人", "完成时限", "状态"], rows=rows,
                              caption="交办任务清单"))  # fmt: skip
            body.append("以上任务由责任单位按期办结并报送办理情况，逾期未办结的由召集单位督办。")
    return OfficialDocument(title=f"{meeting.title}纪要", body=body, issuing_body=meeting.unit.name,
                            date=meeting.held_on)  # fmt: skip


AUDIENCE_ADDRESSEE = {"committee": "县委", "congress": "县人大常委会、县人民政府、县政协"}


@document_template(CIRCULAR, name="大监督工作情况通报", view_capability="jointwork.view")
def circular(*, circular, on_date: date) -> OfficialDocument:
    f = circular.figures
    m, a, r = f["meetings"], f["assignments"], f["reviews"]
    start, end = date.fromisoformat(f["start"]), date.fromisoformat(f["end"])
    period = f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
    done_rate = f"{a['done'] * 100 // a['total']}%" if a["total"] else "—"
    body: list = [
        f"现将{period}“8+X”大监督工作专班联席会议及议定事项落实情况通报如下。",
        f"一、会议召开情况。期间共召开季度分析会{m['quarterly']}次、半年联席会议{m['half_yearly']}次、"
        f"专题会议{m['ad_hoc']}次，形成议定事项{f['decisions']}项。",
        f"二、交办任务落实情况。议定事项交办任务{a['total']}项，已完成{a['done']}项（其中逾期完成{a['done_late']}项），"
        f"完成率{done_rate}；正在办理{a['open']}项；截至{on_date.year}年{on_date.month}月{on_date.day}日"
        f"逾期未完成{a['overdue']}项。",
        f"三、联审情况。期间提请联审{r['total']}人次，同意{r['agree']}人次、暂缓{r['postpone']}人次、"
        f"不同意{r['disagree']}人次，尚待研究{r['undecided']}人次。",
    ]
    if f["overdue"]:
        body.append(Table(header=["序号", "会议", "交办任务", "责任单位/责任人", "完成时限"],
                          rows=[[str(i), x["meeting"], x["title"], x["owner"], x["due"]]
                                for i, x in enumerate(f["overdue"], 1)],
                          caption="逾期未完成的交办任务"))  # fmt: skip
        body.append("请上述责任单位限期办结，专班将持续跟踪督办，对推诿扯皮、落实不力的依规依纪问责。")
    else:
        body.append("期间交办任务无逾期未完成情况。")
    return OfficialDocument(title=f"关于{period}大监督工作情况的通报", body=body, issuing_body=f["unit"], date=on_date,
                            addressee=AUDIENCE_ADDRESSEE[circular.audience])  # fmt: skip
