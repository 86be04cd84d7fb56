"""Reading and writing the Excel files that replace spreadsheets passed between agencies.

Imports are all-or-nothing: `read_table` checks the file itself (type by content, size, formulas,
row limit, headers) and yields rows as dicts keyed by the Chinese header; the caller validates
every row, collects `RowError`s, and writes nothing if there is one. `error_report` turns the
errors into a downloadable workbook.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

MAX_ROWS = 200_000
XLSX_MAGIC = b"PK\x03\x04"


class FileRejected(ValueError):
    """The file as a whole cannot be read (wrong type, too large, wrong headers...)."""


@dataclass(frozen=True)
class RowError:
    row: int  # the Excel row number the user sees
    column: str  # the Chinese header, or "" for the whole row
    value: str
    reason: str


@dataclass
class Column:
    header: str
    field: str
    required: bool = False
    note: str = ""
    choices: list[str] = field(default_factory=list)  # shown as a drop-down in the template


def check_upload(data: bytes, *, max_bytes: int | None = None) -> None:
    limit = max_bytes or settings.QINGLIAN_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise FileRejected(
            f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过上限 {limit / 1024 / 1024:.0f} MB"
        )
    if not data.startswith(XLSX_MAGIC):
        raise FileRejected("文件不是 Excel（.xlsx）格式，请用模板填写后另存为 .xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" not in names:
                raise FileRejected("文件不是有效的 .xlsx 工作簿")
            # A zip bomb inflates far beyond its size: refuse before openpyxl expands it.
            if sum(i.file_size for i in z.infolist()) > 40 * limit:
                raise FileRejected("文件解压后过大，已拒绝")
    except zipfile.BadZipFile:
        raise FileRejected("文件已损坏或不是 .xlsx 格式") from None


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes, columns: list[Column], *, max_rows: int = MAX_ROWS) -> Iterator[tuple[int, dict]]:
    """Yield (excel_row_number, {header: text}) for every non-empty row of the first sheet.

    Raises FileRejected for problems of the whole file; formula cells are refused (a formula's
    value is not data the sender vouches for, and openpyxl cannot evaluate it).
    """
    check_upload(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise FileRejected(f"无法读取该 Excel 文件：{type(exc).__name__}") from None
    try:
        ws = wb.worksheets[0]
        if ws.max_row and ws.max_row > max_rows + 1:
            raise FileRejected(
                f"工作表声明了 {ws.max_row:,} 行，超过单次导入上限 {max_rows:,} 行，请拆分后导入"
            )
        rows = ws.iter_rows(values_only=False)
        header_row = next(rows, None)
        if header_row is None:
            raise FileRejected("工作表为空")
        headers = [cell_text(c.value).rstrip("*").strip() for c in header_row]
        known = {c.header for c in columns}
        missing = [c.header for c in columns if c.required and c.header not in headers]
        unknown = [h for h in headers if h and h not in known]
        if missing or unknown:
            parts = []
            if missing:
                parts.append("缺少必填列：" + "、".join(missing))
            if unknown:
                parts.append("无法识别的列：" + "、".join(unknown))
            raise FileRejected("表头与模板不一致（" + "；".join(parts) + "）。请下载最新模板。")
        if len(set(h for h in headers if h)) != len([h for h in headers if h]):
            raise FileRejected("表头有重复的列")
        count = 0
        for number, row in enumerate(rows, start=2):
            values = {}
            for header, cell in zip(headers, row, strict=False):
                if not header:
                    continue
                if getattr(cell, "data_type", None) == "f":
                    raise FileRejected(f"第 {number} 行“{header}”列含有公式，请将公式转为数值后再导入")
                values[header] = cell_text(cell.value)
            if not any(values.values()):
                continue
            count += 1
            if count > max_rows:
                raise FileRejected(f"数据超过单次导入上限 {max_rows:,} 行，请拆分后导入")
            yield number, values
    finally:
        wb.close()


def template(columns: list[Column], *, title: str, notes: list[str]) -> bytes:
    """A blank template: headers (required ones marked *), drop-downs for choices, a notes sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([f"{c.header}*" if c.required else c.header for c in columns])
    red = Font(bold=True, color="B3261E")
    for i, c in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = red if c.required else Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FBE9E7")
        ws.column_dimensions[cell.column_letter].width = max(12, len(c.header) * 2 + 4)
        if c.choices and sum(len(x) + 1 for x in c.choices) < 250:
            dv = DataValidation(
                type="list", formula1='"' + ",".join(c.choices) + '"', allow_blank=not c.required
            )
            dv.error = f"请从下拉列表中选择{c.header}"
            ws.add_data_validation(dv)
            dv.add(f"{cell.column_letter}2:{cell.column_letter}{MAX_ROWS}")
    ws.freeze_panes = "A2"
    info = wb.create_sheet("填写说明")
    info.append(["说明"])
    for line in notes:
        info.append([line])
    info.append([])
    info.append(["列名", "是否必填", "说明", "可选值"])
    for c in columns:
        info.append([c.header, "必填" if c.required else "", c.note, "、".join(c.choices)])
    info.column_dimensions["A"].width = 20
    info.column_dimensions["C"].width = 60
    info.column_dimensions["D"].width = 60
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def error_report(errors: list[RowError], *, title: str = "导入错误报告") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.append(["行号", "列", "内容", "原因"])
    for e in errors:
        ws.append([e.row, e.column, e.value, e.reason])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_rows(headers: list[str], rows, *, title: str) -> bytes:
    """A streamed export: constant memory whatever the number of rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
