"""The reply letter of an integrity opinion (党风廉政意见回复函), as .docx and PDF.

Issued by the discipline commission to the requesting unit: a summary table (序号, 姓名, 单位职务,
意见) and details for the candidates with findings. The letter carries only what the requester may
read (pending matters as “有待核实事项”), plus the dissenting views recorded beside a verdict.

The letter carries a 发文字号 from the commission's number register (documents.services):
代字 = the first character of the jurisdiction the commission belongs to + “纪函” (甲县纪委监委 →
甲纪函〔2026〕3号), numbered per commission and year.

Who can download it (qinglian/documents/access.py): its creator, anyone whose `documents.view`
scope covers the issuing commission, and — the template's own rule, `may_read_letter` — whoever
may open the opinion request itself (`access_opinion_request`: the requester, and holders of
`archive.opinion_request` over the requesting unit, and the commission), however narrow their
scope is otherwise. Nobody else.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from qinglian.archive.models import OpinionCandidate, OpinionRequest
from qinglian.archive.opinions import NOT_FOUND_TEXT, PENDING_PUBLIC, public_reasons
from qinglian.documents.content import OfficialDocument, Table
from qinglian.documents.registry import document_template
from qinglian.people.models import Unit, UnitKind

TEMPLATE = "archive.opinion_letter"
VERDICT_TEXT = {
    "clear": "无影响",
    "postpone": "暂缓（有待核实事项）",
    "object": "有影响",
    "not_found": "查无此人或不在范围内",
}


def commission_for(unit: Unit, *, fallback: Unit | None = None) -> Unit | None:
    """The discipline commission answering for `unit`: the nearest commission whose parent is the
    unit itself or one of its ancestors (甲县纪委监委 for anything in 甲县)."""
    ancestors = [p for p in unit.path.split("/") if p]
    commissions = Unit.objects.filter(
        kind=UnitKind.DISCIPLINE_COMMISSION, is_active=True, parent_id__in=[int(p) for p in ancestors]
    ).select_related("parent")
    best = max(commissions, key=lambda c: c.parent.depth, default=None)
    return best or fallback


def _post(c: OpinionCandidate) -> str:
    if c.cadre is None:
        return ""
    return f"{c.cadre.unit.name}{c.cadre.post_title}"


def _title(candidates: list[OpinionCandidate]) -> str:
    names = [c.cadre.name for c in candidates if c.cadre is not None] or [c.given_as for c in candidates]
    first = names[0] if names else ""
    if len(candidates) == 1:
        return f"关于{first}同志党风廉政情况的意见回复"
    return f"关于{first}等{len(candidates)}名同志党风廉政情况的意见回复"


def letter_prefix(issuing_unit: Unit) -> str:
    """The 发文机关代字 of the letter: 甲纪函 for 甲县纪委监委 (its jurisdiction's first character)."""
    owner = issuing_unit.parent if issuing_unit.parent_id else issuing_unit
    first = next((ch for ch in owner.name if not ch.isdigit() and ch not in "〔〕[]()（）"), "纪")
    return f"{first}纪函"


def may_read_letter(user, doc) -> bool:
    """Whoever may open the opinion request may download its reply letter."""
    from django.http import Http404

    from qinglian.archive.opinions import access_opinion_request

    if not doc.subject_id:
        return False
    request = OpinionRequest.objects.filter(pk=doc.subject_id).only("requested_by_id").first()
    if request is None:
        return False
    if request.requested_by_id == user.pk:
        return True
    try:
        access_opinion_request(user, doc.subject_id)
    except Http404:
        return False
    return True


@document_template(TEMPLATE, name="党风廉政意见回复", reader=may_read_letter)
def opinion_letter(*, opinion: OpinionRequest, issuing_unit: Unit, on_date: date) -> OfficialDocument:
    candidates = list(opinion.candidates.select_related("cadre", "cadre__unit").order_by("position"))
    table = Table(
        header=["序号", "姓名", "单位职务", "意见"],
        rows=[
            [str(c.position), c.cadre.name if c.cadre else c.given_as, _post(c), VERDICT_TEXT[c.verdict]]
            for c in candidates
        ],
    )
    body: list = [
        f"你单位关于{opinion.title}征求党风廉政意见的函收悉。经查阅干部廉政档案，"
        f"以{opinion.as_of.year}年{opinion.as_of.month}月{opinion.as_of.day}日为基准日，"
        f"就{opinion.get_purpose_display()}事项，现将{len(candidates)}名同志的党风廉政情况回复如下：",
        table,
    ]
    details = [c for c in candidates if c.verdict not in ("clear", "not_found") or c.dissent]
    if details:
        body.append("有关情况说明：")
        for c in details:
            name = c.cadre.name if c.cadre else c.given_as
            said = {PENDING_PUBLIC, NOT_FOUND_TEXT}  # already in the verdict's own words
            parts = [VERDICT_TEXT[c.verdict], *(r for r in public_reasons(c.reasons) if r not in said)]
            if c.dissent:
                parts.append(f"不同意见：{c.dissent}")
            body.append(f"{c.position}．{name}：" + "。".join(p.rstrip("。") for p in parts) + "。")
    body.append("以上意见仅依据本机关掌握的情况，供你单位研究使用。特此函复。")
    return OfficialDocument(
        title=_title(candidates),
        body=body,
        issuing_body=issuing_unit.name,
        date=on_date,
        addressee=opinion.requesting_unit.name,
    )


def opinion_letter_generate(*, actor, request: OpinionRequest, http_request=None):
    """Render and store the letter of an issued request (once); returns the documents."""
    from qinglian.accounts.scopes import scope
    from qinglian.documents.models import Document
    from qinglian.documents.services import document_generate

    if request.status != OpinionRequest.Status.ISSUED:
        raise ValueError("only an issued opinion has a reply letter")
    if request.document_batch:
        return list(Document.objects.filter(batch=request.document_batch))
    fallback = getattr(actor, "unit", None)
    issuing_unit = commission_for(request.requesting_unit, fallback=fallback) or request.requesting_unit
    # The approver signs for the commission when their scope covers it; otherwise the system
    # issues it on the workflow's behalf (still audited, as the approval itself is).
    issuer = actor if actor is not None and scope(actor, "documents.create").contains(issuing_unit) else None
    docs = document_generate(
        actor=issuer,
        template=TEMPLATE,
        data={
            "opinion": request,
            "issuing_unit": issuing_unit,
            "on_date": timezone.localdate(request.issued_at),
        },
        issuing_unit=issuing_unit,
        subject=request,
        number_prefix=letter_prefix(issuing_unit),
        request=http_request,
    )
    OpinionRequest.objects.filter(pk=request.pk).update(document_batch=docs[0].batch)
    request.document_batch = docs[0].batch
    return docs


def letter_documents(request: OpinionRequest):
    from qinglian.documents.models import Document

    if not request.document_batch:
        return []
    return list(Document.objects.filter(Q(batch=request.document_batch)).order_by("format"))
