"""The append-only, hash-chained audit log.

Every row carries an HMAC (key outside the database) over its own content and the previous
row's hash, so that a changed, deleted or inserted row breaks the chain (`audit_verify`).
The application refuses to update or delete rows; on PostgreSQL a trigger refuses too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除")


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    role = models.CharField("角色", max_length=64, blank=True)
    action = models.CharField("动作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    person_id = models.BigIntegerField("涉及人员", null=True, blank=True, db_index=True)
    unit_id = models.BigIntegerField("涉及单位", null=True, blank=True)
    reason = models.TextField("事由", blank=True)
    source_ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    extra = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-seq"]
        indexes = [models.Index(fields=["actor", "at"]), models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"#{self.seq} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除")


class AuditHead(models.Model):
    """One row: the newest seq and hash. Locking it serialises appends so the chain cannot fork."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "审计链头"

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}"
