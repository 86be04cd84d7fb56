"""Issuing documents: allocate a number, render, store with a checksum, audit."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.documents import registry
from qinglian.documents.content import OfficialDocument
from qinglian.documents.models import Document, DocumentNumberRegister
from qinglian.documents.rendering import render_docx, render_pdf

RENDERERS = {"docx": render_docx, "pdf": render_pdf}


def _check_issuer(actor, issuing_unit) -> None:
    """`actor` None is the system (a background task acting for a workflow)."""
    if actor is None:
        return
    if not has_capability(actor, "documents.create") or not scope(actor, "documents.create").contains(
        issuing_unit
    ):
        raise PermissionDenied("无权以该单位名义发文")


def format_number(prefix: str, year: int, n: int) -> str:
    return f"{prefix}〔{year}〕{n}号"


@transaction.atomic
def document_number_allocate(*, actor, unit, prefix: str, year: int | None = None, request=None) -> str:
    """The next 发文字号 of `unit` under `prefix` (东纪〔2026〕12号). The register row is locked
    (select_for_update) so two documents issued at once never share a number; a number once
    given is never given again, even if the document is not finished."""
    _check_issuer(actor, unit)
    prefix = (prefix or "").strip()
    if not prefix:
        raise ValidationError({"prefix": "请填写发文机关代字（例如“东纪”）"})
    if len(prefix) > 20 or any(ch in prefix for ch in "〔〕[]()（）0123456789"):
        raise ValidationError({"prefix": "发文机关代字不超过20个字，且不含括号和数字"})
    year = year or timezone.localdate().year
    lookup = {"unit": unit, "prefix": prefix, "year": year}
    try:
        with transaction.atomic():
            DocumentNumberRegister.objects.get_or_create(**lookup)
    except IntegrityError:
        pass  # created meanwhile by a concurrent transaction
    register = DocumentNumberRegister.objects.select_for_update().get(**lookup)
    DocumentNumberRegister.objects.filter(pk=register.pk).update(last_number=models.F("last_number") + 1)
    register.refresh_from_db(fields=["last_number"])
    number = format_number(prefix, year, register.last_number)
    audit_record(
        actor=actor,
        action="document.number",
        obj=register,
        unit_id=unit.pk,
        request=request,
        extra={"number": number},
    )
    return number


def document_create(
    *,
    actor,
    template: str,
    content: OfficialDocument,
    issuing_unit,
    formats=("docx", "pdf"),
    subject=None,
    number_prefix: str = "",
    request=None,
) -> list[Document]:
    """Render `content` in each of `formats`, store the files with their SHA-256, audit.

    With `number_prefix`, a 发文字号 is allocated first and written into the document. Rendering
    runs outside the write transaction (a PDF takes about a second and SQLite has one writer);
    if it fails, the allocated number stays used, as a voided number does on paper.
    """
    registry.get(template)  # unknown template: LookupError, a programming error
    formats = tuple(dict.fromkeys(formats))
    if not formats or any(f not in RENDERERS for f in formats):
        raise ValidationError({"formats": "请选择 Word 或 PDF 格式"})
    _check_issuer(actor, issuing_unit)
    if subject is not None and subject.pk is None:
        raise ValueError("the subject of a document must be saved first")
    if number_prefix:
        content = dataclasses.replace(
            content,
            number=document_number_allocate(
                actor=actor, unit=issuing_unit, prefix=number_prefix, year=content.date.year, request=request
            ),
        )
    rendered = {fmt: RENDERERS[fmt](content) for fmt in formats}
    return _store(
        actor=actor,
        template=template,
        content=content,
        issuing_unit=issuing_unit,
        rendered=rendered,
        subject=subject,
        request=request,
    )


@transaction.atomic
def _store(*, actor, template, content, issuing_unit, rendered, subject, request) -> list[Document]:
    batch = uuid.uuid4()
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    docs: list[Document] = []
    try:
        for fmt, data in rendered.items():
            doc = Document(
                batch=batch,
                template=template,
                title=content.title[:200],
                number=content.number,
                issuing_unit=issuing_unit,
                format=fmt,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                created_by=actor if actor is not None and actor.is_authenticated else None,
                subject_type=subject_type,
                subject_id=str(subject.pk) if subject is not None else "",
            )
            doc.file.save(f"document.{fmt}", ContentFile(data), save=False)
            docs.append(doc)
            doc.save()
            audit_record(
                actor=actor,
                action="document.create",
                obj=doc,
                unit_id=issuing_unit.pk,
                request=request,
                extra={"template": template, "number": content.number, "sha256": doc.sha256},
            )
    except Exception:
        for doc in docs:
            doc.file.delete(save=False)
        raise
    return docs


def document_generate(
    *,
    actor,
    template: str,
    data: dict,
    issuing_unit,
    formats=("docx", "pdf"),
    subject=None,
    number_prefix: str = "",
    request=None,
) -> list[Document]:
    """Build the content with a registered template from domain `data`, then `document_create`."""
    content = registry.get(template).build(**data)
    return document_create(
        actor=actor,
        template=template,
        content=content,
        issuing_unit=issuing_unit,
        formats=formats,
        subject=subject,
        number_prefix=number_prefix,
        request=request,
    )
