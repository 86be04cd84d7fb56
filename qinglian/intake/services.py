"""Writes of the intake core: receiving and registering reports, registering and assigning clues,
recusals. Disposal, routing, public-channel and referral services live in their own modules
(`disposal.py`, `routing.py`, `public_sync.py`, `referrals.py`) and use the helpers here.

Every function is atomic and audited; sealed values are never written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.archive.services import entry_record
from qinglian.audit.services import audit_record
from qinglian.intake import sealing, similarity
from qinglian.intake.models import (
    Channel,
    Clue,
    ClueEvent,
    ClueSubject,
    NumberCounter,
    ProblemType,
    Recusal,
    Report,
    ReportAttachment,
    ReportMessage,
    ReportSubject,
    SimilarityBand,
)
from qinglian.intake.states import CS, RS, clue_move, report_move
from qinglian.people.models import Cadre, Relative, Unit
from qinglian.people.selectors import supervising_body

MAX_TEXT = 10_000
CONTENT_FIELDS = ("subject_name", "subject_unit", "subject_post", "facts", "when", "where")
IDENTITY_FIELDS = ("name", "unit", "phone", "address")


# --- numbering ----------------------------------------------------------------------------------


def number_allocate(series: str, *, year: int | None = None) -> str:
    """The next number of a series for the year (信2026-000123). Locked row: no two alike."""
    year = year or timezone.localdate().year
    try:
        with transaction.atomic():
            NumberCounter.objects.get_or_create(series=series, year=year)
    except IntegrityError:
        pass
    counter = NumberCounter.objects.select_for_update().get(series=series, year=year)
    counter.last += 1
    NumberCounter.objects.filter(pk=counter.pk).update(last=counter.last)
    return f"{series}{year}-{counter.last:06d}"


# --- reports ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingFile:
    name: str
    data: bytes
    content_type: str


def _clean_text(value, field: str, label: str, *, required=False, max_len=MAX_TEXT) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise ValidationError({field: f"{label}格式不正确"})
    if required and not value:
        raise ValidationError({field: f"请填写{label}"})
    if len(value) > max_len:
        raise ValidationError({field: f"{label}不能超过{max_len}个字"})
    return value


def _check_receiver(actor, unit: Unit) -> None:
    if actor is None:
        return  # the system: a public submission or an agency transfer authenticated elsewhere
    if not has_capability(actor, "intake.register") or not scope(actor, "intake.register").contains(unit):
        raise PermissionDenied("您无权以该机关名义登记信访举报")


@transaction.atomic
def report_create(
    *,
    actor,
    channel: str,
    receiving_unit: Unit,
    content: dict,
    identity: dict | None = None,
    received_at: datetime | None = None,
    nature: str = Report.Nature.ACCUSATION,
    problem_type: str = ProblemType.OTHER,
    files: list[IncomingFile] = (),
    source_agency: Unit | None = None,
    source_reference: str = "",
    receipt_code_hash: str | None = None,
    front_reference: str | None = None,
    request=None,
) -> Report:
    """Take in one report from any channel. Staff entries are registered at once; public and agency
    submissions (actor None) wait in `received` for a member of staff to register them.

    `content`: subject_name, subject_unit, subject_post, facts (required), when, where.
    `identity`: name, unit, phone, address; a report is real-name when it has a name or unit and a
    phone number (处理检举控告工作规则 2020).
    """
    if channel not in Channel.values:
        raise ValidationError({"channel": "来源渠道无效"})
    if nature not in Report.Nature.values:
        raise ValidationError({"nature": "性质无效"})
    if problem_type not in ProblemType.values:
        raise ValidationError({"problem_type": "问题类别无效"})
    _check_receiver(actor, receiving_unit)
    labels = {"subject_name": "被反映人姓名", "subject_unit": "被反映人单位", "subject_post": "被反映人职务",
              "facts": "反映的问题", "when": "发生时间", "where": "发生地点"}  # fmt: skip
    clean = {}
    for key in CONTENT_FIELDS:
        limit = MAX_TEXT if key == "facts" else 100
        clean[key] = _clean_text(content.get(key), key, labels[key], required=key == "facts", max_len=limit)
    who = {}
    for key, label in zip(IDENTITY_FIELDS, ("姓名", "单位", "联系电话", "联系地址"), strict=True):
        who[key] = _clean_text((identity or {}).get(key), f"reporter_{key}", f"举报人{label}", max_len=100)
    real_name = bool((who["name"] or who["unit"]) and who["phone"])
    if any(who.values()) and not real_name and (who["name"] or who["unit"]):
        raise ValidationError({"reporter_phone": "实名举报须留下联系电话；不愿留电话的，可以匿名举报"})
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise ValidationError({"received_at": "收到时间不能晚于现在"})
    content_key = sealing.new_wrapped_key(sealing.CONTENT)
    identity_key = sealing.new_wrapped_key(sealing.IDENTITY) if real_name else ""
    signature = similarity.signature(" ".join([clean["facts"], clean["where"]]))
    staff = actor is not None
    series = "信" if channel != Channel.WEB else "网"
    report = Report(
        number=number_allocate(series, year=timezone.localtime(received_at).year),
        channel=channel, nature=nature, received_at=received_at, receiving_unit=receiving_unit,
        real_name=real_name, content_key=content_key,
        content=sealing.seal_json(clean, wrapped_key=content_key),
        identity_key=identity_key,
        identity=sealing.seal_json(who, wrapped_key=identity_key, purpose=sealing.IDENTITY) if real_name else "",
        subject_name_hash=similarity.name_hash(clean["subject_name"]),
        similarity_signature=similarity.to_bytes(signature), problem_type=problem_type,
        status=RS.REGISTERED if staff else RS.RECEIVED, status_changed_at=now,
        receipt_code_hash=receipt_code_hash, front_reference=front_reference, source_agency=source_agency,
        source_reference=_clean_text(source_reference, "source_reference", "来文编号", max_len=100),
        registered_by=actor if staff else None, registered_at=now if staff else None,
    )  # fmt: skip
    report.save()
    SimilarityBand.objects.bulk_create(
        SimilarityBand(report=report, value=v) for v in similarity.bands(signature)
    )
    for f in files:
        attachment_add(report=report, file=f)
    audit_record(
        actor=actor, action="intake.report.create", obj=report, unit_id=receiving_unit.pk, request=request,
        extra={"channel": channel, "real_name": real_name, "files": len(files)},
    )  # fmt: skip
    return report


def attachment_add(*, report: Report, file: IncomingFile) -> ReportAttachment:
    """Store one file sealed with the report's content key. Content checks are the caller's
    (`uploads.check_upload`); metadata is stripped later in the background."""
    sealed = sealing.seal_bytes(file.data, wrapped_key=report.content_key)
    att = ReportAttachment(
        report=report, name=file.name[:120], content_type=file.content_type, size=len(file.data)
    )
    att.file.save(f"r{report.pk}.bin", ContentFile(sealed), save=False)
    att.save()
    return att


@transaction.atomic
def report_message_send(*, actor, report: Report, body: str, request=None) -> ReportMessage:
    """A member of staff writes to the reporter (asks for details, tells of progress). Delivered
    through the receipt-code follow-up page (public_sync pushes it to the public front)."""
    body = _clean_text(body, "body", "留言内容", required=True, max_len=2000)
    if report.receipt_code_hash is None:
        raise ValidationError({"body": "本件不是通过网上举报提交的，举报人无法通过查询码查看留言"})
    if report.is_destroyed:
        raise ValidationError({"body": "本件内容已销毁"})
    _check_receiver(actor, report.receiving_unit)
    message = ReportMessage.objects.create(
        report=report, direction=ReportMessage.Direction.TO_REPORTER,
        body=sealing.seal_bytes(body.encode(), wrapped_key=report.content_key).decode(),
        sent_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="intake.report.message", obj=report, unit_id=report.receiving_unit_id,
                 request=request, extra={"direction": "to_reporter"})  # fmt: skip
    return message


def message_text(message: ReportMessage) -> str:
    return sealing.open_bytes(message.body.encode(), wrapped_key=message.report.content_key).decode()


def report_content(report: Report) -> dict:
    """The sealed content (caller has checked `sealed.clue_content` through access)."""
    return sealing.open_json(report.content, wrapped_key=report.content_key)


@transaction.atomic
def report_register(*, actor, report: Report, problem_type: str, nature: str, request=None) -> Report:
    """A member of staff registers a report that came in by itself (public page, agency API)."""
    _check_receiver(actor, report.receiving_unit)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if problem_type not in ProblemType.values:
        raise ValidationError({"problem_type": "问题类别无效"})
    if nature not in Report.Nature.values:
        raise ValidationError({"nature": "性质无效"})
    Report.objects.filter(pk=report.pk).update(
        problem_type=problem_type, nature=nature, registered_by=actor, registered_at=timezone.now()
    )
    report.problem_type, report.nature = problem_type, nature
    return report_move(report, RS.REGISTERED, actor=actor, action="register", request=request)


@transaction.atomic
def report_subject_match(*, actor, report: Report, cadre: Cadre | None = None, unit: Unit | None = None,
                         request=None) -> ReportSubject:  # fmt: skip
    """Link a report to the registry person (or unit) it is about. Staff only; never shown to the reporter."""
    _check_receiver(actor, report.receiving_unit)
    if cadre is None and unit is None:
        raise ValidationError({"cadre": "请选择被反映人或被反映单位"})
    unit = cadre.unit if cadre is not None else unit
    if not scope(actor, "intake.view").contains(unit):
        raise ValidationError({"cadre": "被反映人不在本机关管辖范围内，请按管理权限转送"})
    if cadre is not None and ReportSubject.objects.filter(report=report, cadre=cadre).exists():
        raise ValidationError({"cadre": "该人员已关联"})
    subject = ReportSubject.objects.create(
        report=report, cadre=cadre, unit=unit, matched_by=actor, matched_at=timezone.now()
    )
    audit_record(actor=actor, action="intake.report.match", obj=report, person_id=cadre.pk if cadre else None,
                 unit_id=unit.pk, request=request)  # fmt: skip
    return subject


# --- clues --------------------------------------------------------------------------------------


def _check_handler(actor, unit: Unit, capability: str = "intake.handle") -> None:
    if not has_capability(actor, capability) or not scope(actor, capability).contains(unit):
        raise PermissionDenied("该线索不在您的管理范围内")


# The body that supervises a unit (kept under this name for the modules of intake that use it).
_supervising_body = supervising_body


@transaction.atomic
def clue_register(
    *,
    actor,
    summary: str,
    problem_type: str,
    cadres: list[Cadre] = (),
    units: list[Unit] = (),
    source: str = Clue.Source.REPORT,
    report: Report | None = None,
    source_reference: str = "",
    heads_lower_committee: set[int] = frozenset(),
    request=None,
) -> Clue:
    """Register a clue about cadres (and/or units). Each cadre gets a sealed, colourless
    `allegation.registered` entry on the file; each unit concerned a `unit.clue` point."""
    summary = _clean_text(summary, "summary", "问题摘要", required=True)
    if problem_type not in ProblemType.values:
        raise ValidationError({"problem_type": "问题类别无效"})
    if source not in Clue.Source.values:
        raise ValidationError({"source": "来源无效"})
    cadres, units = list(dict.fromkeys(cadres)), list(dict.fromkeys(units))
    if not cadres and not units:
        raise ValidationError({"cadres": "请至少指定一名被反映人或一个被反映单位"})
    if source == Clue.Source.REPORT and report is None:
        raise ValidationError({"report": "来源为信访举报的线索须关联举报件"})
    if report is not None:
        if report.restricted:
            raise ValidationError({"report": "本件反映本级纪委主要负责人，只能转送上级，不能在本级登记线索"})
        if report.status != RS.REGISTERED and report.status != RS.CLUE:
            raise ValidationError({"report": f"本件状态为“{report.get_status_display()}”，不能登记为线索"})
    first_unit = cadres[0].unit if cadres else units[0]
    for u in [c.unit for c in cadres] + units:
        _check_handler(actor, u)
    owner = _supervising_body(first_unit)
    if owner is None:
        raise ValidationError(
            {"cadres": "找不到对该单位负监督责任的纪检监察机构，请先在单位信息中指定监督主体"}
        )
    now = timezone.now()
    clue = Clue.objects.create(
        number=number_allocate("线"), source=source, report=report,
        source_reference=_clean_text(source_reference, "source_reference", "来源说明", max_len=100),
        unit=first_unit, owner_unit=owner, summary=sealing.seal_text(summary), problem_type=problem_type,
        status=CS.REGISTERED, status_changed_at=now, registered_by=actor, registered_at=now,
    )  # fmt: skip
    ClueEvent.objects.create(clue=clue, action="register", to_status=CS.REGISTERED, actor=actor, at=now)
    today = timezone.localdate()
    for cadre in cadres:
        entry = entry_record(
            actor=actor, kind="allegation.registered", person=cadre, occurred_on=today,
            summary=f"登记问题线索 {clue.number}（{ProblemType(problem_type).label}）",
            source_app="intake", source_type="clue", source_id=str(clue.pk), check_permission=False, request=request,
        )  # fmt: skip
        ClueSubject.objects.create(
            clue=clue, cadre=cadre, unit=cadre.unit, allegation_entry=entry,
            heads_lower_committee=cadre.pk in heads_lower_committee,
        )  # fmt: skip
    for unit in dict.fromkeys(units + [c.unit for c in cadres]):
        unit_entry = entry_record(
            actor=actor, kind="unit.clue", unit=unit, occurred_on=today,
            summary=f"涉及本单位的问题线索 {clue.number}", source_app="intake", source_type="clue",
            source_id=str(clue.pk), check_permission=False, request=request,
        )  # fmt: skip
        if unit in units:
            ClueSubject.objects.create(clue=clue, cadre=None, unit=unit, unit_entry=unit_entry)
        else:
            ClueSubject.objects.filter(clue=clue, unit=unit, unit_entry__isnull=True).update(
                unit_entry=unit_entry
            )
    if report is not None and report.status == RS.REGISTERED:
        report_move(
            report, RS.CLUE, actor=actor, action="to_clue", request=request, extra={"clue": clue.number}
        )
    audit_record(
        actor=actor, action="intake.clue.register", obj=clue, unit_id=first_unit.pk, request=request,
        extra={"cadres": [c.pk for c in cadres], "units": [u.pk for u in units], "source": source},
    )  # fmt: skip
    return clue


def connected_reasons(user, clue: Clue) -> list[str]:
    """Why `user` is connected to a person or unit the clue is about (the grounds for recusal):
    works in the same unit, is a cadre reported in it, or is recorded as one's relative."""
    reasons = []
    own = Cadre.objects.filter(user=user).first()
    subjects = list(clue.subjects.select_related("cadre", "unit"))
    if own is not None:
        for s in subjects:
            if s.cadre_id == own.pk:
                reasons.append("本人即被反映人")
            elif s.unit_id == own.unit_id:
                reasons.append(f"与被反映人同在{s.unit.name}工作")
        cadre_ids = [s.cadre_id for s in subjects if s.cadre_id]
        if (
            own.id_number_hash
            and Relative.objects.filter(cadre_id__in=cadre_ids, id_number_hash=own.id_number_hash).exists()
        ):
            reasons.append("系被反映人的亲属（亲属信息登记）")
        if Relative.objects.filter(cadre=own, id_number_hash__in=Cadre.objects.filter(
            pk__in=cadre_ids, id_number_hash__isnull=False).values("id_number_hash")).exists():  # fmt: skip
            reasons.append("被反映人系本人亲属（亲属信息登记）")
    if user.unit_id and any(s.unit_id == user.unit_id for s in subjects):
        reasons.append("与被反映人同一单位")
    return list(dict.fromkeys(reasons))


