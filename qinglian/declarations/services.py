"""Writes on personal-matters reports: start a draft, save it, submit (lock and version), and the
yearly to-dos. Atomic, validated, audited. Only the cadre writes his or her own report.

Submitting makes the next version; a later change report starts from the latest version and does
not touch it. Relatives' jobs (family_jobs) and their residence abroad (family_abroad) flow into
the people registry's relatives through people's service, marked "本人申报".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from qinglian.audit.services import audit_record
from qinglian.declarations.items import KINDS, clean_row, is_blank
from qinglian.declarations.models import Declaration, Item
from qinglian.declarations.selectors import annual_due, current_report_year, latest_submitted, reporters
from qinglian.people.models import Cadre, Relative

MAX_ROWS_PER_KIND = 50
ANNUAL_TODO = "declarations.annual"


@dataclass
class RowInput:
    """One row as typed: its kind, the token naming it on the page, and the raw field values."""

    kind: str
    raw: dict
    token: str = ""


class RowErrors(ValidationError):
    """Validation failed on some rows: `rows` maps (kind, token) to {field: message}."""

    def __init__(self, rows: dict, message: str):
        super().__init__(message)
        self.rows = rows


def _own_cadre(user) -> Cadre:
    cadre = Cadre.objects.select_related("unit").filter(user=user).first() if user.is_authenticated else None
    if cadre is None:
        raise PermissionDenied("您的账号没有关联干部信息，请联系组织部门")
    return cadre


def _audit(actor, action: str, declaration: Declaration, request=None, **extra) -> None:
    audit_record(actor=actor, action=action, obj=declaration, person_id=declaration.cadre_id,
                 unit_id=declaration.cadre.unit_id, request=request, extra=extra or None)  # fmt: skip


@transaction.atomic
def declaration_start(
    *, user, kind: str, year: int | None = None, reason: str = "", request=None
) -> Declaration:
    """Open the cadre's draft: the annual report for `year` (default: last year) or a change report.
    Rows start as a copy of the latest submitted version, so that the cadre corrects rather than
    retypes. At most one draft at a time: an existing draft is returned."""
    cadre = _own_cadre(user)
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()  # one draft even with two clicks
    today = timezone.localdate()
    existing = Declaration.objects.filter(cadre=cadre, status=Declaration.Status.DRAFT).first()
    if existing is not None:
        return existing
    if kind == Declaration.Kind.ANNUAL:
        year = current_report_year(today) if year is None else year
        if not isinstance(year, int) or not 2000 <= year < today.year:
            raise ValidationError({"year": "年度报告只能报告已经结束的年度"})
        if Declaration.objects.filter(cadre=cadre, kind=kind, year=year).exists():
            raise ValidationError({"year": f"{year}年度报告已经提交；如有变化，请填报事项变化报告"})
    elif kind == Declaration.Kind.CHANGE:
        year = today.year
        if latest_submitted(cadre) is None:
            raise ValidationError({"kind": "尚未提交过年度报告，请先填报年度集中报告"})
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "请填写变化事由"})
        if len(reason) > 500:
            raise ValidationError({"reason": "变化事由不能超过500个字"})
    else:
        raise ValidationError({"kind": "请选择报告类型"})
    now = timezone.now()
    previous = latest_submitted(cadre)
    declaration = Declaration.objects.create(
        cadre=cadre, kind=kind, year=year, reason=reason if kind == Declaration.Kind.CHANGE else "",
        previous=previous, created_by=user, created_at=now, updated_at=now,
    )  # fmt: skip
    if previous is not None:
        Item.objects.bulk_create(
            Item(declaration=declaration, kind=i.kind, position=i.position, data=dict(i.data))
            for i in previous.items.all()
        )
    _audit(user, "declaration.start", declaration, request, kind=kind, year=year)
    return declaration


def _check_rows(rows: list[RowInput], *, strict: bool) -> list[tuple[str, dict]]:
    errors: dict = {}
    cleaned: list[tuple[str, dict]] = []
    counts: dict[str, int] = {}
    for row in rows:
        kind = KINDS.get(row.kind)
        if kind is None:
            errors[(row.kind, row.token)] = {"": "未知的报告事项"}
            continue
        if is_blank(row.raw, kind):
            continue  # an empty row added on the page and left empty
        counts[row.kind] = counts.get(row.kind, 0) + 1
        if counts[row.kind] > MAX_ROWS_PER_KIND:
            errors[(row.kind, row.token)] = {"": f"每类事项最多填写{MAX_ROWS_PER_KIND}行"}
            continue
        data, row_errors = clean_row(kind, row.raw, strict=strict)
        if row_errors:
            errors[(row.kind, row.token)] = row_errors
        cleaned.append((row.kind, data))
    if errors:
        n = len(errors)
        raise RowErrors(errors, f"有{n}行填写有误，请按提示修改；本次{'未提交' if strict else '未保存'}")
    return cleaned


def _locked_draft(declaration: Declaration, user) -> Declaration:
    d = Declaration.objects.select_for_update().select_related("cadre").get(pk=declaration.pk)
    if d.cadre.user_id != user.pk:
        raise PermissionDenied("只能填报本人的报告")
    if d.locked:
        raise ValidationError("报告已提交并锁定，不能修改；如有变化，请填报事项变化报告")
    return d


@transaction.atomic
def declaration_save(*, user, declaration: Declaration, rows: list[RowInput], request=None) -> Declaration:
    """Keep the draft as typed. Impossible values are refused (nothing saved); empty fields are
    accepted until submission."""
    d = _locked_draft(declaration, user)
    cleaned = _check_rows(rows, strict=False)
    _replace_items(d, cleaned)
    d.updated_at = timezone.now()
    d.save(update_fields=["updated_at"])
    _audit(user, "declaration.save", d, request, rows=len(cleaned))
    return d


def _replace_items(d: Declaration, cleaned: list[tuple[str, dict]]) -> None:
    d.items.all().delete()
    positions: dict[str, int] = {}
    objs = []
    for kind, data in cleaned:
        positions[kind] = positions.get(kind, 0) + 1
        objs.append(Item(declaration=d, kind=kind, position=positions[kind], data=data))
    Item.objects.bulk_create(objs)


@transaction.atomic
def declaration_submit(*, user, declaration: Declaration, rows: list[RowInput], request=None) -> Declaration:
    """Validate every row in full, save, lock, number the version, complete the annual to-do and
    pass relatives' jobs to the people registry."""
    d = _locked_draft(declaration, user)
    cleaned = _check_rows(rows, strict=True)
    _replace_items(d, cleaned)
    now = timezone.now()
    last = (
        Declaration.objects.filter(cadre=d.cadre, version__isnull=False).aggregate(m=Max("version"))["m"] or 0
    )
    d.status, d.version, d.submitted_at, d.submitted_by, d.updated_at = (
        Declaration.Status.SUBMITTED, last + 1, now, user, now)  # fmt: skip
    try:
        with transaction.atomic():
            d.save(update_fields=["status", "version", "submitted_at", "submitted_by", "updated_at"])
    except IntegrityError:
        raise ValidationError("报告已由另一次提交锁定，请刷新页面") from None
    _audit(user, "declaration.submit", d, request, version=d.version, kind=d.kind, year=d.year)
    _flow_relatives(d, cleaned, when=timezone.localdate(now))
    if d.kind == Declaration.Kind.ANNUAL:
        from qinglian.workitems.services import workitems_complete_for_subject

        workitems_complete_for_subject(actor=user, subject=d.cadre, kind=ANNUAL_TODO,
                                       note=f"已提交第{d.version}版", request=request)  # fmt: skip
    return d


