"""Upload checks: type by content, extension must agree, markup/archives/programs refused, limits."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, PngImagePlugin

from qinglian.intake import uploads


def jpeg(size=(40, 30), exif_maker="SecretCamera", icc=b"") -> bytes:
    img = Image.new("RGB", size, "red")
    exif = img.getexif()
    exif[0x010F] = exif_maker
    exif[0x0112] = 6  # rotated: stripping must apply it
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes(), **({"icc_profile": icc} if icc else {}))
    return out.getvalue()


def png(text="SecretAuthor") -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", text)
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "blue").save(out, "PNG", pnginfo=info)
    return out.getvalue()


def docx(extra: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("evidence.jpg", jpeg())
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("照片.jpg", jpeg(), uploads.JPEG),
        ("照片.JPEG", jpeg(), uploads.JPEG),
        ("截图.png", png(), uploads.PNG),
        ("材料.pdf", PDF, uploads.PDF),
        ("材料.docx", docx(), uploads.DOCX),
        ("说明.txt", "某局长收受红包。".encode(), uploads.TEXT),
        ("说明.txt", "某局长收受红包。".encode("gb18030"), uploads.TEXT),
    ],
)
def test_accepted_types_are_recognised_by_content(name, data, kind):
    f = uploads.check_upload(name, data, "application/octet-stream")
    assert f.content_type == kind
    assert f.data == data


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
        ("x.txt", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "SVG"),
        ("x.html", b"<!doctype html><p>hi", "网页"),
        ("x.txt", b"<html><body>hi</body></html>", "网页"),
        ("x.txt", b'<?xml version="1.0"?><a/>', "网页"),
        ("x.zip", zip_archive(), "压缩包"),
        ("x.docx", zip_archive(), "压缩包"),
        ("x.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 20, "压缩包"),
        ("x.rar", b"Rar!\x1a\x07\x00" + b"\x00" * 20, "压缩包"),
        ("x.exe", b"MZ\x90\x00" + b"\x00" * 60, "可执行程序"),
        ("x.jpg", b"MZ\x90\x00" + b"\x00" * 60, "可执行程序"),
        ("x.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "可执行程序"),
        ("run.txt", b"#!/bin/sh\nrm -rf /\n", "脚本"),
        ("x.docx", docx({"word/vbaProject.bin": b"macro"}), "宏"),
        ("x.pdf", b"%PDF-1.4\n<< /S /JavaScript /JS (app.alert(1)) >>\n", "脚本"),
        ("x.bin", bytes(range(256)) * 4, "无法识别"),
        ("x.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "损坏"),
    ],
)
def test_dangerous_or_unknown_files_are_refused(name, data, why):
    with pytest.raises(ValidationError) as exc:
        uploads.check_upload(name, data, "image/jpeg")
    assert why in " ".join(exc.value.messages)


@pytest.mark.parametrize(
    ("name", "data"),
    [("photo.png", jpeg()), ("photo.pdf", jpeg()), ("scan.jpg", PDF), ("note.jpg", b"plain words"),
     ("photo", jpeg()), ("doc.txt", docx())],
)  # fmt: skip
def test_wrong_extension_for_the_content_is_refused(name, data):
    with pytest.raises(ValidationError) as exc:
        uploads.check_upload(name, data, "")
    assert "与内容" in exc.value.messages[0]


def test_oversized_and_empty_files_are_refused(settings):
    settings.QINGLIAN_PUBLIC_MAX_FILE_BYTES = 1024
    with pytest.raises(ValidationError, match="超过 1 KB"):
        uploads.check_upload("a.txt", b"a" * 1025, "text/plain")
    assert uploads.check_upload("a.txt", b"a" * 1024, "text/plain")
    with pytest.raises(ValidationError, match="空文件"):
        uploads.check_upload("a.txt", b"", "text/plain")


def test_too_many_files_are_refused_and_every_bad_file_named(settings):
    settings.QINGLIAN_PUBLIC_MAX_FILES = 2
    with pytest.raises(ValidationError, match="最多上传 2 个"):
        uploads.check_uploads([("a.txt", b"a", "")] * 3)
    with pytest.raises(ValidationError) as exc:
        uploads.check_uploads([("a.svg", b"<svg/>", ""), ("b.exe", b"MZ..", "")])
    assert len(exc.value.messages) == 2


def test_names_lose_directories_and_control_characters():
    f = uploads.check_upload("..\\..\\etc/pass\u202ewd\x00.txt", b"x", "")
    assert f.name == "passwd.txt"
    assert uploads.clean_name("a" * 300 + ".jpg").endswith(".jpg")
    assert len(uploads.clean_name("a" * 300 + ".jpg")) == 120


def test_strip_metadata_removes_exif_icc_and_png_text_and_keeps_orientation():
    data = jpeg(size=(40, 30), icc=b"ICCPROFILE" * 20)
    out = uploads.strip_metadata(data, uploads.JPEG)
    assert b"SecretCamera" in data and b"SecretCamera" not in out
    assert b"ICCPROFILE" not in out
    with Image.open(io.BytesIO(out)) as img:
        assert img.size == (30, 40)  # orientation 6 applied
        assert not img.getexif()
    p = png()
    assert b"SecretAuthor" in p and b"SecretAuthor" not in uploads.strip_metadata(p, uploads.PNG)
    assert uploads.strip_metadata(PDF, uploads.PDF) == PDF
