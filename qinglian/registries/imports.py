"""Importing a registry file into a snapshot: streamed, validated row by row, written in batches.

External registries are the one exception to all-or-nothing imports: a file with unknown or
missing required columns is refused whole, but a row that does not parse (an ID number failing
its check, a date that is not a date...) is excluded and listed in the report, never guessed.

The rows are written in batches (COPY on PostgreSQL, multi-row INSERT on SQLite) while the new
snapshot is `running` — invisible to every selector, which reads current snapshots only. When the
whole file is in, one short transaction makes it current and deletes the rows of the snapshot it
replaces. If anything fails midway, the new rows are deleted and the previous snapshot stays.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from openpyxl import Workbook

from qinglian.audit.services import audit_record
from qinglian.core.crypto import keyed_hash
from qinglian.core.excel import RowError
from qinglian.core.idnumber import mask
from qinglian.people.bulk import insert_rows, reserve_ids
from qinglian.people.identity import id_fields
from qinglian.people.models import Unit
from qinglian.registries import schema
from qinglian.registries.models import (
    Award,
    BuyerUnitMapping,
    Company,
    CompanyRole,
    CourtRecord,
    PropertyRecord,
    RawRow,
    RegistryPerson,
    Snapshot,
    SocialOrgPost,
    Source,
    SourceKind,
    VehicleRecord,
)
from qinglian.registries.readers import Table, open_csv, open_xlsx
from qinglian.registries.schema import CellError, FileRefused, cell

log = logging.getLogger(__name__)

BATCH_ROWS = 20_000
EXCLUDED_KEPT = 1000  # in the snapshot row; the report file has them all

# Children first: deleting a snapshot's rows in this order never leaves a dangling reference.
ROW_MODELS = [
    CompanyRole,
    Award,
    PropertyRecord,
    VehicleRecord,
    CourtRecord,
    SocialOrgPost,
    RegistryPerson,
    Company,
    RawRow,
]

PERSON_COLS = ["id", "snapshot", "row_number", "name", "id_number_enc", "id_number_hash", "id_masked",
               "birth_date", "gender", "region_code", "place"]  # fmt: skip
COMPANY_COLS = [
    "id",
    "snapshot",
    "row_number",
    "credit_code",
    "name",
    "industry_code",
    "region_code",
    "address",
]
RAW_COLS = ["snapshot", "row_number", "data"]
ROLE_COLS = [
    "snapshot",
    "row_number",
    "person",
    "company",
    "role",
    "title",
    "share_pct",
    "start_date",
    "end_date",
]
AWARD_COLS = ["snapshot", "row_number", "buyer_name", "buyer_unit", "winner", "project_name", "project_number",
              "amount", "award_date"]  # fmt: skip
PROPERTY_COLS = [
    "snapshot",
    "row_number",
    "person",
    "address",
    "certificate_number",
    "area",
    "usage",
    "registered_date",
]
VEHICLE_COLS = ["snapshot", "row_number", "person", "plate", "vehicle_type", "offence_type", "offence_text",
                "record_date", "decision_number", "authority"]  # fmt: skip
COURT_COLS = ["snapshot", "row_number", "person", "kind", "case_number", "court", "cause", "party_role", "record_date",
              "amount"]  # fmt: skip
SOCIAL_COLS = [
    "snapshot",
    "row_number",
    "person",
    "org_name",
    "org_credit_code",
    "post",
    "start_date",
    "end_date",
]
RECORD_TABLES = {
    SourceKind.REAL_ESTATE: (PropertyRecord, PROPERTY_COLS),
    SourceKind.VEHICLE: (VehicleRecord, VEHICLE_COLS),
    SourceKind.COURT: (CourtRecord, COURT_COLS),
    SourceKind.SOCIAL_ORG: (SocialOrgPost, SOCIAL_COLS),
}


def max_bytes() -> int:
    return getattr(settings, "QINGLIAN_REGISTRY_MAX_BYTES", 2 * 1024**3)


def _json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass
class ImportResult:
    total: int = 0
    imported: int = 0
    excluded: list[RowError] = field(default_factory=list)  # the first EXCLUDED_KEPT
    excluded_count: int = 0
    persons: int = 0
    companies: int = 0
    records: int = 0
    encoding: str = ""


class _Report:
    """All excluded rows, spooled to a temporary file as they come (constant memory), then
    written as one workbook."""

    def __init__(self):
        self.spool = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        self.count = 0

    def add(self, error: RowError) -> None:
        self.spool.write(json.dumps([error.row, error.column, error.value, error.reason], ensure_ascii=False))
        self.spool.write("\n")
        self.count += 1

    def save(self) -> Path:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("排除行")
        ws.append(["行号", "列", "内容", "原因"])
        self.spool.seek(0)
        for line in self.spool:
            ws.append(json.loads(line))
        self.spool.close()
        fh = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
        fh.close()
        wb.save(fh.name)
        return Path(fh.name)

    def close(self) -> None:
        if not self.spool.closed:
            self.spool.close()


class Loader:
    """Turns parsed rows into table rows and writes them in batches with explicit ids for the
    rows others refer to (persons, companies). Persons are merged by ID number within the
    snapshot; companies by credit code (or, without one, by exact name)."""

    def __init__(self, snapshot: Snapshot, kind: str, progress: Callable[[int], None] | None = None):
        self.snapshot_id = snapshot.pk
        self.kind = kind
        self.progress = progress
        self.person_ids: dict[str, int] = {}  # id hash -> person id
        self.company_ids: dict[str, int] = {}  # "code:..." / "name:..." -> company id
        self.persons = self.companies = self.records = self.rows = 0
        self._reset()
        if kind == SourceKind.PROCUREMENT:
            self.buyer_units = _buyer_unit_lookup()

    def _reset(self):
        self.raw: list[tuple] = []
        self.new_persons: dict = {}  # key -> values (without id)
        self.new_companies: dict = {}
        self.pending: list[tuple] = []  # (row_number, payload) resolved at flush

    # -- adding ---------------------------------------------------------------------------------
    def person_key(self, number: int, p: schema.PersonValues) -> str:
        if p.parsed_id is not None:
            # The hash first (cheap); the encryption only for a number new to this snapshot.
            # id_fields is the people app's own: the hash equals cadres' and relatives'.
            key = "h:" + keyed_hash(p.parsed_id.number)
            if key[2:] not in self.person_ids and key not in self.new_persons:
                f = id_fields(p.parsed_id)
                self.new_persons[key] = (number, p.name, f["id_number_enc"], f["id_number_hash"], f["id_masked"],
                                         p.birth_date, p.gender, p.region_code, p.place)  # fmt: skip
            return key
        key = f"r:{number}"
        self.new_persons[key] = (number, p.name, "", None, "", p.birth_date, p.gender, p.region_code, p.place)
        return key

    def company_key(self, number: int, code: str, name: str, industry: str, region: str, address: str) -> str:
        key = f"code:{code}" if code else f"name:{name}"
        if key not in self.company_ids and key not in self.new_companies:
            self.new_companies[key] = (number, code, name, industry, region, address)
        return key

    def add(self, number: int, raw: dict, payload: tuple) -> None:
        self.raw.append((self.snapshot_id, number, json.dumps(raw, ensure_ascii=False)))
        self.pending.append((number, payload))
        if len(self.raw) >= BATCH_ROWS:
            self.flush()

    # -- writing --------------------------------------------------------------------------------
    def _person_id(self, key: str, local: dict) -> int:
        return self.person_ids[key[2:]] if key.startswith("h:") else local[key]

    def flush(self) -> None:
        if not self.raw:
            return
        with transaction.atomic():
            local_persons: dict[str, int] = {}
            if self.new_persons:
                ids = reserve_ids(RegistryPerson, len(self.new_persons))
                rows = []
                for pid, (key, values) in zip(ids, self.new_persons.items(), strict=True):
                    rows.append((pid, self.snapshot_id, *values))
                    if key.startswith("h:"):
                        self.person_ids[key[2:]] = pid
                    else:
                        local_persons[key] = pid
                insert_rows(RegistryPerson, PERSON_COLS, rows)
                self.persons += len(rows)
            if self.new_companies:
                ids = reserve_ids(Company, len(self.new_companies))
                rows = []
                for cid, (key, values) in zip(ids, self.new_companies.items(), strict=True):
                    rows.append((cid, self.snapshot_id, *values))
                    self.company_ids[key] = cid
                insert_rows(Company, COMPANY_COLS, rows)
                self.companies += len(rows)
            self._write_records(local_persons)
            insert_rows(RawRow, RAW_COLS, self.raw)
        self.rows += len(self.raw)
        self._reset()
        if self.progress:
            self.progress(self.rows)

    def _write_records(self, local_persons: dict[str, int]) -> None:
        sid = self.snapshot_id
        if self.kind == SourceKind.COMPANY:
            rows = [
                (sid, n, self._person_id(pk, local_persons), self.company_ids[ck], *rest)
                for n, (pk, ck, *rest) in self.pending
            ]
            insert_rows(CompanyRole, ROLE_COLS, rows)
        elif self.kind == SourceKind.PROCUREMENT:
            rows = [
                (sid, n, buyer, self.buyer_units.get(buyer), self.company_ids[ck], *rest)
                for n, (buyer, ck, *rest) in self.pending
            ]
            insert_rows(Award, AWARD_COLS, rows)
        else:
            model, cols = RECORD_TABLES[self.kind]
            rows = [(sid, n, self._person_id(pk, local_persons), *rest) for n, (pk, *rest) in self.pending]
            insert_rows(model, cols, rows)
        self.records += len(rows)


def _buyer_unit_lookup() -> dict[str, int]:
    """Buyer name -> unit id: the editable mapping first, then an exact, unambiguous unit name."""
    names: dict[str, list[int]] = {}
    for uid, name in Unit.objects.filter(is_active=True).values_list("id", "name"):
        names.setdefault(name, []).append(uid)
    lookup = {name: ids[0] for name, ids in names.items() if len(ids) == 1}
    lookup.update(dict(BuyerUnitMapping.objects.values_list("buyer_name", "unit_id")))
    return lookup


# --- one row of each kind --------------------------------------------------------------------


def _row_payload(loader: Loader, kind: str, number: int, cells: dict) -> tuple:
    """Parse one row's cells into the payload the loader writes; raises CellError."""
    if kind == SourceKind.PROCUREMENT:
        buyer = cell(cells, "buyer_name", schema.text_cell, limit=200, what="采购单位")
        winner = cell(cells, "winner_name", schema.text_cell, limit=200, what="中标单位")
        if not buyer:
            raise CellError("采购单位为空", "buyer_name")
        if not winner:
            raise CellError("中标单位为空", "winner_name")
        code = cell(cells, "winner_credit_code", schema.parse_credit_code)
        amount = cell(cells, "amount", schema.parse_decimal, what="中标金额")
        if amount is None:
            raise CellError("中标金额为空", "amount")
        awarded = cell(cells, "award_date", schema.parse_date)
        if awarded is None:
            raise CellError("中标日期为空", "award_date")
        project = cell(cells, "project_name", schema.text_cell, limit=300, what="项目名称")
        project_no = cell(cells, "project_number", schema.text_cell, limit=100, what="项目编号")
        ck = loader.company_key(number, code, winner, "", "", "")
        return (buyer, ck, project, project_no, amount, awarded)

    person = schema.parse_person(cells)
    if kind == SourceKind.COMPANY:
        name = cell(cells, "company_name", schema.text_cell, limit=200, what="企业名称")
        if not name:
            raise CellError("企业名称为空", "company_name")
        code = cell(cells, "credit_code", schema.parse_credit_code)
        industry = cell(cells, "industry_code", schema.parse_industry)
        region = cell(cells, "company_region_code", schema.parse_region)
        address = cell(cells, "company_address", schema.text_cell, limit=200, what="企业住所")
        role = cell(cells, "role", schema.parse_role)
        title = cell(cells, "title", schema.text_cell, limit=64, what="职务") or schema.text_cell(
            cells.get("role"), limit=64, what="身份"
        )
        share = cell(cells, "share_pct", schema.parse_share)
        start = cell(cells, "start_date", schema.parse_date)
        end = cell(cells, "end_date", schema.parse_date)
        if start and end and end < start:
            raise CellError("离任日期早于任职日期", "end_date")
        pk = loader.person_key(number, person)
        ck = loader.company_key(number, code, name, industry, region, address)
        return (pk, ck, role, title, share, start, end)
    if kind == SourceKind.REAL_ESTATE:
        address = cell(cells, "address", schema.text_cell, limit=300, what="不动产坐落")
        if not address:
            raise CellError("不动产坐落为空", "address")
        values = (
            address,
            cell(cells, "certificate_number", schema.text_cell, limit=100, what="不动产权证号"),
            cell(cells, "area", schema.parse_decimal, what="面积"),
            cell(cells, "usage", schema.text_cell, limit=50, what="用途"),
            cell(cells, "registered_date", schema.parse_date),
        )
    elif kind == SourceKind.VEHICLE:
        offence_text = cell(cells, "offence_text", schema.text_cell, limit=200, what="违法行为")
        recorded = cell(cells, "record_date", schema.parse_date)
        if recorded is None:
            raise CellError("日期为空", "record_date")
        plate = cell(cells, "plate", schema.text_cell, limit=16, what="号牌号码")
        if not plate and not offence_text:
            raise CellError("号牌号码和违法行为都为空", "plate")
        values = (
            plate,
            cell(cells, "vehicle_type", schema.text_cell, limit=50, what="车辆类型"),
            schema.parse_offence(offence_text),
            offence_text,
            recorded,
            cell(cells, "decision_number", schema.text_cell, limit=100, what="决定书编号"),
            cell(cells, "authority", schema.text_cell, limit=100, what="处理机关"),
        )
    elif kind == SourceKind.COURT:
        case_number = cell(cells, "case_number", schema.text_cell, limit=100, what="案号")
        court = cell(cells, "court", schema.text_cell, limit=100, what="法院")
        if not case_number:
            raise CellError("案号为空", "case_number")
        if not court:
            raise CellError("法院为空", "court")
        values = (
            cell(cells, "record_kind", schema.parse_court_kind),
            case_number,
            court,
            cell(cells, "cause", schema.text_cell, limit=200, what="案由"),
            cell(cells, "party_role", schema.text_cell, limit=50, what="当事人地位"),
            cell(cells, "record_date", schema.parse_date),
            cell(cells, "amount", schema.parse_decimal, what="金额"),
        )
    else:  # social organisation posts
        org = cell(cells, "org_name", schema.text_cell, limit=200, what="社会组织名称")
        post = cell(cells, "post", schema.text_cell, limit=64, what="职务")
        if not org:
            raise CellError("社会组织名称为空", "org_name")
        if not post:
            raise CellError("职务为空", "post")
        start = cell(cells, "start_date", schema.parse_date)
        end = cell(cells, "end_date", schema.parse_date)
        if start and end and end < start:
            raise CellError("离任日期早于任职日期", "end_date")
        values = (org, cell(cells, "org_credit_code", schema.parse_credit_code), post, start, end)
    return (loader.person_key(number, person), *values)


