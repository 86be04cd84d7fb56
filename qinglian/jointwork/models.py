"""Tables of the jointwork app (see ARCHITECTURE.md §2): the task force's joint meetings (季度分析会,
半年联席会议, ad hoc), their schedules, the cases they discuss, their decisions and the assignments
that become to-dos; joint review (联审) of promotion, awards and rank-promotion lists through the
archive's integrity opinions; and the circulars (通报) generated from them.

A meeting, a review, a schedule and a circular each belong to a unit (the convening body or the
jurisdiction): whoever holds the capability over that unit reaches them. A member agency (taskforce
`Agency`) also reads the meetings it attended.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MeetingKind(models.TextChoices):
    QUARTERLY = "quarterly", "季度分析会"
    HALF_YEARLY = "half_yearly", "半年联席会议"
    AD_HOC = "ad_hoc", "专题会议（临时）"


class MeetingSchedule(models.Model):
    """When a kind of meeting is due for a convening unit: the months of the year and the day of
    the month by which it is held, and how many days before that the "hold the meeting" to-do opens.
    Edited by the task force's lead, audited."""

    kind = models.CharField("会议类型", max_length=16, choices=MeetingKind.choices)
    unit = models.ForeignKey("people.Unit", models.PROTECT, related_name="+", verbose_name="召集单位")
    months = models.JSONField("召开月份", default=list, help_text="如 [1, 4, 7, 10]")
    day = models.PositiveSmallIntegerField("当月截止日", default=25)
    lead_days = models.PositiveSmallIntegerField("提前生成待办天数", default=15)
    is_active = models.BooleanField("启用", default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "会议计划"
        constraints = [models.UniqueConstraint(fields=["kind", "unit"], name="jointwork_schedule_kind_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.get_kind_display()}"


class Meeting(models.Model):
    kind = models.CharField("会议类型", max_length=16, choices=MeetingKind.choices)
    title = models.CharField("会议名称", max_length=200)
    unit = models.ForeignKey("people.Unit", models.PROTECT, related_name="+", verbose_name="召集单位")
    held_on = models.DateField("召开日期", db_index=True)
    place = models.CharField("地点", max_length=200)
    convener_name = models.CharField("召集人", max_length=64)
    agencies = models.ManyToManyField(
        "taskforce.Agency", related_name="+", verbose_name="参会成员单位", blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")
    minutes_batch = models.UUIDField("会议纪要", null=True, blank=True)

    class Meta:
        verbose_name = "联席会议"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Occurrence(models.Model):
    """One due meeting of a schedule, with its "hold the meeting" to-do; `meeting` once held."""

    schedule = models.ForeignKey(MeetingSchedule, models.CASCADE, related_name="occurrences")
    due_date = models.DateField("应召开日期")
    workitem = models.ForeignKey("workitems.WorkItem", models.PROTECT, null=True, related_name="+")
    meeting = models.OneToOneField(Meeting, models.PROTECT, null=True, blank=True, related_name="occurrence")

    class Meta:
        verbose_name = "计划会议"
        constraints = [
            models.UniqueConstraint(fields=["schedule", "due_date"], name="jointwork_occurrence_once")
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id}@{self.due_date}"


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendees")
    name = models.CharField("姓名", max_length=64)
    post = models.CharField("单位职务", max_length=100, blank=True)
    agency = models.ForeignKey("taskforce.Agency", models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "参会人员"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """A case discussed: the meeting's own text, plus optional links to a cadre, a clue, a unit.
    The clue's content stays sealed: pages show it only to holders of `sealed.clue_content`."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="cases")
    summary = models.TextField("研究事项")
    cadre = models.ForeignKey("people.Cadre", models.PROTECT, null=True, blank=True, related_name="+")
    clue = models.ForeignKey("intake.Clue", models.PROTECT, null=True, blank=True, related_name="+")
    subject_unit = models.ForeignKey("people.Unit", models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "研究事项"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.summary[:40]


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="decisions")
    text = models.TextField("议定事项")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "议定事项"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]


class Assignment(models.Model):
    """A task a decision gives to a unit or person, tracked as a to-do (`workitems`)."""

    decision = models.ForeignKey(Decision, models.CASCADE, related_name="assignments")
    title = models.CharField("任务", max_length=200)
    owner_unit = models.ForeignKey("people.Unit", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="责任单位")  # fmt: skip
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="责任人")  # fmt: skip
    due_date = models.DateField("完成时限")
    workitem = models.OneToOneField("workitems.WorkItem", models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("交办时间")

    class Meta:
        verbose_name = "交办任务"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_unit__isnull=False) | models.Q(owner_user__isnull=False),
                name="jointwork_assignment_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title


class FollowUp(models.Model):
    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="follow_ups")
    note = models.CharField("跟踪督办情况", max_length=1000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "跟踪督办"
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.note[:40]


class JointReview(models.Model):
    """联审: a list of candidates for promotion, awards or rank promotion, checked through an
    integrity-opinion request, and decided person by person (by the meeting, named)."""

    class Purpose(models.TextChoices):
        PROMOTION = "promotion", "提拔任用"
        AWARDS = "awards", "评优评先"
        RANK = "rank", "职级晋升"

    title = models.CharField("事由", max_length=200)
    purpose = models.CharField("用途", max_length=16, choices=Purpose.choices)
    unit = models.ForeignKey("people.Unit", models.PROTECT, related_name="+", verbose_name="提请单位")
    meeting = models.ForeignKey(Meeting, models.PROTECT, null=True, blank=True, related_name="reviews",
                                verbose_name="联审会议")  # fmt: skip
    opinion_request = models.OneToOneField("archive.OpinionRequest", models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "联审"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ReviewCandidate(models.Model):
    class Decision(models.TextChoices):
        AGREE = "agree", "同意"
        POSTPONE = "postpone", "暂缓"
        DISAGREE = "disagree", "不同意"

    review = models.ForeignKey(JointReview, models.CASCADE, related_name="candidates")
    position = models.PositiveIntegerField("序号")
    cadre = models.ForeignKey("people.Cadre", models.PROTECT, related_name="+")
    opinion = models.OneToOneField("archive.OpinionCandidate", models.PROTECT, related_name="+")
    decision = models.CharField("联审决定", max_length=16, choices=Decision.choices, blank=True)
    reason = models.CharField("理由", max_length=1000, blank=True)
    decided_by_name = models.CharField("决定人", max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)

    class Meta:
        verbose_name = "联审对象"
        ordering = ["review_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "position"], name="jointwork_candidate_position")
        ]

    def __str__(self) -> str:
        return f"{self.review_id}-{self.position}"


class Circular(models.Model):
    class Audience(models.TextChoices):
        COMMITTEE = "committee", "县委"
        CONGRESS = "congress", "县人大、县政府、县政协"

    audience = models.CharField("报送对象", max_length=16, choices=Audience.choices)
    unit = models.ForeignKey("people.Unit", models.PROTECT, related_name="+", verbose_name="发文单位")
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    figures = models.JSONField("统计", default=dict)
    document_batch = models.UUIDField("通报文件", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = "通报"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} {self.period_start}—{self.period_end}"
