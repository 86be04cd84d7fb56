"""Text out of an uploaded self-report (.docx, .pdf, .txt).

- Word: python-docx (paragraphs, then table cells). A password-protected Word document is not a
  zip at all but an OLE compound file holding an ``EncryptionInfo`` stream: recognised here and
  listed as not read (the upload check would otherwise refuse it as an old Office file).
- PDF: ``pdftotext`` from poppler-utils, run as a subprocess with a time limit. Chosen over a PyPI
  library because poppler reads Chinese PDFs (CID fonts, ToUnicode maps) reliably, is already on
  the servers (``apt install poppler-utils``), reports encryption through ``pdfinfo`` and runs in
  its own process — a malformed PDF cannot crash or hang the worker, and no new dependency.
- Text: UTF-8 (with or without BOM), else GB18030 (Windows "ANSI" Chinese files).

Nothing here raises on bad input: the result says whether the text was read and, if not, why.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
PDF_TIMEOUT = 60  # seconds per command


@dataclass(frozen=True)
class Extracted:
    text: str
    readable: bool
    reason: str = ""


def _unread(reason: str) -> Extracted:
    return Extracted("", False, reason)


def is_encrypted_office(data: bytes) -> bool:
    """A password-protected Office Open XML document (an OLE container with EncryptionInfo)."""
    return data.startswith(CFB_MAGIC) and _ENCRYPTION_INFO in data[:1_000_000]


def extract(data: bytes, file_format: str) -> Extracted:
    if file_format == "docx":
        return _docx(data)
    if file_format == "pdf":
        return _pdf(data)
    if file_format == "txt":
        return _txt(data)
    return _unread("不支持的文件格式")


def _finish(text: str, empty_reason: str) -> Extracted:
    text = text.replace("\x00", "").strip()
    if not "".join(text.split()):
        return _unread(empty_reason)
    return Extracted(text, True)


def _txt(data: bytes) -> Extracted:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return _finish(data.decode(encoding), "文本文件是空的")
        except UnicodeDecodeError:
            continue
    return _unread("文本编码无法识别（请另存为 UTF-8）")


def _docx(data: bytes) -> Extracted:
    if is_encrypted_office(data):
        return _unread("Word 文档已加密（设有打开密码），无法读取")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        return _unread(f"Word 文档已损坏，无法读取（{type(exc).__name__}）")
    except Exception as exc:  # noqa: BLE001 (python-docx raises many kinds on broken XML)
        return _unread(f"Word 文档无法读取（{type(exc).__name__}）")
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            seen = set()
            for cell in row.cells:  # merged cells repeat: keep each once
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    parts.append(cell.text)
    return _finish("\n".join(parts), "Word 文档中没有文字")


def pdf_tools_available() -> bool:
    return bool(shutil.which("pdftotext") and shutil.which("pdfinfo"))


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, timeout=PDF_TIMEOUT, check=False)  # noqa: S603 (fixed argv)


def _pdf(data: bytes) -> Extracted:
    if not pdf_tools_available():
        return _unread("服务器未安装 PDF 文字提取工具（poppler-utils），暂不能读取 PDF")
    fd, path = tempfile.mkstemp(suffix=".pdf", prefix="qinglian-sr-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            info = _run(["pdfinfo", path])
        except subprocess.TimeoutExpired:
            return _unread("PDF 读取超时，文件可能已损坏")
        err = info.stderr.decode("utf-8", "replace")
        out = info.stdout.decode("utf-8", "replace")
        if info.returncode != 0:
            if "password" in err.lower():
                return _unread("PDF 已加密（设有打开密码），无法读取")
            return _unread("PDF 已损坏，无法读取")
        try:
            result = _run(["pdftotext", "-enc", "UTF-8", "-q", path, "-"])
        except subprocess.TimeoutExpired:
            return _unread("PDF 读取超时，文件可能已损坏")
        if result.returncode != 0:
            encrypted = any(
                line.split(":", 1)[1].strip().startswith("yes")
                for line in out.splitlines()
                if line.startswith("Encrypted:")
            )
            return _unread("PDF 已加密，无法读取" if encrypted else "PDF 已损坏，无法读取")
        text = result.stdout.decode("utf-8", "replace").replace("\x0c", "\n")
        return _finish(text, "PDF 中没有可提取的文字（可能是扫描件，需另行录入）")
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
