"""Responsibility reminder cards (主体责任提醒卡 / 清风卡), quarterly (seed 003: 一季一提醒、一季一总结、一季一检查).

A card goes to one recipient for one quarter: the common responsibility list of the recipient's
type plus an individual problem list proposed from the recipient's unit and adjusted by the editor.
The recipient opens it from a signed QR link, acknowledges it after signing in, reports on each item
at the quarter's end; the supervision office checks each item; for items not fulfilled the system
proposes the next step and a named person decides after hearing the cadre. Only that decision is
recorded on the archive.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RecipientType(models.TextChoices):
    TOP_LEADER = "top_leader", "单位主要负责人（一把手）"
    LEADERSHIP = "leadership", "领导班子成员"
    LOWER_HEAD = "lower_head", "下级党组织主要负责人"


class CommonItem(models.Model):
    """One line of the common responsibility list (共性责任清单) of a recipient type."""

    recipient_type = models.CharField("对象类型", max_length=16, choices=RecipientType.choices)
    text = models.CharField("责任事项", max_length=255)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["recipient_type", "order", "id"]

    def __str__(self):
        return self.text


class CardBatch(models.Model):
    """One issue of cards for a quarter, in the name of a party committee."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草拟（可调整个性问题清单）"
        ISSUED = "issued", "已发放"

    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    title = models.CharField("名称", max_length=100)
    issuing_body = models.ForeignKey("people.Unit", verbose_name="发卡机关", on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    scope_unit = models.ForeignKey(
        "people.Unit", verbose_name="发放范围", on_delete=models.PROTECT, related_name="+"
    )
    recipient_types = models.JSONField("发放对象", default=list)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    report_days = models.PositiveSmallIntegerField("季末报告期（天）", default=15)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    issued_at = models.DateTimeField(null=True, blank=True)
    print_progress = models.PositiveIntegerField("已生成打印件", default=0)
    print_total = models.PositiveIntegerField(default=0)
    print_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "-id"]

    def __str__(self):
        return self.title


class Card(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草拟"
        ISSUED = "issued", "已发放（待签收）"
        ACKNOWLEDGED = "acknowledged", "已签收"
        REPORTED = "reported", "已报告落实情况"
        CHECKED = "checked", "已检查"
        REVOKED = "revoked", "已撤回"

    batch = models.ForeignKey(CardBatch, on_delete=models.CASCADE, related_name="cards")
    cadre = models.ForeignKey("people.Cadre", on_delete=models.PROTECT, related_name="cards")
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    recipient_type = models.CharField(max_length=16, choices=RecipientType.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    # The QR link carries a signed token naming this card and its nonce; revoking changes the nonce.
    nonce = models.CharField(max_length=32, editable=False)
    valid_until = models.DateField("链接有效期至")
    qr = models.TextField("二维码（PNG data URI）", blank=True, editable=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "cadre"], name="cards_one_per_batch")]
        ordering = ["unit__path", "cadre__name", "id"]

    def __str__(self):
        return f"{self.batch_id}:{self.cadre_id}"


class CardItem(models.Model):
    class Kind(models.TextChoices):
        COMMON = "common", "共性责任"
        INDIVIDUAL = "individual", "个性问题"

    class Check(models.TextChoices):
        PENDING = "", "未检查"
        FULFILLED = "fulfilled", "已落实"
        PARTLY = "partly", "部分落实"
        NOT_FULFILLED = "not_fulfilled", "未落实"

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.CharField("事项", max_length=255)
    source = models.CharField(
        "来源", max_length=120, blank=True, help_text="个性问题的来源，如“审计发现问题（2026-05-10）”"
    )
    order = models.PositiveSmallIntegerField(default=0)
    report = models.TextField("落实情况报告", blank=True)
    result = models.CharField("检查结果", max_length=16, choices=Check.choices, blank=True, default="")
    check_note = models.CharField("检查意见", max_length=255, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip

    class Meta:
        ordering = ["kind", "order", "id"]

    def __str__(self):
        return self.text


class FollowUp(models.Model):
    """The next step proposed for unfulfilled items; decided by a named person after the cadre was heard."""

    class Step(models.TextChoices):
        REMINDER_TALK = "handling.reminder_talk", "提醒谈话"
        ADMONISHMENT = "handling.admonishment", "诫勉谈话"
        ACCOUNTABILITY = "accountability", "问责"

    class Decision(models.TextChoices):
        PENDING = "", "待决定"
        APPLIED = "applied", "决定采取"
        DISMISSED = "dismissed", "不予采取"

    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="follow_ups")
    proposed_step = models.CharField("建议措施", max_length=32, choices=Step.choices)
    grounds = models.TextField("依据（未落实事项）")
    explanation = models.TextField("本人说明", blank=True)
    heard_on = models.DateField("听取说明日期", null=True, blank=True)
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True, default="")
    decision_note = models.CharField("决定理由", max_length=255, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    entry = models.ForeignKey("archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip
    created_at = models.DateTimeField()

    def __str__(self):
        return f"{self.card_id}:{self.proposed_step}"


class CardPrint(models.Model):
    """The printable PDF of one unit's cards in a batch (rendered in the background)."""

    batch = models.ForeignKey(CardBatch, on_delete=models.CASCADE, related_name="prints")
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="cards/%Y/", max_length=255)
    cards = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "unit"], name="cards_print_unique")]

    def __str__(self):
        return f"{self.batch_id}:{self.unit_id}"