def _flow_relatives(d: Declaration, cleaned: list[tuple[str, dict]], *, when: date) -> None:
    """Declared jobs and residence abroad update (or add) the cadre's relatives, source "declared"."""
    from qinglian.people.cadre_services import relative_save

    rows: dict[tuple[str, str], dict] = {}
    for kind, data in cleaned:
        if kind in ("family_jobs", "family_abroad") and data.get("relation") and data.get("name"):
            rows.setdefault((data["relation"], data["name"]), {}).update(
                {"job": data} if kind == "family_jobs" else {"abroad": data}
            )
    if not rows:
        return
    existing = {(r.relation, r.name): r for r in Relative.objects.filter(cadre=d.cadre)}
    for (relation, name), parts in rows.items():
        rel = existing.get((relation, name))
        fields = {k: getattr(rel, k) if rel else None for k in (
            "birth_date", "employer_unit", "employer_credit_code", "employer_name", "job", "abroad", "emigrated")}  # fmt: skip
        if rel is not None and rel.source != "declared":
            fields["source"] = rel.source  # a verified or reported relative keeps its source
        fields.update(
            relation=relation, name=name, source=fields.get("source") or "declared", source_date=when
        )
        if "job" in parts:
            job = parts["job"]
            if rel is not None and rel.employer_name != job.get("employer", ""):
                fields["employer_unit"] = None  # another employer: the old link to a unit no longer holds
            fields.update(employer_name=job.get("employer", ""), employer_credit_code=job.get("credit_code", ""),
                          job=job.get("job", ""))  # fmt: skip
        if "abroad" in parts:
            fields.update(abroad=True, emigrated=parts["abroad"].get("status") == "emigrated")
        relative_save(actor=None, cadre=d.cadre, data=fields, relative=rel)
    audit_record(actor=d.submitted_by, action="declaration.relatives_flow", obj=d, person_id=d.cadre_id,
                 unit_id=d.cadre.unit_id, extra={"relatives": len(rows)})  # fmt: skip


# --- yearly to-dos ---------------------------------------------------------------------------------


def annual_todos_open(*, year: int | None = None, today: date | None = None) -> int:
    """A to-do for every reporter to file the annual report covering `year`, due 31 January
    (rule declarations.annual_deadline). Idempotent: a reporter who has the to-do or has already
    submitted gets none. Returns how many were opened."""
    from django.contrib.contenttypes.models import ContentType

    from qinglian.workitems.models import WorkItem
    from qinglian.workitems.services import workitem_create

    today = today or timezone.localdate()
    year = current_report_year(today) if year is None else year
    due = annual_due(year)
    if today > due:
        return 0
    ct = ContentType.objects.get_for_model(Cadre)
    have = set(
        WorkItem.objects.filter(content_type=ct, kind=ANNUAL_TODO, due_date=due).values_list(
            "object_id", flat=True
        )
    )
    done = set(Declaration.objects.filter(kind=Declaration.Kind.ANNUAL, year=year,
                                          status=Declaration.Status.SUBMITTED).values_list("cadre_id", flat=True))  # fmt: skip
    opened = 0
    for cadre in (
        reporters(date(year + 1, 1, 1)).select_related("unit", "user").order_by("pk").iterator(chunk_size=500)
    ):
        if str(cadre.pk) in have or cadre.pk in done:
            continue
        workitem_create(
            actor=None, subject=cadre, kind=ANNUAL_TODO,
            title=f"{cadre.name}：报告{year}年度个人有关事项（{due.month}月{due.day}日前）",
            assignee_user=cadre.user if cadre.user_id else None,
            assignee_unit=None if cadre.user_id else cadre.unit,
            start=min(today, due), due_date=due, remind_days=(10, 3, 1),
        )  # fmt: skip
        opened += 1
    return opened
