"""Checks on files people upload with a report (public page, desk, API); used through
`qinglian.intake.uploads` in the core, directly by the public front (which has no intake app).

A file's type is decided by its CONTENT (magic bytes and a structural check), never by the name
or the content type the browser claims; the name's extension must agree with what the content is.
Accepted: JPEG, PNG, PDF, DOCX (a Word document without macros) and plain UTF-8 text. Refused:
HTML, SVG and other markup or scripts, archives, executables and anything unrecognised.

`check_file` runs in the request and is cheap; `strip_metadata` (re-encoding images without
EXIF/XMP/ICC text) is slower and runs in the background (`intake.tasks`) after the report is stored.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class CheckedFile:
    name: str
    data: bytes
    content_type: str  # as shown by the content


JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"

# Extensions allowed for each accepted content type.
EXTENSIONS = {
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
    PDF: (".pdf",),
    DOCX: (".docx",),
    TEXT: (".txt",),
}
ACCEPT = ",".join(ext for exts in EXTENSIONS.values() for ext in exts)  # for <input accept=...>
KIND_LABEL = {JPEG: "JPG 图片", PNG: "PNG 图片", PDF: "PDF 文件", DOCX: "Word 文档", TEXT: "文本文件"}
ALLOWED_TEXT = "只接受 JPG、PNG 图片，PDF、Word（.docx）文档和纯文本（.txt）文件"

# Signatures of things refused outright, with the reason shown to the uploader.
_REFUSED_MAGIC = (
    (b"MZ", "可执行程序"),
    (b"\x7fELF", "可执行程序"),
    (b"\xfe\xed\xfa", "可执行程序"),
    (b"\xcf\xfa\xed\xfe", "可执行程序"),
    (b"\xca\xfe\xba\xbe", "可执行程序"),
    (b"#!", "脚本"),
    (b"Rar!", "压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "压缩包"),
    (b"\x1f\x8b", "压缩包"),
    (b"BZh", "压缩包"),
    (b"\xfd7zXZ\x00", "压缩包"),
    (b"\x28\xb5\x2f\xfd", "压缩包"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Office 文档（可能含宏）"),
    (b"GIF8", "GIF 图片"),
)
# Markup that a browser could run or render as a page (HTML, SVG, XML with scripts).
_MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|xml|\?xml|meta|link|style|a\s|img|form)"
    rb"|javascript:|<[^>]*\bon[a-z]+\s*=",
    re.IGNORECASE,
)
# Zip members a Word document must have, and ones that mean macros or embedded programs.
_DOCX_REQUIRED = {"[Content_Types].xml", "word/document.xml"}
_DOCX_FORBIDDEN = re.compile(r"(?i)vbaProject\.bin$|\.(?:exe|dll|bat|cmd|js|vbs|ps1|jar|bin)$|/embeddings/")
_DOCX_MAX_MEMBERS = 2000
_DOCX_MAX_RATIO = 100  # uncompressed / compressed: more is a zip bomb


def max_file_bytes() -> int:
    return getattr(settings, "QINGLIAN_PUBLIC_MAX_FILE_BYTES", 10 * 1024 * 1024)


def max_files() -> int:
    return getattr(settings, "QINGLIAN_PUBLIC_MAX_FILES", 5)


def _size_label(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def clean_name(name: str) -> str:
    """A safe display name: no directories, no control or bidi characters, at most 120 chars."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = name.strip().strip(".") or "附件"
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 119 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:120]
    return name


def _extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot else ""


