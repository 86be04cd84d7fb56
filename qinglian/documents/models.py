"""Issued documents and their number registers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class DocumentNumberRegister(models.Model):
    """The last 发文字号 given by one issuing unit under one prefix (代字) in one year."""

    unit = models.ForeignKey(
        "people.Unit", verbose_name="发文机关", on_delete=models.PROTECT, related_name="+"
    )
    prefix = models.CharField("发文机关代字", max_length=20)
    year = models.PositiveSmallIntegerField("年份")
    last_number = models.PositiveIntegerField("已用至", default=0)

    class Meta:
        verbose_name = "发文字号登记簿"
        verbose_name_plural = "发文字号登记簿"
        constraints = [
            models.UniqueConstraint(fields=["unit", "prefix", "year"], name="documents_register_unique")
        ]

    def __str__(self):
        return f"{self.prefix}〔{self.year}〕 已用至{self.last_number}号"


def _upload_to(instance, filename):
    now = timezone.localtime()
    return f"documents/{now:%Y/%m}/{uuid.uuid4().hex}.{instance.format}"


class Document(models.Model):
    class Format(models.TextChoices):
        DOCX = "docx", "Word 文档"
        PDF = "pdf", "PDF"

    CONTENT_TYPES = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf",
    }

    batch = models.UUIDField("同批次", default=uuid.uuid4, db_index=True, help_text="同一份公文的不同格式")
    template = models.CharField("模板", max_length=64, db_index=True)
    title = models.CharField("标题", max_length=200)
    number = models.CharField("发文字号", max_length=50, blank=True, db_index=True)
    issuing_unit = models.ForeignKey(
        "people.Unit", verbose_name="发文单位", on_delete=models.PROTECT, related_name="documents"
    )
    format = models.CharField("格式", max_length=8, choices=Format.choices)
    file = models.FileField("文件", upload_to=_upload_to, max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("生成时间", default=timezone.now, db_index=True)
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name="关联对象类型",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_id = models.CharField("关联对象编号", max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")

    class Meta:
        verbose_name = "公文"
        verbose_name_plural = "公文"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self):
        return f"{self.number or ''}{self.title}（{self.format}）"

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.format]

    @property
    def download_name(self) -> str:
        """A file name for people: 甲纪〔2026〕12号 关于…的通知.pdf (no path separators)."""
        base = f"{self.number} {self.title}".strip() if self.number else self.title
        for ch in '/\\:*?"<>|\r\n\t':
            base = base.replace(ch, "_")
        return f"{base[:120]}.{self.format}"
