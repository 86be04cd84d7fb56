"""Helpers for tests that use the public pages as a reporter would."""

from __future__ import annotations

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

REPORT_URL = "/report/"
FOLLOW_URL = "/report/follow/"
CODE_RE = re.compile(r'data-testid="receipt-code">([0-9A-Z\-]+)<')


def solve(html: str) -> dict:
    """The challenge's token and answer from a rendered report form."""
    a, b = re.search(r"(\d+) 加 (\d+) 等于几", html).groups()
    token = re.search(r'name="challenge_token" value="([^"]+)"', html).group(1)
    return {"challenge": str(int(a) + int(b)), "challenge_token": token}


def photo(name="photo.jpg", *, size=(64, 48), marker="SecretCameraSerial") -> SimpleUploadedFile:
    img = Image.new("RGB", size, "green")
    exif = img.getexif()
    exif[0x010F] = marker
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def report_data(**overrides) -> dict:
    data = {
        "mode": "anonymous",
        "subject_name": "王某",
        "subject_unit": "甲县水利局",
        "subject_post": "局长",
        "problem_type": "integrity",
        "facts": "王某在水利工程招标中收受承包商好处费，金额较大，群众反映强烈。",
        "when": "2026年3月",
        "where": "甲县",
    }
    data.update(overrides)
    return data


def submit(client, url=REPORT_URL, files=(), **overrides):
    """Fill in and submit the report form; returns (response, code or None)."""
    form = client.get(url)
    data = report_data(**{**solve(form.content.decode()), **overrides})
    if files:
        data["files"] = list(files)
    response = client.post(url, data)
    match = CODE_RE.search(response.content.decode())
    return response, match.group(1) if match else None


def follow(client, code, *, url=FOLLOW_URL, meta=None, **data):
    return client.post(url, {"code": code, **data}, **(meta or {}))
