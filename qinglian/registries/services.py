"""Writes of the registries app: sources, snapshot uploads, the buyer-unit mapping. Atomic and
audited; the import itself runs as a background task (imports.snapshot_import)."""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.registries import schema
from qinglian.registries.imports import max_bytes
from qinglian.registries.models import Award, BuyerUnitMapping, Snapshot, Source, SourceKind
from qinglian.registries.readers import sniff_format

FTM_KINDS = (SourceKind.COMPANY, SourceKind.PROCUREMENT)


def can_upload(user, source: Source) -> bool:
    """matching.manage uploads to any source; a task-force agency account (matching.submit) only
    to the sources its own agency provides."""
    if has_capability(user, "matching.manage"):
        return True
    return bool(
        has_capability(user, "matching.submit")
        and source.agency_id
        and source.agency.unit_id
        and source.agency.unit_id == getattr(user, "unit_id", None)
    )


def _clean_column_map(kind: str, column_map: dict | None) -> dict:
    valid = {name for name, _ in schema.field_choices(kind)}
    out = {}
    for header, name in (column_map or {}).items():
        header = str(header).strip()
        if not header:
            continue
        if name not in valid:
            raise ValidationError({"column_map": f"表头“{header}”对应的字段“{name}”不属于该数据类型"})
        out[header[:100]] = name
    return out


def source_create(
    *, actor, name: str, kind: str, agency=None, agency_name: str = "", column_map: dict | None = None,
    note: str = "", request=None,
) -> Source:  # fmt: skip
    if not has_capability(actor, "matching.manage"):
        raise PermissionDenied("您的角色无权管理外部数据源")
    name = name.strip()
    if kind not in SourceKind.values:
        raise ValidationError({"kind": "请选择数据类型"})
    if not name:
        raise ValidationError({"name": "请填写数据源名称"})
    if Source.objects.filter(name=name).exists():
        raise ValidationError({"name": "已有同名数据源"})
    if agency is None and not agency_name.strip():
        raise ValidationError({"agency": "请选择提供单位或填写提供单位名称"})
    with transaction.atomic():
        source = Source.objects.create(
            name=name, kind=kind, agency=agency, agency_name=agency_name.strip(),
            column_map=_clean_column_map(kind, column_map), note=note.strip(), created_by=actor,
        )  # fmt: skip
        audit_record(actor=actor, action="registries.source_create", obj=source, request=request,
                     extra={"kind": kind, "agency": agency.pk if agency else None})  # fmt: skip
    return source


def source_update(
    *, actor, source: Source, column_map: dict | None = None, note: str | None = None,
    is_active: bool | None = None, request=None,
) -> Source:  # fmt: skip
    if not has_capability(actor, "matching.manage"):
        raise PermissionDenied("您的角色无权管理外部数据源")
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        before = {"column_map": source.column_map, "note": source.note, "is_active": source.is_active}
        if column_map is not None:
            source.column_map = _clean_column_map(source.kind, column_map)
        if note is not None:
            source.note = note.strip()
        if is_active is not None:
            source.is_active = is_active
        source.save(update_fields=["column_map", "note", "is_active"])
        audit_record(actor=actor, action="registries.source_update", obj=source, request=request,
                     extra={"before": before})  # fmt: skip
    return source