def _masked_raw(headers: list, fields: list, values: list) -> dict:
    raw = {}
    for header, name, value in zip(headers, fields, values, strict=False):
        if name is None:
            continue
        value = _json_value(value)
        if name == "id_number" and value not in (None, ""):
            value = mask(str(value).strip().upper())
        raw[str(header).strip()] = value
    return raw


def import_table(
    *, snapshot: Snapshot, table: Table, progress: Callable[[int, int], None] | None = None
) -> tuple[ImportResult, _Report]:
    """Validate and write every row of `table` into `snapshot` (which must be running)."""
    source = snapshot.source
    fields = schema.resolve_headers(source.kind, table.headers, source.column_map)
    headers = [str(h).strip() if h is not None else "" for h in table.headers]
    result = ImportResult(encoding=table.encoding)
    report = _Report()
    total = table.estimated_rows

    def on_flush(done: int) -> None:
        if progress:
            progress(result.total, max(total, result.total))

    loader = Loader(snapshot, source.kind, on_flush)
    for number, values in table.rows:
        result.total += 1
        if isinstance(values, RowError):  # a reader's own exclusion (e.g. an invalid FtM line)
            _exclude(result, report, values)
            continue
        if len(values) > len(fields) and not schema_blank(values[len(fields) :]):
            _exclude(result, report, RowError(number, "", "", "本行的数据列多于表头"))
            continue
        cells = {name: value for name, value in zip(fields, values, strict=False) if name is not None}
        try:
            payload = _row_payload(loader, source.kind, number, cells)
        except CellError as exc:
            column = schema.header_of(source.kind, exc.field) if exc.field else ""
            shown = cells.get(exc.field) if exc.field else ""
            shown = "" if shown is None else str(_json_value(shown))
            if exc.field == "id_number":
                shown = mask(shown.strip().upper())
            _exclude(result, report, RowError(number, column, shown[:100], exc.message))
            continue
        loader.add(number, _masked_raw(headers, fields, values), payload)
        result.imported += 1
    loader.flush()
    result.persons, result.companies, result.records = loader.persons, loader.companies, loader.records
    return result, report


