"""Tables of the appointments app (see ARCHITECTURE.md §2).

选拔任用全程纪实: an appointment case per post goes through seven stages (动议, 民主推荐, 考察,
讨论决定, 任前公示, 任职, 试用期); each stage records its date, people, documents and results and is
frozen once closed. Candidates carry the four mandatory checks (凡提四必): the file review is
recorded here; the personal-matters check (spotchecks), the discipline commission's opinion
(archive) and the complaints (intake) are asked of their own apps.

一报告两评议: the annual report on selection work and the two appraisals (of the work overall and
of newly appointed cadres), with written feedback and follow-up of weak units.

Every record carries the unit it belongs to (the post's unit): that is what scopes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from qinglian.people.models import PostLevel


class StageKind(models.TextChoices):
    MOTION = "motion", "动议"
    RECOMMENDATION = "recommendation", "民主推荐"
    APPRAISAL = "appraisal", "考察"
    DECISION = "decision", "讨论决定"
    NOTICE = "notice", "任前公示"
    APPOINTMENT = "appointment", "任职"
    PROBATION = "probation", "试用期"


STAGE_ORDER = [k.value for k in StageKind]


class AppointmentCase(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已终止"

    unit = models.ForeignKey(
        "people.Unit", verbose_name="任职单位", on_delete=models.PROTECT, related_name="+"
    )
    post_title = models.CharField("拟任职务", max_length=100)
    post_level = models.CharField("职务层级", max_length=16, choices=PostLevel.choices)
    reason = models.TextField("动议事由")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("建档时间")
    # 倒查: set when a black entry is recorded for conduct before the promotion (see reverse.py).
    flagged_at = models.DateTimeField("倒查标记时间", null=True, blank=True)

    class Meta:
        verbose_name = "选拔任用纪实"
        verbose_name_plural = "选拔任用纪实"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status"], name="appt_case_unit_status"),
            models.Index(fields=["created_at"], name="appt_case_created"),  # the list's order
        ]

    def __str__(self):
        return f"{self.unit.name} {self.post_title}"


class Stage(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        CLOSED = "closed", "已完结（已固化）"

    case = models.ForeignKey(AppointmentCase, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField("环节", max_length=16, choices=StageKind.choices)
    position = models.PositiveSmallIntegerField("顺序")
    held_on = models.DateField("日期", null=True, blank=True, help_text="公示、试用期为开始日期")
    ends_on = models.DateField("截止日期", null=True, blank=True, help_text="公示、试用期的截止日期")
    participants = models.TextField("参加人员", blank=True)
    decided_by = models.CharField("决定人/决定机关", max_length=200, blank=True)
    result = models.TextField("结果", blank=True)
    findings = models.TextField("考察发现", blank=True)
    votes = models.JSONField("票数", default=dict, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    recorded_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")  # fmt: skip
    closed_at = models.DateTimeField("固化时间", null=True, blank=True)

    class Meta:
        verbose_name = "纪实环节"
        ordering = ["case_id", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="appt_stage_once_per_case")]

    def __str__(self):
        return self.get_kind_display()

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


def _stage_upload(instance, filename):
    import uuid

    from django.utils import timezone

    return f"appointments/{timezone.localtime():%Y/%m}/{uuid.uuid4().hex}"


class StageDocument(models.Model):
    """A document of a stage (推荐票统计表, 考察材料, 会议纪要, 公示通知...), checked by content."""

    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="documents")
    name = models.CharField("文件名", max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=_stage_upload, max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "环节材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class Candidate(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "人选"
        WITHDRAWN = "withdrawn", "已退出"
        APPOINTED = "appointed", "决定任用"
        NOT_SELECTED = "not_selected", "未决定任用"

    case = models.ForeignKey(AppointmentCase, on_delete=models.CASCADE, related_name="candidates")
    cadre = models.ForeignKey("people.Cadre", verbose_name="人选", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    note = models.CharField("说明", max_length=255, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    withdrawn_reason = models.CharField("退出理由", max_length=255, blank=True)
    # Art 24 flags as computed at the last refresh: [{"code", "text", "entry"}]
    flags = models.JSONField("不得列为人选的情形", default=list, blank=True)
    flags_checked_at = models.DateTimeField(null=True, blank=True)
    spot_check_id = models.BigIntegerField("个人有关事项核查编号", null=True, blank=True)
    opinion_request = models.ForeignKey("archive.OpinionRequest", verbose_name="廉洁意见征求", null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")  # fmt: skip
    # 档案审核: recorded by a named person.
    file_reviewer = models.CharField("档案审核人", max_length=64, blank=True)
    file_reviewed_on = models.DateField("档案审核日期", null=True, blank=True)
    file_review_passed = models.BooleanField("档案审核通过", null=True, blank=True)
    file_review_note = models.CharField("档案审核意见", max_length=500, blank=True)
    file_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "人选"
        ordering = ["case_id", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "cadre"], name="appt_candidate_once")]

    def __str__(self):
        return self.cadre.name


class Complaint(models.Model):
    """A complaint about a candidate received during the case (mostly during 任前公示): registered in
    intake (the report's content is sealed there) and linked here; the case checks its status."""

    case = models.ForeignKey(AppointmentCase, on_delete=models.CASCADE, related_name="complaints")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="complaints")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    report = models.OneToOneField("intake.Report", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField("收到日期")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField()

    class Meta:
        verbose_name = "公示期间反映问题"
        ordering = ["received_on", "id"]

    def __str__(self):
        return f"{self.case_id}:{self.report_id}"


class ReverseCheck(models.Model):
    """倒查: a black entry recorded for conduct dated before the promotion. Lists who took each decision
    and what the system held about the candidate then ("as known on"), computed when flagged."""

    case = models.ForeignKey(AppointmentCase, on_delete=models.CASCADE, related_name="reverse_checks")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey("archive.ArchiveEntry", on_delete=models.PROTECT, related_name="+")
    promoted_on = models.DateField("决定任用日期")
    decisions = models.JSONField("各环节决定人及当时掌握的情况", default=list)
    flagged_at = models.DateTimeField("发现时间")

    class Meta:
        verbose_name = "倒查"
        ordering = ["-flagged_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["candidate", "entry"], name="appt_reverse_once")]

    def __str__(self):
        return f"倒查 {self.case_id}:{self.entry_id}"


# --- 一报告两评议 -----------------------------------------------------------------------------------


class AnnualReview(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        FED_BACK = "fed_back", "已反馈"

    unit = models.ForeignKey("people.Unit", verbose_name="报告单位", on_delete=models.PROTECT, related_name="+",
                             help_text="报告选人用人工作的党委（党组）所在单位")  # fmt: skip
    year = models.PositiveSmallIntegerField("年度")
    reported_on = models.DateField("报告日期")
    report_summary = models.TextField("工作报告摘要")
    participants = models.PositiveIntegerField("参加评议人数")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    fed_back_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "一报告两评议"
        verbose_name_plural = "一报告两评议"
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="appt_review_once_a_year")]

    def __str__(self):
        return f"{self.unit.name} {self.year}年度"


class ReviewResult(models.Model):
    """One appraisal's votes: of the unit's selection work overall, or of one newly appointed cadre."""

    class Kind(models.TextChoices):
        WORK = "work", "选人用人工作评议"
        CADRE = "cadre", "新提拔任用干部评议"

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField("评议", max_length=8, choices=Kind.choices)
    unit = models.ForeignKey("people.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("people.Cadre", verbose_name="干部", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip
    good = models.PositiveIntegerField("满意（认可）")
    fair = models.PositiveIntegerField("基本满意（基本认可）")
    poor = models.PositiveIntegerField("不满意（不认可）")
    unknown = models.PositiveIntegerField("不了解")
    weak = models.BooleanField("评议结果较差", default=False)
    threshold = models.DecimalField("满意度下限（当时）", max_digits=5, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "评议结果"
        ordering = ["review_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "kind", "unit", "cadre"], name="appt_result_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.unit_id}:{self.cadre_id or ''}"

    @property
    def total(self) -> int:
        return self.good + self.fair + self.poor + self.unknown

    @property
    def rate(self) -> float:
        """满意度: (满意 + 基本满意) over the votes cast."""
        return (self.good + self.fair) * 100 / self.total if self.total else 0.0


class ReviewFeedback(models.Model):
    """The written feedback to one unit (a numbered document) and, for a weak unit, its follow-up to-do."""

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="feedback")
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    weak = models.BooleanField("需整改", default=False)
    document_batch = models.UUIDField("反馈意见书", null=True, blank=True)
    workitem_id = models.BigIntegerField("整改待办", null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()

    class Meta:
        verbose_name = "评议反馈"
        ordering = ["review_id", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["review", "unit"], name="appt_feedback_once")]

    def __str__(self):
        return f"评议反馈 {self.review_id}:{self.unit_id}"