class TalkKind(models.TextChoices):
    REMINDER = "reminder", "提醒谈话"
    ADMONISHMENT = "admonishment", "诫勉谈话"
    INTEGRITY = "integrity", "廉政谈话"
    PRE_APPOINTMENT = "pre_appointment", "任前廉政谈话"
    COLLECTIVE = "collective", "集体廉政谈话"


# Talks that are handling measures: recorded on the file (yellow) only with a named decision.
TALK_ENTRY_KINDS = {
    TalkKind.REMINDER: "handling.reminder_talk",
    TalkKind.ADMONISHMENT: "handling.admonishment",
}


class TalkTrigger(models.Model):
    """One of the 十必谈: a situation in which a talk is mandatory (configurable)."""

    code = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("情形", max_length=64)
    talk_kind = models.CharField("应开展的谈话", max_length=16, choices=TalkKind.choices)
    entry_kinds = models.JSONField("触发的档案记录类型", default=list, blank=True,
                                   help_text="出现这些类型的档案记录时自动提出谈话待办")  # fmt: skip
    due_days = models.PositiveSmallIntegerField("谈话期限（天）", default=30)
    active = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class TalkDue(models.Model):
    """A talk that a trigger made mandatory, with its to-do; done when a talk record answers it."""

    trigger = models.ForeignKey(TalkTrigger, on_delete=models.PROTECT, related_name="dues")
    cadre = models.ForeignKey(
        "people.Cadre", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    source = models.CharField("起因", max_length=64, help_text="archive:123、card:45 ……")
    reason = models.CharField("说明", max_length=255)
    workitem = models.ForeignKey("workitems.WorkItem", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")  # fmt: skip
    talk = models.ForeignKey(
        "cards.Talk", null=True, blank=True, on_delete=models.SET_NULL, related_name="dues"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["trigger", "source"], name="cards_talkdue_once")]

    def __str__(self):
        return f"{self.trigger_id}:{self.source}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("cards:talk_new") + f"?due={self.pk}"


class Talk(models.Model):
    kind = models.CharField("谈话类型", max_length=16, choices=TalkKind.choices)
    held_on = models.DateField("谈话日期")
    talker = models.CharField("谈话人", max_length=64)
    place = models.CharField("地点", max_length=100, blank=True)
    summary = models.TextField("谈话内容摘要")
    follow_up = models.TextField("后续跟踪", blank=True)
    decided_by = models.CharField("决定人（提醒谈话、诫勉须填写）", max_length=64, blank=True)
    unit = models.ForeignKey(
        "people.Unit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"


class TalkParticipant(models.Model):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="participants")
    cadre = models.ForeignKey("people.Cadre", on_delete=models.PROTECT, related_name="talks")
    attended = models.BooleanField("到场", default=True)
    entry = models.ForeignKey("archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip

    class Meta:
        constraints = [models.UniqueConstraint(fields=["talk", "cadre"], name="cards_talk_participant_once")]

    def __str__(self):
        return f"{self.talk_id}:{self.cadre_id}"


class EducationEvent(models.Model):
    """警示教育: a session, a film, attending a trial (旁听庭审), a visit to an education base."""

    class Kind(models.TextChoices):
        SESSION = "session", "警示教育大会"
        FILM = "film", "观看警示教育片"
        TRIAL = "trial", "旁听庭审"
        VISIT = "visit", "参观廉政教育基地"

    kind = models.CharField("形式", max_length=16, choices=Kind.choices)
    title = models.CharField("名称", max_length=100)
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    unit = models.ForeignKey(
        "people.Unit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title


class EducationAttendance(models.Model):
    event = models.ForeignKey(EducationEvent, on_delete=models.CASCADE, related_name="attendance")
    cadre = models.ForeignKey("people.Cadre", on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField("到场", default=True)
    absence_reason = models.CharField("缺席原因", max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "cadre"], name="cards_attendance_once")]

    def __str__(self):
        return f"{self.event_id}:{self.cadre_id}"


class SmsMessage(models.Model):
    """The SMS outbox: every text the system sent or tried to send. With the "outbox" backend (tests,
    the demo) this table is the delivery: nothing leaves the machine and the text is kept whole;
    with a real gateway the code in the text is masked here."""

    class Status(models.TextChoices):
        LOGGED = "logged", "已记入发件箱（未外发）"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    phone = models.CharField("手机号", max_length=20)
    text = models.CharField("内容", max_length=300)
    purpose = models.CharField("用途", max_length=32)
    backend = models.CharField(max_length=32)
    status = models.CharField(max_length=8, choices=Status.choices)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"{self.purpose}:{self.phone[-4:]}"


class CardCode(models.Model):
    """A one-time code sent to the recipient's phone on file to acknowledge a card without signing in.
    Only an HMAC of the code is kept; it expires, allows a few attempts and is good once."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    phone_tail = models.CharField(max_length=4)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["card", "created_at"], name="cards_code_card_created")]

    def __str__(self):
        return f"{self.card_id}:{self.created_at:%Y-%m-%d %H:%M}"