def schema_blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _exclude(result: ImportResult, report: _Report, error: RowError) -> None:
    result.excluded_count += 1
    if len(result.excluded) < EXCLUDED_KEPT:
        result.excluded.append(error)
    report.add(error)


# --- snapshot lifecycle ----------------------------------------------------------------------


def delete_snapshot_rows(snapshot_id: int) -> int:
    """Set-based delete of every registry row of a snapshot (children first)."""
    deleted = 0
    with connection.cursor() as cur:
        for model in ROW_MODELS:
            cur.execute(
                f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} WHERE snapshot_id = %s",  # noqa: S608
                [snapshot_id],
            )
            deleted += max(cur.rowcount, 0)
    return deleted


def _progress(snapshot_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        Snapshot.objects.filter(pk=snapshot_id).update(done_rows=done, total_rows=total)

    return report


@transaction.atomic
def _make_current(snapshot: Snapshot, result: ImportResult) -> Snapshot | None:
    """Switch the source to the new snapshot and delete the replaced one's rows, in one transaction.
    Returns the replaced snapshot (None if there was none). Raises FileRefused if a snapshot with a
    later data date became current meanwhile."""
    Source.objects.select_for_update().get(pk=snapshot.source_id)
    current = Snapshot.objects.filter(source_id=snapshot.source_id, status=Snapshot.Status.CURRENT).first()
    if current is not None and current.data_date > snapshot.data_date:
        raise FileRefused(f"该数据源已有数据日期更晚的现行快照（{current.data_date:%Y-%m-%d}），本快照未启用")
    if current is not None:
        delete_snapshot_rows(current.pk)
        Snapshot.objects.filter(pk=current.pk).update(
            status=Snapshot.Status.SUPERSEDED, superseded_by=snapshot
        )
    Snapshot.objects.filter(pk=snapshot.pk).update(
        status=Snapshot.Status.CURRENT,
        imported_at=timezone.now(),
        total_rows=result.total,
        done_rows=result.total,
        imported_rows=result.imported,
        excluded_rows=result.excluded_count,
        person_count=result.persons,
        company_count=result.companies,
        record_count=result.records,
        encoding=result.encoding,
        excluded=[e.__dict__ for e in result.excluded],
        message=(
            f"共 {result.total} 行：导入 {result.imported} 行，排除 {result.excluded_count} 行"
            f"（见排除行报告）；人员 {result.persons}，企业 {result.companies}，记录 {result.records}。"
            + (f"替换了 {current.data_date:%Y-%m-%d} 的快照，其数据已删除。" if current else "")
        ),
    )
    return current


@contextmanager
def open_table(snapshot: Snapshot, path: Path) -> Iterator[Table]:
    if snapshot.file_format == Snapshot.Format.XLSX:
        with open_xlsx(path, max_bytes=max_bytes()) as table:
            yield table
    elif snapshot.file_format == Snapshot.Format.FTM:
        from qinglian.registries.ftm import open_ftm

        with open_ftm(path, kind=snapshot.source.kind) as table:
            yield table
    else:
        with open_csv(path) as table:
            yield table


def snapshot_import(*, snapshot_id: int) -> str:
    """Run one queued snapshot's import (the background task). Returns the final status."""
    snapshot = Snapshot.objects.select_related("source", "imported_by").get(pk=snapshot_id)
    if snapshot.status != Snapshot.Status.QUEUED:
        return snapshot.status
    Snapshot.objects.filter(pk=snapshot.pk).update(status=Snapshot.Status.RUNNING)
    snapshot.status = Snapshot.Status.RUNNING
    report_path = None
    try:
        path = Path(snapshot.file.path)
        with open_table(snapshot, path) as table:
            result, report = import_table(snapshot=snapshot, table=table, progress=_progress(snapshot.pk))
        report_path = report.save()
        with open(report_path, "rb") as fh:
            snapshot.excluded_report.save(f"excluded-{snapshot.pk}.xlsx", File(fh), save=False)
        Snapshot.objects.filter(pk=snapshot.pk).update(excluded_report=snapshot.excluded_report.name)
        if result.imported == 0:
            # Every row excluded: nothing replaces the current snapshot, but the uploader still
            # sees each row's reason (page and report), not just "all excluded".
            Snapshot.objects.filter(pk=snapshot.pk).update(
                total_rows=result.total, done_rows=result.total, excluded_rows=result.excluded_count,
                encoding=result.encoding, excluded=[e.__dict__ for e in result.excluded],
            )  # fmt: skip
            raise FileRefused(
                f"文件中没有可导入的行（共 {result.total} 行，全部被排除，原因见排除行报告），原快照保持不变"
                if result.total
                else "文件中没有数据行（只有表头），原快照保持不变"
            )
        replaced = _make_current(snapshot, result)
    except FileRefused as exc:
        delete_snapshot_rows(snapshot.pk)
        Snapshot.objects.filter(pk=snapshot.pk).update(
            status=Snapshot.Status.REJECTED, message=str(exc), imported_at=timezone.now()
        )
        _audit_end(snapshot, "registries.snapshot_rejected", {"reason": str(exc)})
        return Snapshot.Status.REJECTED
    except Exception as exc:  # recorded for the user; the previous snapshot stays current
        log.exception("registry import %s failed", snapshot.pk)
        delete_snapshot_rows(snapshot.pk)
        Snapshot.objects.filter(pk=snapshot.pk).update(
            status=Snapshot.Status.FAILED,
            message=f"系统错误：{type(exc).__name__}，本次数据已全部撤回，原快照保持不变。",
            imported_at=timezone.now(),
        )
        _audit_end(snapshot, "registries.snapshot_failed", {"error": type(exc).__name__})
        return Snapshot.Status.FAILED
    finally:
        if report_path is not None:
            report_path.unlink(missing_ok=True)
    _audit_end(
        snapshot,
        "registries.snapshot_current",
        {
            "rows": result.imported,
            "excluded": result.excluded_count,
            "replaced": replaced.pk if replaced else None,
        },
    )
    return Snapshot.Status.CURRENT


def _audit_end(snapshot: Snapshot, action: str, extra: dict) -> None:
    audit_record(actor=snapshot.imported_by, action=action, obj=snapshot, extra=extra)


def snapshot_counts_by_source() -> dict[int, int]:
    return dict(Snapshot.objects.values_list("source").annotate(n=Count("id")))


def cleanup_abandoned(*, older_than_hours: int = 24) -> int:
    """A worker that died mid-import leaves a `running` snapshot with some rows: mark it failed
    and delete its rows (the previous snapshot was never touched). Also removes rows that a
    failed, rejected or superseded snapshot may still hold. Returns the snapshots cleaned."""
    cutoff = timezone.now() - timezone.timedelta(hours=older_than_hours)
    stale = list(
        Snapshot.objects.filter(status=Snapshot.Status.RUNNING, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    Snapshot.objects.filter(pk__in=stale).update(
        status=Snapshot.Status.FAILED, message="导入中断（超时），数据已撤回，原快照保持不变。"
    )
    dead = Snapshot.objects.filter(
        status__in=[Snapshot.Status.FAILED, Snapshot.Status.REJECTED, Snapshot.Status.SUPERSEDED]
    ).values_list("pk", flat=True)
    cleaned = 0
    for pk in dead:
        with transaction.atomic():
            if delete_snapshot_rows(pk):
                cleaned += 1
    return cleaned
