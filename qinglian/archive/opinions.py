"""Integrity opinions (党风廉政意见回复 / 廉洁把关).

The organisation department asks, for a purpose and as of a date, about a list of candidates
(chosen on screen, pasted ID numbers, or an Excel file). The system drafts a verdict for each in one
pass over their entries; the commission's staff review it (a changed verdict needs a written
reason, dissenting views are recorded beside it), a named leader approves it, and the request is
issued and frozen, with a reply letter (qinglian/archive/letters.py).

Verdicts: any `object` bar whose restrictions include the purpose → `object`; else any `postpone`
bar (open case, verification, unanswered inquiry) → `postpone`; else `clear`. An unknown ID number,
or a person outside the requester's scope, is `not_found` — never `clear`.

Each reason keeps two texts: `text` (internal: the entry and the rule, as `Bar.explanation`) and
`public` (what the requester reads): pending verifications, cases and inquiries show only as
“有待核实事项”. Full ID numbers are never stored: `given_as` keeps the masked number.

The draft is computed "as known on" its own time (`drafted_at`), so `opinion_reexplain` gives the
same draft verdicts later, whatever was recorded or whichever rule parameter changed since.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.http import Http404
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.archive.bars import Bar, bars, entries_for
from qinglian.archive.models import ArchiveEntry, OpinionCandidate, OpinionRequest
from qinglian.audit.services import audit_record
from qinglian.core.crypto import keyed_hash
from qinglian.core.excel import Column, FileRejected, RowError, read_table
from qinglian.core.idnumber import IdNumberError, mask, parse
from qinglian.people.models import Cadre, Unit

# Sent after an opinion request is committed (opinion_request, actor): workflow apps react to it
# (凡提必核: spot checks open targeted checks for promotion candidates) without archive knowing them.
opinion_requested = Signal()

# The purpose of a request → the restriction it asks about (kinds.Restriction).
PURPOSE_RESTRICTION = {
    "promotion": "promotion",
    "heavier_use": "heavier_use",
    "awards": "awards",
    "rank": "rank",
    "reserve": "reserve",
    "nomination": "nomination",
}
PENDING_PUBLIC = "有待核实事项"
NOT_FOUND_TEXT = "未在申请单位的管理范围内找到该人员（查无此人或不在范围内）"
MAX_CANDIDATES = 500
Verdict = OpinionCandidate.Verdict
EXCEL_COLUMNS = [
    Column("姓名", "name", required=True, note="干部姓名"),
    Column("身份证号", "id_number", required=True, note="18位居民身份证号（旧版15位亦可）"),
]


@dataclass(frozen=True)
class CandidateInput:
    """One candidate as given: a cadre id, or an ID number (with a name from an Excel row)."""

    cadre_id: int | None = None
    id_number: str = ""  # normalised; kept in memory only, never stored
    name: str = ""
    line: int = 0  # the Excel row or pasted line, for error messages

    @property
    def given_as(self) -> str:
        if self.id_number:
            return f"{self.name} {mask(self.id_number)}".strip()[:64]
        return ""


@dataclass
class Draft:
    verdict: str
    reasons: list[dict] = field(default_factory=list)


# --- input ------------------------------------------------------------------------------------


def candidates_from_text(text: str) -> list[str]:
    """Pasted ID numbers, one a line (blank lines ignored; commas and spaces also separate)."""
    return [part for part in re.split(r"[\s,，;；、]+", text or "") if part]


def candidates_from_excel(data: bytes) -> list[dict]:
    """Rows of the 姓名 / 身份证号 template. Raises ValidationError listing every bad row
    (and nothing is created); the rows go to `opinion_request_create` as dicts."""
    errors: list[RowError] = []
    rows = []
    try:
        for number, values in read_table(data, EXCEL_COLUMNS, max_rows=MAX_CANDIDATES):
            name, raw = values.get("姓名", "").strip(), values.get("身份证号", "").strip()
            if not name:
                errors.append(RowError(number, "姓名", "", "请填写姓名"))
            if not raw:
                errors.append(RowError(number, "身份证号", "", "请填写身份证号"))
            rows.append({"name": name, "id_number": raw, "line": number})
    except FileRejected as exc:
        raise ValidationError({"candidates": [str(exc)]}) from None
    if errors:
        raise ValidationError({"candidates": [_row_message(e) for e in errors]})
    if not rows:
        raise ValidationError({"candidates": ["Excel 文件中没有候选人"]})
    return rows


def _row_message(e: RowError) -> str:
    return f"第{e.row}行“{e.column}”：{e.reason}" if e.column else f"第{e.row}行：{e.reason}"


def excel_template() -> bytes:
    from qinglian.core.excel import template

    return template(
        EXCEL_COLUMNS,
        title="廉洁意见候选人",
        notes=[
            "每行一名候选人；身份证号用于准确匹配人员，系统不保存完整号码。",
            f"每次最多{MAX_CANDIDATES}人。",
        ],
    )


def _parse_candidates(items) -> list[CandidateInput]:
    """Every item checked; all problems reported at once (nothing is created if one is bad)."""
    out, errors, seen = [], [], {}
    for i, item in enumerate(items, 1):
        line, name, raw, label = i, "", None, f"第{i}项"
        if isinstance(item, dict):
            line = int(item.get("line") or i)
            name, raw = str(item.get("name", "")).strip(), str(item.get("id_number", "")).strip()
            label = f"第{line}行"
        elif isinstance(item, bool):
            errors.append(f"{label}：无法识别")
            continue
        elif isinstance(item, int):
            key = ("id", item)
            if key in seen:
                errors.append(f"{label}：与第{seen[key]}项重复")
                continue
            seen[key] = i
            out.append(CandidateInput(cadre_id=item, line=i))
            continue
        else:
            raw = str(item).strip()
            if re.fullmatch(r"\d{1,12}", raw):  # a cadre id given as text (API, form)
                key = ("id", int(raw))
                if key in seen:
                    errors.append(f"{label}：与第{seen[key]}项重复")
                    continue
                seen[key] = i
                out.append(CandidateInput(cadre_id=int(raw), line=i))
                continue
        try:
            number = parse(raw).number
        except IdNumberError as exc:
            errors.append(f"{label}身份证号{mask(raw.upper()) if raw else ''}：{exc.message}")
            continue
        key = ("number", number)
        if key in seen:
            errors.append(f"{label}：身份证号{mask(number)}与第{seen[key]}项重复")
            continue
        seen[key] = line
        out.append(CandidateInput(id_number=number, name=name, line=line))
    if not out and not errors:
        errors.append("请至少提供一名候选人")
    if len(out) > MAX_CANDIDATES:
        errors.append(f"每次最多{MAX_CANDIDATES}名候选人，当前{len(out)}名，请分批提交")
    if errors:
        raise ValidationError({"candidates": errors})
    return out


def _resolve(actor, inputs: list[CandidateInput], within: Q | None = None) -> dict[int, Cadre | None]:
    """index → cadre in the requester's scope (None: not found). One query for all."""
    hashes = {keyed_hash(c.id_number): i for i, c in enumerate(inputs) if c.id_number}
    ids = {c.cadre_id for c in inputs if c.cadre_id is not None}
    wanted = Q(pk__in=sorted(ids)) | Q(id_number_hash__in=sorted(hashes))
    in_scope = scope(actor, "archive.opinion_request").units_q("unit__")
    found = Cadre.objects.filter(wanted).filter(in_scope).select_related("unit")
    if within is not None:
        found = found.filter(within)
    by_id = {}
    by_hash = {}
    for c in found:
        by_id[c.pk] = c
        if c.id_number_hash:
            by_hash[c.id_number_hash] = c
    out = {}
    for i, c in enumerate(inputs):
        out[i] = by_id.get(c.cadre_id) if c.cadre_id is not None else by_hash.get(keyed_hash(c.id_number))
    return out


