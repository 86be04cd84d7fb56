"""Staff registration of reports from every channel (四位一体 and the rest), and the SMS batch import.

Each entry goes through `services.report_create` (sealing, numbering, fingerprints) and then opens
the acknowledgement owed to a real-name reporter (`routing.acknowledgement_open`), in one
transaction. What each channel asks for beyond the common fields is in CHANNEL_FIELDS (the form
reads it); the channel's own record goes into `source_reference`, a sending body into
`source_agency`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.audit.services import audit_record
from qinglian.core.excel import Column, FileRejected, RowError, read_table
from qinglian.intake.models import Channel, ProblemType, Report
from qinglian.intake.routing import acknowledgement_open
from qinglian.intake.services import IncomingFile, _check_receiver, report_create, report_register
from qinglian.people.models import Unit


@dataclass(frozen=True)
class ChannelSpec:
    label: str  # the page title
    reference_label: str  # what source_reference means for this channel
    reference_required: bool = False
    agency_label: str = ""  # a sending body is asked for ('' = not asked)
    agency_required: bool = False
    files_required: bool = False  # the letter's scan
    files_label: str = "附件"
    identity: bool = True  # a reporter who may give a name and phone


CHANNEL_FIELDS: dict[str, ChannelSpec] = {
    Channel.LETTER: ChannelSpec("来信登记", "信封/来信编号", files_required=True, files_label="来信扫描件"),
    Channel.VISIT: ChannelSpec("来访（接访）登记", "接访记录（接谈人、来访人数、接谈地点）", True),
    Channel.PHONE: ChannelSpec("12388 来电登记", "来电记录（来电时间、接听人、通话记录号）", True),
    Channel.LIAISON: ChannelSpec(
        "联络站信息登记", "信息员及报送说明", agency_label="报送联络站（村/社区）", agency_required=True
    ),  # fmt: skip
    Channel.INSPECTION: ChannelSpec("巡察移交登记", "巡察组及轮次、移交函编号", True, identity=False),
    Channel.AUDIT: ChannelSpec(
        "审计移交登记", "审计报告/移交函文号", True, agency_label="移交审计机关", identity=False
    ),  # fmt: skip
    Channel.AGENCY: ChannelSpec(
        "其他机关移送登记", "移送函文号", True, agency_label="移送机关", agency_required=True, identity=False
    ),  # fmt: skip
    Channel.FROM_HIGHER: ChannelSpec(
        "上级纪委转交登记", "转办单编号", True, agency_label="转交的上级纪委监委", agency_required=True
    ),  # fmt: skip
    Channel.FROM_LOWER: ChannelSpec(
        "下级纪委报送登记", "报送函编号", True, agency_label="报送的下级纪委", agency_required=True
    ),  # fmt: skip
}
# Web reports arrive by themselves (public page), SMS by the batch import.
STAFF_CHANNELS = list(CHANNEL_FIELDS)


@transaction.atomic
def report_enter(
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
    request=None,
) -> Report:
    """A member of staff registers a report received through `channel`."""
    spec = CHANNEL_FIELDS.get(channel)
    if spec is None and channel != Channel.SMS:
        raise ValidationError({"channel": "该渠道的举报不由工作人员直接登记"})
    if spec is not None:
        if spec.files_required and not files:
            raise ValidationError({"files": f"请上传{spec.files_label}"})
        if spec.reference_required and not (source_reference or "").strip():
            raise ValidationError({"source_reference": f"请填写{spec.reference_label}"})
        if spec.agency_required and source_agency is None:
            raise ValidationError({"source_agency": f"请选择{spec.agency_label}"})
        if not spec.identity and identity and any((v or "").strip() for v in identity.values()):
            raise ValidationError({"reporter_name": "机关移交的线索不登记举报人个人信息"})
    report = report_create(
        actor=actor, channel=channel, receiving_unit=receiving_unit, content=content, identity=identity,
        received_at=received_at, nature=nature, problem_type=problem_type, files=list(files),
        source_agency=source_agency, source_reference=source_reference, request=request,
    )  # fmt: skip
    acknowledgement_open(actor=actor, report=report, request=request)
    if files:
        from qinglian.intake.uploads import schedule_cleaning

        schedule_cleaning(list(report.attachments.all()))
    return report


@transaction.atomic
def report_accept(*, actor, report: Report, problem_type: str, nature: str, request=None) -> Report:
    """Register a report that came in by itself (public page, agency API), and open the
    acknowledgement of a real-name reporter."""
    _check_receiver(actor, report.receiving_unit)
    if report.restricted:
        raise ValidationError("本件反映本级纪委主要负责人，只能转送上级")
    report = report_register(
        actor=actor, report=report, problem_type=problem_type, nature=nature, request=request
    )
    acknowledgement_open(actor=actor, report=report, request=request)
    return report


# --- SMS: an all-or-nothing Excel batch ------------------------------------------------------------

SMS_COLUMNS = [
    Column("收到时间", "received_at", True, "格式 2026-03-01 09:30 或 2026-03-01"),
    Column("发送号码", "phone", True, "发送短信的手机号码"),
    Column("短信内容", "facts", True, "短信全文"),
    Column("被反映人", "subject_name"),
    Column("被反映人单位", "subject_unit"),
    Column("举报人姓名", "name", note="署名的填写；有姓名和号码的按实名举报办理"),
    Column("问题类别", "problem_type", choices=[label for _, label in ProblemType.choices]),
]
_TYPE_BY_LABEL = {label: value for value, label in ProblemType.choices}


class ImportRejected(ValidationError):
    """The batch was refused as a whole; `errors` lists every bad row (nothing was written)."""

    def __init__(self, errors: list[RowError], message: str = ""):
        super().__init__(message or f"共有 {len(errors)} 处错误，未导入任何短信，请修改后重新导入")
        self.errors = errors


def _parse_time(text: str) -> datetime:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M", "%Y/%m/%d"):
        try:
            return timezone.make_aware(datetime.strptime(text, fmt))
        except ValueError:
            continue
    raise ValueError


def sms_import(*, actor, receiving_unit: Unit, data: bytes, request=None) -> list[Report]:
    """Register every SMS of the workbook, or none: one bad row and nothing is written; every bad
    row is reported (ImportRejected.errors)."""
    _check_receiver(actor, receiving_unit)
    errors: list[RowError] = []
    try:
        rows = list(read_table(data, SMS_COLUMNS, max_rows=5000))
    except FileRejected as exc:
        raise ImportRejected([RowError(0, "", "", str(exc))], str(exc)) from None
    if not rows:
        raise ImportRejected([RowError(0, "", "", "表格中没有数据")], "表格中没有数据")
    created: list[Report] = []
    with transaction.atomic():
        for number, row in rows:
            try:
                received_at = _parse_time(row.get("收到时间", ""))
            except ValueError:
                errors.append(RowError(number, "收到时间", row.get("收到时间", ""), "时间格式不正确"))
                continue
            type_label = row.get("问题类别", "")
            if type_label and type_label not in _TYPE_BY_LABEL:
                errors.append(RowError(number, "问题类别", type_label, "请从下拉列表中选择问题类别"))
                continue
            phone = row.get("发送号码", "")
            if not phone.replace("+", "").replace("-", "").isdigit() or not 5 <= len(phone) <= 20:
                errors.append(RowError(number, "发送号码", phone, "号码格式不正确"))
                continue
            try:
                with transaction.atomic():
                    created.append(
                        report_enter(
                            actor=actor,
                            channel=Channel.SMS,
                            receiving_unit=receiving_unit,
                            content={
                                "facts": row.get("短信内容", ""),
                                "subject_name": row.get("被反映人", ""),
                                "subject_unit": row.get("被反映人单位", ""),
                            },
                            identity={"name": row.get("举报人姓名", ""), "phone": phone},
                            received_at=received_at,
                            problem_type=_TYPE_BY_LABEL.get(type_label, ProblemType.OTHER),
                            request=request,
                        )  # fmt: skip
                    )
            except ValidationError as exc:
                for field, messages in (
                    exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                ).items():
                    column = next((c.header for c in SMS_COLUMNS if c.field == field), "")
                    errors.append(
                        RowError(number, column, row.get(column, "") if column else "", "；".join(messages))
                    )
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportRejected(errors)
    audit_record(actor=actor, action="intake.sms_import", unit_id=receiving_unit.pk, request=request,
                 extra={"rows": len(created)})  # fmt: skip
    return created