def _is_docx(data: bytes, label: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            if len(infos) > _DOCX_MAX_MEMBERS:
                raise ValidationError(f"{label}：压缩包结构异常，不予接收")
            if not _DOCX_REQUIRED <= names:
                return False
            if any(_DOCX_FORBIDDEN.search(n) for n in names):
                raise ValidationError(
                    f"{label}：Word 文档含有宏或嵌入程序，请另存为不含宏的文档或 PDF 后再上传"
                )
            packed = sum(i.compress_size for i in infos) or 1
            unpacked = sum(i.file_size for i in infos)
            if unpacked > max_file_bytes() * 10 or unpacked / packed > _DOCX_MAX_RATIO:
                raise ValidationError(f"{label}：文件结构异常，不予接收")
            return True
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        return False


def _image_ok(data: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            w, h = img.size
            if w * h > 60_000_000:
                return False
            img.verify()
        return True
    except Exception:  # Pillow raises many kinds on broken input, including DecompressionBombError
        return False


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return False
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\r\n\t\f")
    return controls == 0


def sniff(data: bytes, label: str = "文件") -> str:
    """The content type of `data` by its content, or ValidationError saying why it is refused."""
    head = data[:16]
    for magic, what in _REFUSED_MAGIC:
        if head.startswith(magic):
            raise ValidationError(f"{label}：不接受{what}。{ALLOWED_TEXT}")
    if head.startswith(b"\xff\xd8\xff"):
        if _image_ok(data):
            return JPEG
        raise ValidationError(f"{label}：图片已损坏或无法识别")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        if _image_ok(data):
            return PNG
        raise ValidationError(f"{label}：图片已损坏或无法识别")
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        if _is_docx(data, label):
            return DOCX
        raise ValidationError(f"{label}：不接受压缩包。{ALLOWED_TEXT}")
    if head.startswith(b"PK"):
        raise ValidationError(f"{label}：不接受压缩包。{ALLOWED_TEXT}")
    if _looks_like_text(data):
        if _MARKUP.search(data[:65536]) or _MARKUP.search(data[-65536:]):
            raise ValidationError(f"{label}：不接受网页、SVG 或含脚本的文件。{ALLOWED_TEXT}")
        return TEXT
    raise ValidationError(f"{label}：无法识别的文件类型。{ALLOWED_TEXT}")


def check_file(name: str, data: bytes, content_type: str = "") -> CheckedFile:
    """Check one uploaded file; return it with a clean name and the content type its content shows.

    `content_type` (what the browser claimed) is ignored on purpose: it is under the sender's control.
    """
    name = clean_name(name)
    label = f"附件“{name}”"
    if not data:
        raise ValidationError(f"{label}是空文件")
    limit = max_file_bytes()
    if len(data) > limit:
        raise ValidationError(f"{label}超过 {_size_label(limit)}，请压缩或分开提交")
    kind = sniff(data, label)
    ext = _extension(name)
    if ext not in EXTENSIONS[kind]:
        raise ValidationError(
            f"{label}的扩展名“{ext or '无'}”与内容（{KIND_LABEL[kind]}）不符；"
            f"请使用 {'、'.join(EXTENSIONS[kind])} 扩展名"
        )
    if kind == PDF and re.search(rb"/(?:JavaScript|JS|Launch|EmbeddedFile)\b", data):
        raise ValidationError(f"{label}：PDF 含有脚本或嵌入文件，不予接收；请打印为普通 PDF 后再上传")
    return CheckedFile(name=name, data=data, content_type=kind)


def check_files(files) -> list[CheckedFile]:
    """Check a list of (name, data, content_type): count limit, then each file. All messages at once."""
    files = list(files)
    if len(files) > max_files():
        raise ValidationError(f"最多上传 {max_files()} 个附件")
    checked, errors = [], []
    for name, data, content_type in files:
        try:
            checked.append(check_file(name, data, content_type))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked


def strip_metadata(data: bytes, content_type: str) -> bytes:
    """The file without hidden metadata: images are re-encoded without EXIF (GPS position, camera
    serial), XMP or ICC text; orientation is applied first so the picture still stands upright.
    PDF, Word and text files are returned unchanged (their metadata is noted to staff, not edited:
    rewriting them could alter evidence)."""
    if content_type not in (JPEG, PNG):
        return data
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as img:
        img.load()
        clean = ImageOps.exif_transpose(img)
        if clean is img:
            clean = img.copy()
    if content_type == JPEG and clean.mode not in ("RGB", "L"):
        clean = clean.convert("RGB")
    clean.info = {}  # EXIF, XMP, ICC profile, PNG text chunks, comments: none is carried over
    out = io.BytesIO()
    if content_type == JPEG:
        clean.save(out, format="JPEG", quality=90)
    else:
        clean.save(out, format="PNG")
    return out.getvalue()


def metadata_note(content_type: str) -> str:
    """What staff are told about metadata left in a file (shown next to the attachment)."""
    if content_type in (PDF, DOCX):
        return "文件可能含有作者、设备等元数据，未作改动；对外提供前请注意"
    return ""
