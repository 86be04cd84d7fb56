"""Shared tables of the core app: the administrator-entered holiday schedules.

The State Council publishes each year's holiday arrangement (国务院办公厅关于××年部分节假日安排的通知)
late in the previous year. An administrator enters it here; until then `core.workdays` falls back to
the `chinese_calendar` package and, for a year nobody knows yet, to a provisional rule.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class HolidaySchedule(models.Model):
    """One year's official holiday arrangement as entered by an administrator."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    year = models.PositiveSmallIntegerField("年份", unique=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    notice = models.CharField(
        "依据文件", max_length=255, blank=True, help_text="如：国务院办公厅关于2027年部分节假日安排的通知"
    )
    source_text = models.TextField("录入内容", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年节假日安排（{self.get_status_display()}）"


class CalendarDay(models.Model):
    """A day that departs from the Monday–Friday rule: a holiday, or a weekend made a working day."""

    schedule = models.ForeignKey(HolidaySchedule, on_delete=models.CASCADE, related_name="days")
    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否上班")
    name = models.CharField("名称", max_length=64, blank=True)

    class Meta:
        verbose_name = "节假日/调休日"
        verbose_name_plural = "节假日/调休日"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'班' if self.is_working_day else '休'} {self.name}".strip()