# --- drafting -------------------------------------------------------------------------------


def _is_pending(bar: Bar) -> bool:
    return bar.effect == "postpone" or bar.entry.sensitivity == ArchiveEntry.Sensitivity.SEALED


def _reason(bar: Bar) -> dict:
    e = bar.entry
    return {
        "entry": e.pk,
        "kind": e.kind.code,
        "effect": bar.effect,
        "rule": e.kind.rule,
        "citation": bar.citation,
        "unsettled": bar.unsettled,
        "text": bar.explanation,
        "public": PENDING_PUBLIC if _is_pending(bar) else bar.explanation,
    }


def draft_for(person_bars: list[Bar], purpose: str) -> Draft:
    """The verdict for one person from their bars on the request's date."""
    restriction = PURPOSE_RESTRICTION[purpose]
    objecting = [b for b in person_bars if b.effect == "object" and restriction in b.restrictions]
    pending = [b for b in person_bars if b.effect == "postpone"]
    if objecting:
        return Draft(Verdict.OBJECT, [_reason(b) for b in objecting + pending])
    if pending:
        return Draft(Verdict.POSTPONE, [_reason(b) for b in pending])
    return Draft(Verdict.CLEAR, [])


def _not_found() -> Draft:
    return Draft(Verdict.NOT_FOUND, [{"kind": "not_found", "text": NOT_FOUND_TEXT, "public": NOT_FOUND_TEXT}])


