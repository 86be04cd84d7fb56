"""Documents of clue disposal: the inquiry letter (函询通知书), GB/T 9704 style.

Issued by the body that owns the clue, numbered from its number register (甲纪函〔2026〕3号), to
the cadre, with a copy to the head of the cadre's party organisation who countersigns the reply.
It carries only the desensitised summary that a second person reviewed (`disposal.py`), never the
report itself, so nothing in it can identify the reporter. Documents made from this template are
listed and downloaded only by holders of `sealed.clue_content` (documents.registry).
"""

from __future__ import annotations

from datetime import date

from qinglian.documents.content import OfficialDocument
from qinglian.documents.registry import document_template

INQUIRY_LETTER = "intake.inquiry_letter"


def default_prefix(unit) -> str:
    """A 发文机关代字 for letters of `unit`: the first character of its jurisdiction's name + 纪函
    (甲县纪委监委 → 甲纪函). Staff may type another one."""
    name = (unit.name or "").strip()
    return f"{name[:1]}纪函" if name else "纪函"


@document_template(INQUIRY_LETTER, name="函询通知书", view_capability="sealed.clue_content")
def inquiry_letter(
    *, inquiry, summary: str, issuing_unit, on_date: date, reply_days: int
) -> OfficialDocument:
    cadre = inquiry.subject.cadre
    round_text = "" if inquiry.round == 1 else f"（第{inquiry.round}次）"
    body: list = [
        f"根据《中国共产党纪律检查机关监督执纪工作规则》有关规定，经研究，决定就反映你的有关问题予以函询{round_text}。"
        f"请你本着对组织忠诚老实的态度，对下列问题逐项如实作出书面说明，并在收到本函之日起{reply_days}个工作日内，"
        f"将说明材料经你所在党组织主要负责人签字后，报送{issuing_unit.name}。",
        "反映的主要问题：",
    ]
    lines = [line.strip() for line in summary.splitlines() if line.strip()]
    body += [f"{i}．{line}" if len(lines) > 1 else line for i, line in enumerate(lines, 1)]
    body += [
        "如实向组织说明情况是党员的义务。对函询问题如实说明的，予以采信，反映不实的予以澄清；"
        "对不如实说明、隐瞒事实真相的，将依规依纪严肃处理。",
        "特此函询。",
    ]
    return OfficialDocument(
        title=f"关于对{cadre.name}同志有关问题进行函询的通知",
        body=body,
        issuing_body=issuing_unit.name,
        date=on_date,
        addressee=f"{cadre.name}同志",
        cc=f"{cadre.unit.name}党组织主要负责人",
        printed_by=issuing_unit.name,
        printed_on=on_date,
    )