def snapshot_upload(*, actor, source: Source, data_date: date, file, filename: str, request=None) -> Snapshot:
    """Store an uploaded registry file (streamed to disk) and queue its import. The file is checked
    by content (CSV / .xlsx / FollowTheMoney JSON lines) and size; a data date before the current
    snapshot's, or the very file already current, is refused."""
    if not can_upload(actor, source):
        raise PermissionDenied("您无权向该数据源上传数据")
    if not source.is_active:
        raise ValidationError({"file": "该数据源已停用"})
    if data_date > timezone.localdate():
        raise ValidationError({"data_date": "数据日期不能晚于今天"})
    size = getattr(file, "size", None)
    if size is None or size == 0:
        raise ValidationError({"file": "文件是空的"})
    if size > max_bytes():
        raise ValidationError(
            {"file": f"文件大小 {size / 1024 / 1024:.0f} MB，超过上限 {max_bytes() / 1024 / 1024:.0f} MB"}
        )
    digest = hashlib.sha256()
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1 << 20), b""):
        digest.update(chunk)
    sha = digest.hexdigest()
    file.seek(0)
    head = file.read(4096)
    file.seek(0)
    try:
        fmt = sniff_format(head)
    except schema.FileRefused as exc:
        raise ValidationError({"file": str(exc)}) from None
    if fmt == "ftm" and source.kind not in FTM_KINDS:
        raise ValidationError({"file": "FollowTheMoney 文件只能导入企业登记或中标数据源"})
    current = Snapshot.objects.filter(source=source, status=Snapshot.Status.CURRENT).first()
    if current is not None and data_date < current.data_date:
        raise ValidationError(
            {"data_date": f"数据日期早于现行快照（{current.data_date:%Y-%m-%d}），旧数据不能替换新数据"}
        )
    if current is not None and current.sha256 == sha:
        raise ValidationError({"file": "这个文件就是现行快照，无需重复导入"})
    snapshot = Snapshot(source=source, data_date=data_date, filename=filename[:255], sha256=sha,
                        imported_by=actor, file_format=fmt)  # fmt: skip
    suffix = {"xlsx": "xlsx", "ftm": "jsonl", "csv": "csv"}[fmt]
    snapshot.file.save(f"{sha[:16]}.{suffix}", File(file), save=False)
    with transaction.atomic():
        snapshot.save()
        audit_record(actor=actor, action="registries.snapshot_upload", obj=snapshot, request=request,
                     extra={"source": source.pk, "sha256": sha, "bytes": size, "format": fmt,
                            "data_date": data_date.isoformat()})  # fmt: skip

        def enqueue():
            from qinglian.registries.tasks import run_snapshot_import

            run_snapshot_import.enqueue(snapshot.pk)

        transaction.on_commit(enqueue)
    return snapshot


def buyer_mapping_set(*, actor, buyer_name: str, unit, request=None) -> BuyerUnitMapping:
    """Map a buyer name of the procurement data to one of our units, and re-point the current
    awards with that buyer name (set-based)."""
    if not has_capability(actor, "matching.manage"):
        raise PermissionDenied("您的角色无权维护采购单位对照")
    buyer_name = buyer_name.strip()
    if not buyer_name:
        raise ValidationError({"buyer_name": "请填写采购单位名称"})
    if not scope(actor, "matching.manage").contains(unit):
        raise ValidationError({"unit_code": "只能对照到您管理范围内的单位"})
    with transaction.atomic():
        mapping = BuyerUnitMapping.objects.filter(buyer_name=buyer_name).select_for_update().first()
        before = mapping.unit_id if mapping else None
        if mapping is None:
            mapping = BuyerUnitMapping(buyer_name=buyer_name)
        mapping.unit = unit
        mapping.updated_by = actor
        mapping.save()
        changed = Award.objects.filter(buyer_name=buyer_name).update(buyer_unit=unit)
        audit_record(actor=actor, action="registries.buyer_mapping_set", obj=mapping, request=request,
                     extra={"before": before, "unit": unit.pk, "awards": changed})  # fmt: skip
    return mapping


def buyer_mapping_delete(*, actor, mapping: BuyerUnitMapping, request=None) -> None:
    if not has_capability(actor, "matching.manage"):
        raise PermissionDenied("您的角色无权维护采购单位对照")
    with transaction.atomic():
        Award.objects.filter(buyer_name=mapping.buyer_name).update(buyer_unit=None)
        audit_record(actor=actor, action="registries.buyer_mapping_delete", obj=mapping, request=request,
                     extra={"unit": mapping.unit_id})  # fmt: skip
        mapping.delete()
