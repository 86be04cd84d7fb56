"""Personal-matters reports (个人有关事项报告): one report per filing, its item rows.

A report is a draft until the cadre submits it; then it is locked and gets the cadre's next
version number. A change report (事项变化报告) starts from the latest submitted version and, once
submitted, is the next version: old versions stay as they were and readable. Details are sealed:
only the cadre and org_supervision (sealed.personal_matters) read them (access.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from qinglian.declarations.items import KIND_CHOICES


class Declaration(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", "年度集中报告"
        CHANGE = "change", "事项变化报告"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"

    cadre = models.ForeignKey("people.Cadre", verbose_name="报告人", on_delete=models.PROTECT,
                              related_name="declarations")  # fmt: skip
    kind = models.CharField("报告类型", max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(
        "报告年度", help_text="年度报告所报告的年度；变化报告为发生变化的年度"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField("版本号", null=True, blank=True)
    previous = models.ForeignKey("self", verbose_name="上一版本", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    reason = models.CharField("变化事由", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "个人有关事项报告"
        verbose_name_plural = "个人有关事项报告"
        ordering = ["cadre_id", "-version", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cadre"], condition=models.Q(status="draft"),
                                    name="declarations_one_draft_per_cadre"),
            models.UniqueConstraint(fields=["cadre", "version"], condition=models.Q(version__isnull=False),
                                    name="declarations_version_unique"),
            models.UniqueConstraint(fields=["cadre", "year"], condition=models.Q(kind="annual"),
                                    name="declarations_one_annual_per_year"),
            models.CheckConstraint(
                condition=(models.Q(status="draft", version__isnull=True, submitted_at__isnull=True)
                           | models.Q(status="submitted", version__isnull=False, submitted_at__isnull=False)),
                name="declarations_locked_has_version",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["year", "kind", "status"], name="declarations_year_idx")]

    def __str__(self):
        return f"{self.cadre.name} {self.year}年{self.get_kind_display()}"

    @property
    def locked(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def title(self) -> str:
        if self.kind == self.Kind.ANNUAL:
            return f"{self.year}年度个人有关事项报告"
        return f"个人有关事项变化报告（{self.year}年）"


class Item(models.Model):
    """One row of one of the fourteen kinds (items.py). `data` holds plain JSON values."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("事项", max_length=24, choices=KIND_CHOICES)
    position = models.PositiveSmallIntegerField("序号", default=0)
    data = models.JSONField("内容", default=dict)

    class Meta:
        verbose_name = "报告事项"
        verbose_name_plural = "报告事项"
        ordering = ["declaration_id", "kind", "position", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.position}"
