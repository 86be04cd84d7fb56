"""What the public front keeps (ARCHITECTURE.md §5): only sealed submissions and messages.

Nothing here can be read by the front itself. A submission's content is sealed to the core's box
key and removed once the core has taken it (`taken_at`); status words and replies are sealed to
the reporter's key (derived from the receipt code) and open only while the reporter shows the code.
No address, browser detail or other trace of the visitor is stored.

`FrontUnit` is the public directory of bodies that receive reports (names only, opaque codes), as
pushed by the core. `SyncMark` is the core's bookkeeping of what it has already exchanged.
"""

from __future__ import annotations

from django.db import models


class FrontSubmission(models.Model):
    reference = models.CharField("前置编号", max_length=64, unique=True)
    code_hash = models.CharField(max_length=64, unique=True)
    sealed = models.BinaryField("内容（密文，交核心后删除）", null=True, blank=True)
    created_at = models.DateTimeField()
    taken_at = models.DateTimeField("核心取走时间", null=True, blank=True, db_index=True)
    status_sealed = models.BinaryField("状态（密文）", null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "网上举报（前置）"
        verbose_name_plural = "网上举报（前置）"
        ordering = ["id"]

    def __str__(self):
        return self.reference[:12]


class FrontMessage(models.Model):
    class Direction(models.TextChoices):
        TO_REPORTER = "to_reporter", "工作人员→举报人"
        FROM_REPORTER = "from_reporter", "举报人→工作人员"

    submission = models.ForeignKey(FrontSubmission, on_delete=models.CASCADE, related_name="messages")
    reference = models.CharField(max_length=64, unique=True)
    direction = models.CharField(max_length=16, choices=Direction.choices)
    for_core = models.BinaryField("密文（交核心后删除）", null=True, blank=True)
    for_reporter = models.BinaryField("密文（举报人凭查询码查看）")
    created_at = models.DateTimeField()
    taken_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.reference[:12]


class FrontAttachment(models.Model):
    """A file sealed to the core, deleted once the core has taken it."""

    submission = models.ForeignKey(FrontSubmission, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        FrontMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    sealed = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"附件{self.pk}"


class FrontUnit(models.Model):
    """A body the public may address (纪委监委, 乡镇纪委, a village on a poster): public names only."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    listed = models.BooleanField(default=True, help_text="在举报页下拉框中列出（村/社区只经二维码进入）")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class SyncMark(models.Model):
    """Core side: references of front items already imported (so a replayed bundle adds nothing)
    and named cursors."""

    key = models.CharField(max_length=80, unique=True)
    value = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.key
