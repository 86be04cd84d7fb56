"""Tables of the selfreports app (see ARCHITECTURE.md §2): uploaded self-reports (述职述廉报告,
民主生活会对照检查材料) with their extracted text, detection runs and the pairs they found."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportKind(models.TextChoices):
    SHUZHI = "shuzhi", "述职述廉报告"
    DUIZHAO = "duizhao", "民主生活会对照检查材料"


class SelfReport(models.Model):
    cadre = models.ForeignKey("people.Cadre", verbose_name="干部", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "people.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类型", max_length=8, choices=ReportKind.choices)
    file = models.FileField(upload_to="selfreports/%Y/")
    filename = models.CharField("文件名", max_length=200)
    file_format = models.CharField("格式", max_length=8)  # docx, pdf, txt
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    text = models.TextField("提取的文字", blank=True)
    chars = models.PositiveIntegerField("字数", default=0)
    readable = models.BooleanField("已读取", default=True)
    unread_reason = models.CharField("未读取原因", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "述职述廉报告/对照检查材料"
        verbose_name_plural = verbose_name
        ordering = ["-year", "unit_id", "cadre_id", "id"]
        indexes = [models.Index(fields=["unit", "year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year", "kind", "sha256"], name="selfreports_unique_file"
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.get_kind_display()}（{self.filename}）"


class DetectionRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "比对中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    scope_unit = models.ForeignKey(
        "people.Unit", verbose_name="范围", on_delete=models.PROTECT, related_name="+"
    )
    year_from = models.PositiveSmallIntegerField("起始年度", null=True, blank=True)
    year_to = models.PositiveSmallIntegerField("截止年度", null=True, blank=True)
    threshold = models.DecimalField("相似度阈值", max_digits=4, decimal_places=2)
    params = models.JSONField(default=dict)  # the rule parameters and engine settings used
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    reports = models.PositiveIntegerField("比对报告数", default=0)
    unread = models.PositiveIntegerField("未读取报告数", default=0)
    pair_count = models.PositiveIntegerField("雷同对数", default=0)
    common = models.BinaryField(default=b"")  # sorted uint32 hashes of the common passages' shingles
    timings = models.JSONField(default=dict)
    error = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = "雷同比对"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"比对 #{self.pk}"


class CopyPair(models.Model):
    run = models.ForeignKey(DetectionRun, on_delete=models.CASCADE, related_name="pairs")
    report_a = models.ForeignKey(SelfReport, on_delete=models.PROTECT, related_name="+")
    report_b = models.ForeignKey(SelfReport, on_delete=models.PROTECT, related_name="+")
    same_person = models.BooleanField("同一人", default=False)
    jaccard = models.FloatField("相似度")
    share_a = models.FloatField("甲方雷同文字占比", default=0)
    share_b = models.FloatField("乙方雷同文字占比", default=0)
    finding = models.ForeignKey(
        "inspections.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "雷同报告对"
        verbose_name_plural = verbose_name
        ordering = ["-jaccard", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "report_a", "report_b"], name="selfreports_unique_pair"),
        ]

    def __str__(self):
        return f"{self.report_a_id}–{self.report_b_id}"

    @property
    def kind_label(self) -> str:
        return "同一人跨年度" if self.same_person else "不同人之间"
