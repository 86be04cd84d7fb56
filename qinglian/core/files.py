"""File responses with Chinese file names (RFC 5987) and safe content types."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse

CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
}


def attachment(data: bytes, filename: str) -> HttpResponse:
    suffix = filename[filename.rfind(".") :].lower() if "." in filename else ""
    response = HttpResponse(data, content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"))
    ascii_name = filename.encode("ascii", "ignore").decode() or f"download{suffix}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