def is_recused(user, clue: Clue) -> bool:
    return Recusal.objects.filter(clue=clue, user=user).exists()


@transaction.atomic
def recusal_record(*, actor, clue: Clue, user, kind: str, reason: str, request=None) -> Recusal:
    reason = _clean_text(reason, "reason", "回避理由", required=True, max_len=255)
    if kind not in Recusal.Kind.values:
        raise ValidationError({"kind": "回避类型无效"})
    if Recusal.objects.filter(clue=clue, user=user).exists():
        raise ValidationError({"user": "该工作人员已回避本线索"})
    recusal = Recusal.objects.create(clue=clue, user=user, kind=kind, reason=reason, recorded_by=actor,
                                     recorded_at=timezone.now())  # fmt: skip
    if clue.assignee_id == user.pk:
        Clue.objects.filter(pk=clue.pk).update(assignee=None)
        clue.assignee = None
    audit_record(actor=actor, action="intake.clue.recusal", obj=clue, unit_id=clue.unit_id, request=request,
                 extra={"user": user.pk, "kind": kind, "reason": reason})  # fmt: skip
    return recusal


def clue_assign(*, actor, clue: Clue, assignee, owner_unit: Unit | None = None, note: str = "",
                request=None) -> Clue:  # fmt: skip
    """Give the clue to a handler (承办人) of the responsible body. A member of staff connected to a
    reported person is refused; the refusal is kept as a detected recusal (committed on its own,
    so call this outside an enclosing transaction)."""
    _check_handler(actor, clue.unit)
    if not scope(assignee, "intake.handle").contains(clue.unit):
        raise ValidationError({"assignee": "承办人须是对该单位有线索处置权限的工作人员"})
    if is_recused(assignee, clue):
        raise ValidationError({"assignee": "该工作人员已回避本线索，不能承办"})
    reasons = connected_reasons(assignee, clue)
    if reasons:
        recusal_record(actor=actor, clue=clue, user=assignee, kind=Recusal.Kind.DETECTED, reason="；".join(reasons)[:255],
                       request=request)  # fmt: skip
        raise RecusalRequired(reasons)
    with transaction.atomic():
        clue = Clue.objects.select_for_update().get(pk=clue.pk)
        owner_unit = owner_unit or clue.owner_unit
        Clue.objects.filter(pk=clue.pk).update(assignee=assignee, owner_unit=owner_unit)
        clue.assignee, clue.owner_unit = assignee, owner_unit
        return clue_move(clue, CS.ASSIGNED, actor=actor, action="assign", note=note, request=request,
                         extra={"assignee": assignee.pk, "owner_unit": owner_unit.pk})  # fmt: skip


class RecusalRequired(ValidationError):
    """The chosen handler is connected to a reported person; the recusal has been recorded."""

    def __init__(self, reasons: list[str]):
        super().__init__({"assignee": "该工作人员与被反映人存在关联，应当回避：" + "；".join(reasons)})
        self.reasons = reasons
