"""Streaming readers for registry files: CSV (UTF-8 with or without BOM, GBK/GB18030, UTF-16 with
BOM) and Excel (.xlsx, openpyxl read-only). Constant memory whatever the file's size.

Encoding detection is by validation, not by guessing from statistics: a BOM decides; otherwise the
whole file is checked as strict UTF-8 (Chinese text in GBK is practically never valid UTF-8), then
as strict GB18030 (a superset of GBK and GB2312); a file that is neither is refused.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from qinglian.registries.schema import FileRefused

CHUNK = 1 << 20
XLSX_MAGIC = b"PK\x03\x04"
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8（BOM）",
    "gb18030": "GBK/GB18030",
    "utf-16": "UTF-16",
}


def sniff_format(head: bytes) -> str:
    """The format by content (the file's first 4 KB): "xlsx", "ftm" (JSON lines) or "csv"."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"{"):
        return "ftm"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("文件不是文本表格（CSV）、Excel（.xlsx）或 FollowTheMoney（JSON Lines）格式")
    return "csv"


def _valid(path: Path, encoding: str, skip: int = 0) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with open(path, "rb") as fh:
        fh.seek(skip)
        try:
            while chunk := fh.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def detect_encoding(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        if not _valid(path, "utf-8", 3):
            raise FileRefused("文件以 UTF-8 标记开头，但内容不是有效的 UTF-8 编码")
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if not _valid(path, "utf-16"):
            raise FileRefused("文件以 UTF-16 标记开头，但内容不是有效的 UTF-16 编码")
        return "utf-16"
    if _valid(path, "utf-8"):
        return "utf-8"
    if _valid(path, "gb18030"):
        return "gb18030"
    raise FileRefused("文件编码无法识别：既不是 UTF-8 也不是 GBK/GB18030，请另存为 UTF-8 编码的 CSV")


def check_xlsx(path: Path, *, max_bytes: int) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            if "xl/workbook.xml" not in set(z.namelist()):
                raise FileRefused("文件不是有效的 .xlsx 工作簿")
            if sum(i.file_size for i in z.infolist()) > 40 * max_bytes:
                raise FileRefused("文件解压后过大，已拒绝")
    except zipfile.BadZipFile:
        raise FileRefused("文件已损坏或不是 .xlsx 格式") from None


@dataclass
class Table:
    headers: list
    rows: Iterator[tuple[int, list]]  # (row number as the user sees it, cell values)
    estimated_rows: int
    encoding: str = ""


def _blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _count_lines(path: Path) -> int:
    n = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            n += chunk.count(b"\n")
    return n


@contextmanager
def open_csv(path: Path) -> Iterator[Table]:
    encoding = detect_encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        first = fh.readline()
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        fh.seek(0)
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            headers = next(reader)
        except StopIteration:
            raise FileRefused("文件是空的") from None
        except csv.Error as exc:
            raise FileRefused(f"表头行无法读取：{exc}") from None

        def rows():
            number = 1
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:  # e.g. an unclosed quote: the rest is unreadable
                    raise FileRefused(f"第{number + 1}行起无法按 CSV 读取：{exc}") from None
                number += 1
                if not _blank(values):
                    yield number, values

        yield Table(headers, rows(), max(_count_lines(path) - 1, 0), ENCODING_LABELS[encoding])


@contextmanager
def open_xlsx(path: Path, *, max_bytes: int) -> Iterator[Table]:
    from openpyxl import load_workbook

    check_xlsx(path, max_bytes=max_bytes)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a malformed workbook
        raise FileRefused(f"Excel 文件无法打开：{type(exc).__name__}") from None
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        headers = list(next(it, None) or [])
        if _blank(headers):
            raise FileRefused("第一个工作表的第一行应为表头，当前为空")

        def rows():
            for number, values in enumerate(it, start=2):
                if values and not _blank(values):
                    yield number, list(values)

        yield Table(headers, rows(), max((ws.max_row or 1) - 1, 0))
    finally:
        wb.close()