def _drafts(cadres: list[Cadre | None], *, purpose: str, as_of: date, known_on) -> list[Draft]:
    """All drafts in one pass: one query for the entries, a bounded number for the citations."""
    grouped = entries_for([c.pk for c in cadres if c is not None])
    memo: dict = {}
    return [
        _not_found()
        if c is None
        else draft_for(bars(grouped.get(c.pk, []), as_of=as_of, known_on=known_on, citations=memo), purpose)
        for c in cadres
    ]


def public_reasons(reasons: list[dict]) -> list[str]:
    """What the requester reads: pending matters once, as “有待核实事项”, without details."""
    out: list[str] = []
    for r in reasons:
        text = r.get("public") or ""
        if text and text not in out:
            out.append(text)
    return out


# --- services -------------------------------------------------------------------------------


def _check_request_input(actor, purpose, as_of, title, requesting_unit) -> dict:
    errors = {}
    if purpose not in PURPOSE_RESTRICTION:
        errors["purpose"] = "请选择征求意见的用途"
    if not isinstance(as_of, date):
        errors["as_of"] = "请填写有效的基准日期"
    title = (title or "").strip()
    if not title:
        errors["title"] = "请填写事由（如：2026年第四季度科级干部提拔）"
    elif len(title) > 200:
        errors["title"] = "事由不能超过200个字"
    if requesting_unit is None:
        errors["requesting_unit"] = "请指定征求意见的单位"
    return errors


@transaction.atomic
def opinion_request_create(
    *,
    actor,
    purpose: str,
    as_of: date,
    title: str,
    candidates: list,
    requesting_unit: Unit,
    request=None,
    within: Q | None = None,
) -> OpinionRequest:
    """Create a request and draft a verdict for every candidate.

    `candidates`: cadre ids (int, or digits), ID numbers (str), or Excel rows as dicts
    {"name", "id_number", "line"} (see `candidates_from_excel`). Every problem is reported in one
    ValidationError and nothing is created. `within`: a further condition on Cadre narrowing the
    requester's scope (an API token bound to a unit).
    """
    if not has_capability(actor, "archive.opinion_request"):
        raise PermissionDenied("您的角色不能征求廉洁意见")
    errors = _check_request_input(actor, purpose, as_of, title, requesting_unit)
    if requesting_unit is not None and not scope(actor, "archive.opinion_request").contains(requesting_unit):
        errors["requesting_unit"] = "该单位不在您的管理范围内"
    try:
        inputs = _parse_candidates(list(candidates or []))
    except ValidationError as exc:
        errors.update(exc.message_dict)
        inputs = []
    if errors:
        raise ValidationError(errors)
    resolved = _resolve(actor, inputs, within)
    name_errors = [
        f"第{c.line}行：姓名“{c.name}”与身份证号{mask(c.id_number)}登记的姓名不一致"
        for i, c in enumerate(inputs)
        if c.name and resolved[i] is not None and resolved[i].name != c.name
    ]
    if name_errors:
        raise ValidationError({"candidates": name_errors})
    now = timezone.now()
    req = OpinionRequest.objects.create(
        purpose=purpose, as_of=as_of, title=title.strip(), requested_by=actor,
        requesting_unit=requesting_unit, drafted_at=now,
    )  # fmt: skip
    cadres = [resolved[i] for i in range(len(inputs))]
    drafts = _drafts(cadres, purpose=purpose, as_of=as_of, known_on=now)
    rows = [
        OpinionCandidate(
            request=req,
            position=pos,
            cadre=cadre,
            given_as=c.given_as or (cadre.name if cadre else f"编号{c.cadre_id}"),
            draft_verdict=d.verdict,
            draft_reasons=d.reasons,
            verdict=d.verdict,
            reasons=d.reasons,
        )  # fmt: skip
        for pos, (c, cadre, d) in enumerate(zip(inputs, cadres, drafts, strict=True), 1)
    ]
    OpinionCandidate.objects.bulk_create(rows, batch_size=100)
    audit_record(
        actor=actor, action="opinion.request", obj=req, unit_id=requesting_unit.pk, request=request,
        extra={"purpose": purpose, "as_of": as_of.isoformat(), "candidates": len(rows),
               "person_ids": [c.pk for c in cadres if c is not None],
               "verdicts": _counts(d.verdict for d in drafts)},
    )  # fmt: skip
    transaction.on_commit(
        lambda: opinion_requested.send(sender=OpinionRequest, opinion_request=req, actor=actor), robust=True
    )
    return req


