"""The platform's own templates. Workflow apps register theirs in their own modules."""

from __future__ import annotations

from datetime import date

from qinglian.documents.content import OfficialDocument
from qinglian.documents.registry import document_template


@document_template("notice", name="通知")
def notice(
    *,
    title: str,
    paragraphs: list[str],
    issuing_body: str,
    on_date: date,
    addressee: str = "",
    red_header: bool = True,
    attachments: list[str] | None = None,
    cc: str = "",
    printed_by: str = "",
) -> OfficialDocument:
    """A 通知: the issuing body's red header (机关名称 + 文件), the title, the paragraphs."""
    title = title.strip()
    if not title.endswith("通知"):
        title = f"关于{title}的通知" if not title.startswith("关于") else f"{title}的通知"
    return OfficialDocument(
        title=title,
        body=[p.strip() for p in paragraphs if p.strip()],
        issuing_body=issuing_body,
        date=on_date,
        addressee=addressee.strip(),
        red_header=f"{issuing_body}文件" if red_header else "",
        attachments=list(attachments or []),
        cc=cc.strip().rstrip("。"),
        printed_by=printed_by.strip(),
    )
