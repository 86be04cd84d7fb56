"""Writes of the task force: agencies, their accounts and tokens, sharing rules, row types, monthly
reports and the missing-report scan. Every write is audited."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from qinglian.accounts.models import RoleAssignment, User
from qinglian.accounts.scopes import has_capability
from qinglian.audit.services import audit_record
from qinglian.core.crypto import keyed_hash
from qinglian.core.excel import RowError
from qinglian.core.idnumber import IdNumberError, parse
from qinglian.taskforce import defaults
from qinglian.taskforce.access import AGGREGATES
from qinglian.taskforce.models import Agency, AgencyMember, MissingReport, MonthlyReport, ReportItem, RowType

AGENCY_ROLE = "taskforce_agency"
MISSING_KIND = "taskforce.monthly_report"
MAX_ROWS = 50_000
_CODE = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")


def _require(actor, capability: str, message: str) -> None:
    if actor is not None and not has_capability(actor, capability):
        raise PermissionDenied(message)


# --- seeding -------------------------------------------------------------------------------------


def seed_defaults() -> int:
    """The standard members and row types, created once (never overwritten). Returns rows created."""
    created = 0
    for code, name, tier, is_lead, order in defaults.AGENCIES:
        if not Agency.objects.filter(Q(code=code) | Q(name=name)).exists():
            if is_lead and Agency.objects.filter(is_lead=True).exists():
                is_lead = False
            Agency.objects.create(code=code, name=name, tier=tier, is_lead=is_lead, order=order)
            created += 1
    for code, name, kind, counts, order in defaults.ROW_TYPES:
        if not RowType.objects.filter(Q(code=code) | Q(name=name)).exists():
            RowType.objects.create(code=code, name=name, kind_code=kind, counts=counts, order=order)
            created += 1
    return created


# --- agencies ------------------------------------------------------------------------------------


def _agency_values(agency: Agency) -> dict:
    return {"code": agency.code, "name": agency.name, "tier": agency.tier, "unit": agency.unit_id,
            "active": agency.active, "order": agency.order}  # fmt: skip


@transaction.atomic
def agency_save(*, actor, agency: Agency | None, code: str, name: str, tier: str, unit=None, active: bool = True,
                order: int = 100, request=None) -> Agency:  # fmt: skip
    _require(actor, "taskforce.manage", "只有牵头单位可以维护专班成员单位")
    code, name = (code or "").strip(), (name or "").strip()
    errors = {}
    if not _CODE.match(code):
        errors["code"] = "代码须为2至40位小写字母、数字、下划线或连字符，以字母开头"
    if not name or len(name) > 100:
        errors["name"] = "请填写名称（不超过100个字）"
    if tier not in Agency.Tier.values:
        errors["tier"] = "请选择类别"
    others = Agency.objects.exclude(pk=agency.pk) if agency else Agency.objects.all()
    if code and others.filter(code=code).exists():
        errors["code"] = f"代码“{code}”已被使用"
    if name and others.filter(name=name).exists():
        errors["name"] = f"名称“{name}”已被使用"
    if agency is not None and agency.is_lead and not active:
        errors["active"] = "牵头单位不能停用"
    if errors:
        raise ValidationError(errors)
    before = _agency_values(agency) if agency else None
    agency = agency or Agency()
    agency.code, agency.name, agency.tier, agency.unit, agency.active, agency.order = (
        code, name, tier, unit, active, order)  # fmt: skip
    agency.save()
    audit_record(actor=actor, action="taskforce.agency_create" if before is None else "taskforce.agency_update",
                 obj=agency, request=request, extra={"before": before, "after": _agency_values(agency)})  # fmt: skip
    return agency


@transaction.atomic
def agency_sharing_set(
    *, actor, agency: Agency, row_types: list[str], aggregates: list[str], request=None
) -> Agency:
    """The lead sets what an agency may read; the audit event keeps before and after."""
    _require(actor, "taskforce.manage", "只有牵头单位可以设置共享规则")
    known = set(RowType.objects.values_list("code", flat=True))
    bad = [c for c in row_types if c not in known] + [c for c in aggregates if c not in AGGREGATES]
    if bad:
        raise ValidationError({"row_types": "未知的信息类型或汇总数据：" + "、".join(bad)})
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    before = {"row_types": list(agency.shared_row_types), "aggregates": list(agency.shared_aggregates)}
    after = {"row_types": sorted(set(row_types)), "aggregates": sorted(set(aggregates))}
    if before == after:
        return agency
    agency.shared_row_types, agency.shared_aggregates = after["row_types"], after["aggregates"]
    agency.save(update_fields=["shared_row_types", "shared_aggregates"])
    audit_record(actor=actor, action="taskforce.sharing_change", obj=agency, request=request,
                 extra={"before": before, "after": after})  # fmt: skip
    return agency


def _has_agency_role(user: User) -> bool:
    return RoleAssignment.objects.filter(RoleAssignment.active_q(), user=user, role=AGENCY_ROLE).exists()


@transaction.atomic
def agency_member_link(*, actor, agency: Agency, user: User, request=None) -> AgencyMember:
    """Link an account that holds the `taskforce_agency` role (granted by the administrator)."""
    _require(actor, "taskforce.manage", "只有牵头单位可以关联成员单位账号")
    if not _has_agency_role(user):
        raise ValidationError({"user": f"账号“{user.username}”没有“专班成员单位”角色，请先由系统管理员授予"})
    existing = AgencyMember.objects.filter(user=user).select_related("agency").first()
    if existing is not None:
        raise ValidationError({"user": f"账号“{user.username}”已关联“{existing.agency.name}”"})
    member = AgencyMember.objects.create(agency=agency, user=user, linked_by=actor, linked_at=timezone.now())
    audit_record(actor=actor, action="taskforce.member_link", obj=agency, request=request,
                 extra={"user": user.pk, "username": user.username})  # fmt: skip
    return member


@transaction.atomic
def agency_member_unlink(*, actor, member: AgencyMember, request=None) -> None:
    _require(actor, "taskforce.manage", "只有牵头单位可以解除成员单位账号")
    agency, user = member.agency, member.user
    member.delete()
    audit_record(actor=actor, action="taskforce.member_unlink", obj=agency, request=request,
                 extra={"user": user.pk, "username": user.username})  # fmt: skip


@transaction.atomic
def agency_token_issue(*, actor, agency: Agency, name: str, request=None):
    """An API token for the agency's system: through its integration account (created once, with
    the `taskforce_agency` role and linked to the agency). Returns (token, raw): the raw value is
    shown once and never stored."""
    from qinglian.accounts.services import role_assign, user_create
    from qinglian.api.services import token_issue

    _require(actor, "taskforce.manage", "只有牵头单位可以签发成员单位接口令牌")
    if not (name or "").strip():
        raise ValidationError({"name": "请填写令牌用途"})
    if not agency.active:
        raise ValidationError({"name": "该成员单位已停用"})
    username = f"tf-{agency.code}-api"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(actor=None, username=username, display_name=f"{agency.name}（接口）",
                           unit=agency.unit, is_integration=True)  # fmt: skip
    elif not user.is_integration:
        raise ValidationError({"name": f"账号“{username}”已存在且不是接口账号"})
    if not _has_agency_role(user):
        role_assign(
            actor=None, user=user, role=AGENCY_ROLE, anchor=agency.unit, reason="专班成员单位接口账号"
        )
    member = AgencyMember.objects.filter(user=user).first()
    if member is None:
        AgencyMember.objects.create(agency=agency, user=user, linked_by=actor, linked_at=timezone.now())
    elif member.agency_id != agency.pk:
        raise ValidationError({"name": f"接口账号“{username}”属于其他成员单位"})
    token, raw = token_issue(actor=None, user=user, name=name.strip(), unit=None)
    audit_record(actor=actor, action="taskforce.token_issue", obj=agency, request=request,
                 extra={"token": token.pk, "prefix": token.key_prefix, "user": user.pk})  # fmt: skip
    return token, raw


@transaction.atomic
def agency_token_revoke(*, actor, agency: Agency, token, reason: str, request=None):
    _require(actor, "taskforce.manage", "只有牵头单位可以撤销成员单位接口令牌")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写撤销事由"})
    if not AgencyMember.objects.filter(agency=agency, user_id=token.user_id).exists():
        raise ValidationError({"token": "该令牌不属于此成员单位"})
    if token.revoked_at:
        raise ValidationError({"token": "该令牌已撤销"})
    type(token).objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    audit_record(actor=actor, action="taskforce.token_revoke", obj=agency, reason=reason, request=request,
                 extra={"token": token.pk, "prefix": token.key_prefix})  # fmt: skip


# --- row types -----------------------------------------------------------------------------------


@transaction.atomic
def row_type_save(*, actor, row_type: RowType | None, code: str, name: str, kind_code: str, counts: bool,
                  active: bool = True, order: int = 100, request=None) -> RowType:  # fmt: skip
    from qinglian.archive.models import EntryKind

    _require(actor, "taskforce.manage", "只有牵头单位可以维护月报表信息类型")
    code, name, kind_code = (code or "").strip(), (name or "").strip(), (kind_code or "").strip()
    errors = {}
    if not _CODE.match(code):
        errors["code"] = "代码须为2至40位小写字母、数字、下划线或连字符，以字母开头"
    if not name or len(name) > 60:
        errors["name"] = "请填写名称（不超过60个字）"
    kind = EntryKind.objects.filter(code=kind_code).first()
    if kind is None or not kind_code.startswith("external.") or kind.for_units:
        errors["kind_code"] = "请选择一个外部信息类档案记录类型（external.*）"
    elif not counts and (kind.graded or kind.effect != "none" or kind.colour != "none"):
        errors["kind_code"] = "“仅作信息”的类型只能对应无颜色、不计等级、不影响意见的记录类型"
    others = RowType.objects.exclude(pk=row_type.pk) if row_type else RowType.objects.all()
    if code and others.filter(code=code).exists():
        errors["code"] = f"代码“{code}”已被使用"
    if name and others.filter(name=name).exists():
        errors["name"] = f"名称“{name}”已被使用"
    if (
        row_type is not None
        and row_type.code != code
        and ReportItem.objects.filter(row_type=row_type).exists()
    ):
        errors["code"] = "该类型已有报送记录，代码不能修改"
    if errors:
        raise ValidationError(errors)
    before = None if row_type is None else {"code": row_type.code, "name": row_type.name,
                                            "kind": row_type.kind_code, "counts": row_type.counts,
                                            "active": row_type.active}  # fmt: skip
    row_type = row_type or RowType()
    row_type.code, row_type.name, row_type.kind_code, row_type.counts, row_type.active, row_type.order = (
        code, name, kind_code, counts, active, order)  # fmt: skip
    row_type.save()
    audit_record(actor=actor, action="taskforce.row_type_save", obj=row_type, request=request,
                 extra={"before": before, "after": {"code": code, "name": name, "kind": kind_code, "counts": counts,
                                                    "active": active}})  # fmt: skip
    return row_type


# --- monthly reports -----------------------------------------------------------------------------


def month_start(value) -> date:
    """'2026-10', '2026年10月', a date → the first day of that month. ValueError in Chinese."""
    if isinstance(value, date):
        return value.replace(day=1)
    m = _MONTH.match(str(value or "").strip())
    if not m or not 1 <= int(m[2]) <= 12:
        raise ValueError("月份格式应为 YYYY-MM")
    return date(int(m[1]), int(m[2]), 1)


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def deadline_for(month: date) -> date:
    from qinglian.rules.registry import param

    nxt = _next_month(month)
    day = int(param("taskforce.monthly_report", "deadline_day", as_of=nxt).value)
    return nxt.replace(day=day)


def deadlines_for(months: list[date]) -> dict[date, date]:
    """`deadline_for` of many months with one query: the parameter's rows read once, the one in
    force on each date picked as `param` picks it."""
    from qinglian.rules.models import RuleParameter
    from qinglian.rules.registry import pick_in_force

    rows = list(RuleParameter.objects.filter(rule__code="taskforce.monthly_report", key="deadline_day"))
    out = {}
    for month in months:
        nxt = _next_month(month)
        row = pick_in_force([r for r in rows if r.effective_from <= nxt]).get("deadline_day")
        out[month] = nxt.replace(day=int(row.typed_value)) if row is not None else deadline_for(month)
    return out


def _date(text) -> date:
    if isinstance(text, date):
        return text
    m = _DATE.match(str(text or "").strip().split(" ")[0].split("T")[0])
    if not m:
        raise ValueError("日期格式应为 YYYY-MM-DD")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError("日期不存在") from None


@dataclass
class SubmitResult:
    report: MonthlyReport | None = None
    total: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report is not None and not self.errors


def _text(values: dict, key: str) -> str:
    v = values.get(key)
    return "" if v is None else str(v).strip()


def _validate(rows, *, today: date) -> tuple[list[dict], list[RowError]]:
    """Check every row (set-based matching of ID numbers); returns the clean rows and every error."""
    from qinglian.people.models import Cadre

    types = {t.code: t for t in RowType.objects.filter(active=True)}
    by_name = {t.name: t for t in types.values()}
    errors: list[RowError] = []
    clean: list[dict] = []
    for number, values in rows:
        problems: list[tuple[str, str, str]] = []
        row = {"number": number}
        try:
            row["hash"] = keyed_hash(parse(_text(values, "id_number")).number)
        except IdNumberError as exc:
            problems.append(("身份证号", "", exc.message))  # the number itself is never echoed
        code = _text(values, "row_type")
        row_type = types.get(code) or by_name.get(code)
        if row_type is None:
            problems.append(("信息类型", code[:60], "未知或已停用的信息类型，请按模板“填写说明”填写代码"))
        row["row_type"] = row_type
        try:
            row["occurred_on"] = _date(values.get("occurred_on"))
            if row["occurred_on"] > today:
                problems.append(("发生日期", str(row["occurred_on"]), "发生日期不能晚于今天"))
            elif row["occurred_on"].year < 1950:
                problems.append(("发生日期", str(row["occurred_on"]), "发生日期过早"))
        except ValueError as exc:
            problems.append(("发生日期", _text(values, "occurred_on")[:40], str(exc)))
        row["summary"] = _text(values, "summary")
        if not row["summary"]:
            problems.append(("事实摘要", "", "请填写事实摘要"))
        elif len(row["summary"]) > 2000:
            problems.append(("事实摘要", "", "事实摘要过长（不超过2000个字）"))
        row["name"] = _text(values, "name")
        row["source_reference"] = _text(values, "source_reference")
        if len(row["source_reference"]) > 100:
            problems.append(("来源文号", row["source_reference"][:40], "来源文号过长（不超过100个字）"))
        errors.extend(RowError(number, h, v, r) for h, v, r in problems)
        if not problems:
            clean.append(row)
    hashes = sorted({r["hash"] for r in clean})
    cadres = {}
    for i in range(0, len(hashes), 2000):
        for c in (
            Cadre.objects.filter(id_number_hash__in=hashes[i : i + 2000])
            .select_related("unit")
            .only("id", "name", "id_number_hash", "unit__id", "unit__path", "unit__supervisor_id")
        ):
            cadres[c.id_number_hash] = c
    seen: dict[tuple, int] = {}
    good = []
    for row in clean:
        cadre = cadres.get(row["hash"])
        if cadre is None:
            errors.append(RowError(row["number"], "身份证号", "", "干部库中没有该身份证号的干部"))
            continue
        if row["name"] and row["name"] != cadre.name:
            errors.append(
                RowError(row["number"], "姓名", row["name"][:20], "姓名与干部库中该身份证号的干部不一致")
            )
            continue
        key = (cadre.pk, row["row_type"].code, row["occurred_on"], row["summary"], row["source_reference"])
        if key in seen:
            errors.append(RowError(row["number"], "", "", f"与第 {seen[key]} 行重复"))
            continue
        seen[key] = row["number"]
        row["cadre"], row["key"] = cadre, key
        good.append(row)
    errors.sort(key=lambda e: e.row)
    return good, errors


def report_submit(*, actor, agency: Agency, month, rows, channel: str, filename: str = "",
                  request=None) -> SubmitResult:  # fmt: skip
    """Validate every row, then file every row or nothing.

    `rows` is an iterable of (row_number, {id_number, name, row_type, occurred_on, summary,
    source_reference}). A report with any bad row (an unknown ID number included) is refused whole
    and every bad row is listed. Good rows become archive entries through `entries_record_many` (the
    archive's set-based twin of `entry_record`) — sealed, colourless, pending review by a discipline
    or organisation role — from the agency's unit.
    A report received after the deadline is accepted and marked late.
    """
    from qinglian.archive.services import EntryRowsInvalid, entries_record_many
    from qinglian.people.bulk import insert_objects, reserve_ids

    if not has_capability(actor, "taskforce.report"):
        raise PermissionDenied("只有专班成员单位账号可以报送月报表")
    member = AgencyMember.objects.filter(user=actor, agency=agency, agency__active=True).exists()
    if not member:
        raise PermissionDenied("您的账号不属于该成员单位")
    if channel not in MonthlyReport.Channel.values:
        raise ValidationError({"channel": "未知的报送方式"})
    today = timezone.localdate()
    try:
        month = month_start(month)
    except ValueError as exc:
        raise ValidationError({"month": str(exc)}) from None
    if month > today.replace(day=1) or month.year < 2000:
        raise ValidationError({"month": "不能报送未来月份的月报表"})
    result = SubmitResult()
    rows = list(rows)
    result.total = len(rows)
    if not rows:
        raise ValidationError(
            {"rows": "月报表没有数据行；本月无信息的，请报送一行“其他监督信息”说明或联系牵头单位"}
        )
    if len(rows) > MAX_ROWS:
        raise ValidationError({"rows": f"单次报送不超过 {MAX_ROWS:,} 行，请拆分报送"})
    good, result.errors = _validate(rows, today=today)
    if result.errors:
        return result
    deadline = deadline_for(month)
    existing = _existing_keys(agency, [r["cadre"].pk for r in good])
    with transaction.atomic():
        report = MonthlyReport.objects.create(
            agency=agency, month=month, channel=channel, filename=filename[:255], submitted_by=actor,
            submitted_at=timezone.now(), deadline=deadline, late=today > deadline, rows=len(good),
        )  # fmt: skip
        new = [row for row in good if row["key"] not in existing]
        report.unchanged = len(good) - len(new)
        try:
            entries = entries_record_many(actor=actor, rows=[
                {"person": row["cadre"], "kind": row["row_type"].kind_code, "summary": row["summary"],
                 "occurred_on": row["occurred_on"], "source_app": "taskforce", "source_type": "monthly_report",
                 "source_id": str(report.pk), "source_agency": agency.unit,
                 "source_reference": row["source_reference"]} for row in new])  # fmt: skip
        except EntryRowsInvalid as exc:  # a rule the pre-check missed: write nothing
            transaction.set_rollback(True)
            result.errors = [RowError(new[i]["number"], "", "", message) for i, _, message in exc.rows]
            return result
        items = [ReportItem(report=report, row_number=row["number"], row_type=row["row_type"], person=row["cadre"],
                            entry=entry) for row, entry in zip(new, entries, strict=True)]  # fmt: skip
        report.counted = sum(row["row_type"].counts for row in new)
        for item, pk in zip(items, reserve_ids(ReportItem, len(items)), strict=True):
            item.pk = pk
        insert_objects(ReportItem, items)  # COPY on PostgreSQL (people.bulk, as the registry imports)
        report.created = len(items)
        report.save(update_fields=["unchanged", "created", "counted"])
        _close_missing(actor, agency, month)
        audit_record(actor=actor, action="taskforce.report_submit", obj=report, request=request,
                     extra={"agency": agency.code, "month": f"{month:%Y-%m}", "rows": report.rows,
                            "created": report.created, "unchanged": report.unchanged, "late": report.late,
                            "channel": channel})  # fmt: skip
    result.report = report
    return result


def _existing_keys(agency: Agency, person_ids: list[int]) -> set[tuple]:
    """Rows already filed by this agency (a re-sent report files nothing twice)."""
    keys = set()
    ids = sorted(set(person_ids))
    for i in range(0, len(ids), 2000):
        for rt_code, person_id, occurred, summary, ref in ReportItem.objects.filter(
            report__agency=agency, person_id__in=ids[i : i + 2000], entry__voided_at__isnull=True
        ).values_list(
            "row_type__code", "person_id", "entry__occurred_on", "entry__summary", "entry__source_reference"
        ):
            keys.add((person_id, rt_code, occurred, summary, ref))
    return keys


def _close_missing(actor, agency: Agency, month: date) -> None:
    from qinglian.workitems.services import workitems_complete_for_subject

    missing = MissingReport.objects.filter(agency=agency, month=month).first()
    if missing is not None:
        workitems_complete_for_subject(actor=actor, subject=missing, kind=MISSING_KIND, note="已报送月报表")


@transaction.atomic
def missing_reports_scan(today: date | None = None) -> int:
    """Monthly (run daily: idempotent): for the month whose deadline has passed, each active agency
    (the lead excluded) without a report gets one to-do. Returns the to-dos opened."""
    from qinglian.workitems.services import workitem_create

    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    month = date(this_month.year - (this_month.month == 1), (this_month.month - 2) % 12 + 1, 1)
    deadline = deadline_for(month)
    if today <= deadline:
        return 0
    reported = set(MonthlyReport.objects.filter(month=month).values_list("agency_id", flat=True))
    flagged = set(MissingReport.objects.filter(month=month).values_list("agency_id", flat=True))
    members = {}
    for m in AgencyMember.objects.filter(user__is_integration=False, user__is_active=True).select_related(
        "user"
    ):
        members.setdefault(m.agency_id, m.user)
    opened = 0
    for agency in Agency.objects.filter(active=True, is_lead=False).exclude(pk__in=reported | flagged):
        assignee_user = members.get(agency.pk)
        if agency.unit_id is None and assignee_user is None:
            continue  # nobody to assign it to: the grid still shows the gap
        try:
            with transaction.atomic():
                missing = MissingReport.objects.create(agency=agency, month=month, created_at=timezone.now())
                missing.workitem = workitem_create(
                    actor=None, subject=missing, kind=MISSING_KIND,
                    title=f"{agency.name}：{month:%Y年%m月}月报表逾期未报送（期限{deadline:%m月%d日}）",
                    assignee_user=assignee_user, assignee_unit=agency.unit, due_calendar_days=5,
                )  # fmt: skip
                missing.save(update_fields=["workitem"])
        except IntegrityError:
            continue
        opened += 1
    if opened:
        audit_record(
            actor=None, action="taskforce.missing_scan", extra={"month": f"{month:%Y-%m}", "opened": opened}
        )
    return opened