def _counts(verdicts) -> dict:
    out: dict[str, int] = {}
    for v in verdicts:
        out[str(v)] = out.get(str(v), 0) + 1
    return out


def _check_commission(actor, req: OpinionRequest, capability: str, message: str) -> None:
    if not has_capability(actor, capability) or not scope(actor, capability).contains(req.requesting_unit):
        raise PermissionDenied(message)


def _locked(req: OpinionRequest) -> OpinionRequest:
    return OpinionRequest.objects.select_for_update().select_related("requesting_unit").get(pk=req.pk)


@transaction.atomic
def opinion_review(
    *, actor, request: OpinionRequest, changes: dict, dissents: dict, http_request=None
) -> OpinionRequest:
    """The commission's review: `changes` {position: (verdict, reason)}, `dissents` {position: text}.

    A change of verdict needs a written reason; a `not_found` candidate stays `not_found` (there
    is no file to answer for). Reviewing again before approval replaces the earlier review.
    """
    req = _locked(request)
    _check_commission(actor, req, "archive.opinion_review", "您无权审核该廉洁意见")
    if req.status == OpinionRequest.Status.ISSUED:
        raise ValidationError({"status": "该廉洁意见已签发，不能再修改"})
    candidates = {c.position: c for c in req.candidates.select_related("cadre")}
    errors: list[str] = []
    valid = set(Verdict.values)
    for pos, change in (changes or {}).items():
        c = candidates.get(_int(pos))
        if c is None:
            errors.append(f"序号{pos}不存在")
            continue
        try:
            verdict, reason = change
        except (TypeError, ValueError):
            errors.append(f"序号{pos}：意见格式不正确")
            continue
        reason = (reason or "").strip()
        if verdict not in valid:
            errors.append(f"序号{pos}：请选择有效的意见")
        elif verdict != c.draft_verdict and not reason:
            errors.append(f"序号{pos}（{c.given_as}）：改变系统初判须写明理由")
        elif c.draft_verdict == Verdict.NOT_FOUND and verdict != Verdict.NOT_FOUND:
            errors.append(f"序号{pos}（{c.given_as}）：查无此人或不在范围内的，不能改为其他意见")
        elif verdict == Verdict.NOT_FOUND and c.draft_verdict != Verdict.NOT_FOUND:
            errors.append(f"序号{pos}（{c.given_as}）：已匹配到人员的，不能改为“查无此人”")
        elif len(reason) > 1000:
            errors.append(f"序号{pos}：理由不能超过1000字")
    for pos, text in (dissents or {}).items():
        if _int(pos) not in candidates:
            errors.append(f"序号{pos}不存在")
        elif len((text or "").strip()) > 2000:
            errors.append(f"序号{pos}：不同意见不能超过2000字")
    if errors:
        raise ValidationError({"changes": errors})
    changed = []
    for pos, c in candidates.items():
        verdict, reason = _pick(changes, pos, (c.verdict, c.change_reason))
        reason = (reason or "").strip()
        dissent = (_pick(dissents, pos, c.dissent) or "").strip()
        if verdict == c.draft_verdict:
            c.verdict, c.reasons, c.change_reason = c.draft_verdict, c.draft_reasons, ""
            if reason:  # a note confirming the draft: kept as the reason, not a change
                c.change_reason = reason
        else:
            public = PENDING_PUBLIC if verdict == Verdict.POSTPONE else reason
            c.verdict, c.change_reason = verdict, reason
            c.reasons = [
                *c.draft_reasons,
                {"kind": "review", "text": f"审核改变初判：{reason}", "public": public},
            ]
            changed.append(pos)
        c.dissent = dissent
    OpinionCandidate.objects.bulk_update(
        list(candidates.values()), ["verdict", "reasons", "change_reason", "dissent"]
    )
    req.status = OpinionRequest.Status.REVIEWED
    req.reviewed_by, req.reviewed_at = actor, timezone.now()
    req.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor, action="opinion.review", obj=req, unit_id=req.requesting_unit_id, request=http_request,
        extra={"changed": changed, "dissents": sorted(p for p, c in candidates.items() if c.dissent),
               "person_ids": [c.cadre_id for c in candidates.values() if c.cadre_id]},
    )  # fmt: skip
    return req


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _pick(mapping: dict | None, pos: int, default):
    for key in (pos, str(pos)):
        if mapping and key in mapping:
            return mapping[key]
    return default


