"""Excel import of archive entries (monthly reports of partner agencies, appraisal results...).

Like the people import: the whole file is validated first, every bad row is reported, and nothing
is written unless every row is valid; then each row goes through `entry_record` (the one write
path of the archive) in one transaction. Persons are matched by the keyed hash of the ID number,
which is never echoed back. Permission is per kind, as in `entry_record`: a partner agency
(`archive.submit_external`) may submit only `external.*`, appraisal and commendation kinds, and
its entries wait for review by a discipline role before they count. Re-importing the same file
changes nothing (a row identical to an entry already on the file is counted as unchanged).
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import capabilities, scope
from qinglian.archive.models import ArchiveEntry, EntryKind
from qinglian.archive.periods import PeriodError, compute
from qinglian.audit.services import audit_record
from qinglian.core.crypto import keyed_hash
from qinglian.core.excel import Column, RowError, read_table
from qinglian.core.idnumber import IdNumberError, parse
from qinglian.people.imports import ImportResult, Progress
from qinglian.people.models import Cadre

ENTRY_COLUMNS = [
    Column("身份证号", "id_number", True, "18位；按身份证号匹配干部库中的干部"),
    Column("记录类型代码", "kind", True, "如 appraisal.competent、external.audit_finding，见“记录类型”说明"),
    Column("发生日期", "occurred_on", True, "YYYY-MM-DD"),
    Column("决定日期", "effective_on", note="YYYY-MM-DD；留空则与发生日期相同"),
    Column("事实摘要", "summary", True),
    Column("决定人", "decided_by", note="组织处理、处分、表彰等须写明决定人或决定机关"),
    Column("决定文号", "decision_document", note="处分须有决定文书文号（文书可稍后补传）"),
    Column("期限（月）", "period_months", note="留党察看期限、合并处分期间、组织处理期限等"),
    Column("所属年度", "period_year", note="年度考核填写考核年度"),
    Column("来源文号", "source_reference", note="报送单位的文号或编号"),
]
AGENCY_PREFIXES = ("external.", "appraisal.", "commendation")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def _date(text: str) -> date:
    m = _DATE.match(text.strip().split(" ")[0])
    if not m:
        raise ValueError("日期格式应为 YYYY-MM-DD")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError("日期不存在") from None


def _int(text: str, header: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"{header}应为整数")
    return int(text)


def _key(person_id, kind_id, effective_on, summary, reference) -> tuple:
    return (person_id, kind_id, effective_on, summary.strip(), reference.strip())


def import_entries(*, actor, data: bytes, filename: str = "", source_agency=None,
                   progress: Progress | None = None) -> ImportResult:  # fmt: skip
    """Validate the whole file, then record every row through `entry_record`, or nothing at all.

    `source_agency` (a Unit) is stamped on every entry; a partner agency's user defaults to its own
    unit. Raises FileRejected for a file that cannot be read, PermissionDenied for a user who may
    record no kind at all.
    """
    caps = capabilities(actor) if actor is not None else None
    if caps is not None and not any(c.startswith(("archive.record_", "archive.submit_")) for c in caps):
        raise PermissionDenied("您的角色无权导入档案记录")
    agency_only = (
        caps is not None
        and "archive.submit_external" in caps
        and not any(c.startswith("archive.record_") for c in caps)
    )
    if source_agency is None and agency_only:
        source_agency = actor.unit
    kinds = {k.code: k for k in EntryKind.objects.all()}
    today = timezone.localdate()
    result = ImportResult()
    rows = []
    for number, values in read_table(data, ENTRY_COLUMNS):
        result.total += 1
        problems: list[tuple[str, str, str]] = []
        row = {"number": number}
        try:
            row["hash"] = keyed_hash(parse(values.get("身份证号", "")).number)
        except IdNumberError as exc:
            problems.append(("身份证号", "", exc.message))  # the number itself is never echoed
        code = values.get("记录类型代码", "")
        kind = kinds.get(code)
        if kind is None:
            problems.append(("记录类型代码", code, "未知的记录类型代码"))
        elif kind.for_units:
            problems.append(("记录类型代码", code, f"“{kind.name}”是单位记录，不能按人员导入"))
        elif caps is not None and not caps.intersection(kind.creators):
            problems.append(("记录类型代码", code, f"您的角色不能录入“{kind.name}”"))
        elif agency_only and not code.startswith(AGENCY_PREFIXES):
            problems.append(("记录类型代码", code, "成员单位只能报送外部信息、年度考核和表彰类记录"))
        row["kind"] = kind
        for header, key in (("发生日期", "occurred_on"), ("决定日期", "effective_on")):
            text = values.get(header, "")
            if not text:
                if header == "发生日期":
                    problems.append((header, "", "请填写发生日期"))
                continue
            try:
                row[key] = _date(text)
            except ValueError as exc:
                problems.append((header, text, str(exc)))
        occurred = row.get("occurred_on")
        effective = row.get("effective_on") or occurred
        if occurred and occurred > today:
            problems.append(("发生日期", str(occurred), "发生日期不能晚于今天"))
        if occurred and effective and effective < occurred:
            problems.append(("决定日期", str(effective), "决定日期不能早于发生日期"))
        if effective and effective > today:
            problems.append(("决定日期", str(effective), "决定日期不能晚于今天"))
        row["effective_on"] = effective
        for header, key in (("期限（月）", "period_months"), ("所属年度", "period_year")):
            try:
                row[key] = _int(values.get(header, ""), header)
            except ValueError as exc:
                problems.append((header, values.get(header, ""), str(exc)))
        row["summary"] = values.get("事实摘要", "")
        if not row["summary"]:
            problems.append(("事实摘要", "", "请填写事实摘要"))
        row["decided_by"] = values.get("决定人", "")
        row["decision_document"] = values.get("决定文号", "")
        row["source_reference"] = values.get("来源文号", "")
        if kind is not None:
            if kind.needs_decision and not row["decided_by"]:
                problems.append(("决定人", "", f"“{kind.name}”须写明作出决定的人或机关"))
            if kind.needs_document and not row["decision_document"]:
                problems.append(("决定文号", "", f"“{kind.name}”须有决定文书文号"))
            if effective and not any(p[0] in ("期限（月）", "所属年度") for p in problems):
                try:
                    compute(kind, effective_on=effective, period_months=row["period_months"],
                            period_year=row["period_year"])  # fmt: skip
                except PeriodError as exc:
                    header = "所属年度" if "年度" in str(exc) else "期限（月）"
                    problems.append((header, values.get(header, ""), str(exc)))
        rows.append((row, problems))
        if progress and result.total % 500 == 0:
            progress(result.total, result.total)
    cadres = {
        c.id_number_hash: c
        for c in Cadre.objects.filter(
            id_number_hash__in={r["hash"] for r, _ in rows if "hash" in r}
        ).select_related("unit")
    }
    seen: dict[tuple, int] = {}
    for row, problems in rows:
        cadre = cadres.get(row.get("hash"))
        kind = row["kind"]
        if "hash" in row:
            in_scope = cadre is not None and (
                caps is None
                or agency_only
                or (
                    kind is not None
                    and any(scope(actor, c).contains(cadre.unit) for c in caps.intersection(kind.creators))
                )  # fmt: skip
                or (kind is None and scope(actor, "archive.view").contains(cadre.unit))
            )
            if not in_scope:
                problems.append(("身份证号", "", "干部库中没有该身份证号的干部，或不在您的管理范围内"))
            row["cadre"] = cadre
        if not problems:
            key = _key(cadre.pk, kind.pk, row["effective_on"], row["summary"], row["source_reference"])
            if key in seen:
                problems.append(("", "", f"与第 {seen[key]} 行重复"))
            seen[key] = row["number"]
            row["key"] = key
        result.errors.extend(RowError(row["number"], h, v, r) for h, v, r in problems)
    if not result.ok:
        return result
    existing = {
        _key(e.person_id, e.kind_id, e.effective_on, e.summary, e.source_reference)
        for e in ArchiveEntry.objects.filter(
            person__in=[r["cadre"] for r, _ in rows], voided_at__isnull=True
        ).only("person_id", "kind_id", "effective_on", "summary", "source_reference")
    }
    from qinglian.archive.services import entry_record

    with transaction.atomic():
        for done, (row, _problems) in enumerate(rows, start=1):
            if row["key"] in existing:
                result.unchanged += 1
                continue
            try:
                entry_record(
                    actor=actor, person=row["cadre"], kind=row["kind"].code, summary=row["summary"],
                    occurred_on=row["occurred_on"], effective_on=row["effective_on"],
                    decided_by=row["decided_by"], decision_document=row["decision_document"],
                    period_months=row["period_months"], period_year=row["period_year"],
                    source_app="archive", source_type="import", source_id=filename[:64],
                    source_agency=source_agency, source_reference=row["source_reference"],
                    check_permission=actor is not None,
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as exc:  # a rule the pre-check missed: write nothing
                transaction.set_rollback(True)
                reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                result.errors.append(RowError(row["number"], "", "", reason))
                result.created = 0
                return result
            result.created += 1
            if progress and done % 200 == 0:
                progress(done, len(rows))
        audit_record(
            actor=actor, action="archive.import", obj=("archive.import", filename[:64], filename[:255]),
            extra={"rows": result.total, "created": result.created, "unchanged": result.unchanged,
                   "source_agency": source_agency.pk if source_agency else None},
        )  # fmt: skip
    return result