def opinion_approve(
    *, actor, request: OpinionRequest, approver_name: str, http_request=None
) -> OpinionRequest:
    """A named leader, not the reviewer, approves: the request is issued and frozen, and the reply
    letter is rendered (.docx and PDF) and stored with the documents."""
    with transaction.atomic():
        req = _locked(request)
        _check_commission(actor, req, "archive.opinion_approve", "您无权签发该廉洁意见")
        if req.status == OpinionRequest.Status.ISSUED:
            raise ValidationError({"status": "该廉洁意见已签发"})
        if req.status != OpinionRequest.Status.REVIEWED:
            raise ValidationError({"status": "请先完成审核，再报领导签发"})
        if actor.pk == req.reviewed_by_id:
            raise PermissionDenied("审核人不能签发自己审核的意见，请由另一名领导签发")
        approver_name = (approver_name or "").strip()
        if not approver_name:
            raise ValidationError({"approver_name": "请填写签发领导姓名"})
        if len(approver_name) > 64:
            raise ValidationError({"approver_name": "签发领导姓名不能超过64个字"})
        req.status = OpinionRequest.Status.ISSUED
        req.approved_by, req.approver_name, req.issued_at = actor, approver_name, timezone.now()
        req.save(update_fields=["status", "approved_by", "approver_name", "issued_at"])
        person_ids = list(req.candidates.exclude(cadre=None).values_list("cadre_id", flat=True))
        audit_record(
            actor=actor, action="opinion.issue", obj=req, unit_id=req.requesting_unit_id, request=http_request,
            extra={"approver_name": approver_name, "person_ids": person_ids},
        )  # fmt: skip
    from qinglian.archive.letters import opinion_letter_generate

    opinion_letter_generate(actor=actor, request=req, http_request=http_request)
    req.refresh_from_db()
    return req


def opinion_reexplain(request: OpinionRequest) -> list[Draft]:
    """The draft verdicts recomputed exactly as drafted: as of the request's date, counting only
    what had been recorded by its draft time (entries, reviews, voids, closings; rule values)."""
    candidates = list(request.candidates.select_related("cadre").order_by("position"))
    return _drafts(
        [c.cadre for c in candidates],
        purpose=request.purpose,
        as_of=request.as_of,
        known_on=request.drafted_at,
    )


# --- access ---------------------------------------------------------------------------------


def opinion_requests_q(user) -> Q:
    """The requests `user` may see: their own units' requests (requester) and those the
    commission reviews in its scope."""
    q = Q(pk__in=[])
    for cap in ("archive.opinion_request", "archive.opinion_review", "archive.opinion_approve"):
        s = scope(user, cap)
        if not s.is_empty:
            q |= s.units_q("requesting_unit__")
    return q


def is_commission(user, req: OpinionRequest) -> bool:
    return any(
        scope(user, cap).contains(req.requesting_unit)
        for cap in ("archive.opinion_review", "archive.opinion_approve")
    )


def access_opinion_request(user, request_id) -> OpinionRequest:
    """The request if `user` may see it (requester's unit or commission scope), otherwise 404."""
    req_id = _int(request_id)
    req = (
        OpinionRequest.objects.select_related("requesting_unit", "requested_by", "reviewed_by", "approved_by")
        .filter(pk=req_id)
        .first()
        if req_id is not None
        else None
    )
    if req is None or not (
        scope(user, "archive.opinion_request").contains(req.requesting_unit) or is_commission(user, req)
    ):
        raise Http404("廉洁意见征求不存在")
    return req
