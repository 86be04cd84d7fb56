"""Conduct outside working hours (八小时外): reference lists, visits, community double-registration,
family integrity lists, observers, negative-list findings and family-event pre-reports.

Every record carries the unit it belongs to (the cadre's unit when it was recorded): that is what
scopes it. Only two things reach the cadre's file, both through the archive's service: a confirmed
negative-list finding (yellow `conduct.finding`) and a family-event pre-report (blue
`info.family_event`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ListKind(models.TextChoices):
    LEADER_NEGATIVE = "leader_negative", "领导干部“八小时以外”负面清单"
    FAMILY_NEGATIVE = "family_negative", "家庭“八小时外”负面清单"
    FAMILY_POSITIVE = "family_positive", "廉洁持家正面清单"


NEGATIVE_LISTS = (ListKind.LEADER_NEGATIVE, ListKind.FAMILY_NEGATIVE)


class ListVersion(models.Model):
    """One saved version of a reference list. The latest is in force; findings and family
    integrity lists point at the version they used, so an old record reads as it was."""

    kind = models.CharField("清单", max_length=20, choices=ListKind.choices)
    number = models.PositiveIntegerField("版本号")
    items = models.JSONField("条目", default=list)
    reason = models.CharField("修改理由", max_length=255)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "清单版本"
        ordering = ["kind", "-number"]
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="conduct_list_version_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} 第{self.number}版"


class Observer(models.Model):
    """A conduct observer (作风观察员), e.g. a retired cadre of good standing (seed 000)."""

    name = models.CharField("姓名", max_length=32)
    background = models.CharField("身份", max_length=100, help_text="如：退休干部、原县财政局副局长")
    phone = models.CharField("联系电话", max_length=32, blank=True)
    unit = models.ForeignKey(
        "people.Unit", verbose_name="聘任单位", on_delete=models.PROTECT, related_name="+"
    )
    appointed_on = models.DateField("聘任日期")
    active = models.BooleanField("在聘", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "作风观察员"
        ordering = ["-active", "name", "id"]

    def __str__(self):
        return self.name


class Visit(models.Model):
    """A home visit, community visit, unannounced check or an observer's visit: who, whom, when, what."""

    class Kind(models.TextChoices):
        HOME = "home", "家访"
        COMMUNITY = "community", "社区访"
        UNANNOUNCED = "unannounced", "明察暗访"
        OBSERVER = "observer", "作风观察员走访"

    kind = models.CharField("方式", max_length=12, choices=Kind.choices)
    cadre = models.ForeignKey("people.Cadre", verbose_name="走访对象", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")  # fmt: skip
    unit = models.ForeignKey("people.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    observer = models.ForeignKey(
        Observer, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField("走访日期")
    visitors = models.CharField("走访人员", max_length=200)
    place = models.CharField("地点", max_length=200, blank=True)
    findings = models.TextField("了解到的情况")
    suggestions = models.TextField("意见建议", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "走访记录"
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.visited_on}"


class CommunityRegistration(models.Model):
    """双报到: a party member reports to the community (and its party branch) where he lives (seed 003)."""

    cadre = models.ForeignKey("people.Cadre", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("people.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    community = models.CharField("报到社区（小区）", max_length=100)
    branch = models.CharField("社区（小区）党组织", max_length=100, blank=True)
    registered_on = models.DateField("报到日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "双报到"
        ordering = ["-registered_on", "-id"]

    def __str__(self):
        return f"{self.cadre_id}@{self.community}"


class CommunityActivity(models.Model):
    registration = models.ForeignKey(
        CommunityRegistration, on_delete=models.CASCADE, related_name="activities"
    )
    held_on = models.DateField("活动日期")
    description = models.CharField("活动内容", max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.description[:20]


class FamilyBriefing(models.Model):
    """家庭助廉“三交底”: the three lists handed to a cadre's family (post red lines, the positive
    list, the negative list), with the list versions used, printable."""

    cadre = models.ForeignKey("people.Cadre", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("people.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField("接收家属", max_length=50, help_text="如：配偶 李某")
    red_lines = models.TextField("岗位廉政红线", help_text="每行一条")
    positive = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="+")
    negative = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="+")
    handed_on = models.DateField("交底日期")
    handed_by = models.CharField("交底人", max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "家庭助廉三交底"
        ordering = ["-handed_on", "-id"]

    def __str__(self):
        return f"{self.cadre_id}:{self.handed_on}"

    @property
    def red_line_items(self) -> list[str]:
        return [line.strip() for line in self.red_lines.splitlines() if line.strip()]


class Finding(models.Model):
    """A negative-list finding: recorded (no colour, counts for nothing), the cadre heard, then a named
    person confirms it (→ a yellow `conduct.finding` entry on the file) or dismisses it."""

    class Status(models.TextChoices):
        RECORDED = "recorded", "已登记（待听取本人说明）"
        HEARD = "heard", "已听取说明（待认定）"
        CONFIRMED = "confirmed", "已认定"
        DISMISSED = "dismissed", "不予认定"

    cadre = models.ForeignKey("people.Cadre", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("people.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    list_version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="+")
    item_number = models.PositiveSmallIntegerField("条目序号")
    item_text = models.CharField("负面清单条目", max_length=255)
    occurred_on = models.DateField("发生日期")
    facts = models.TextField("问题事实")
    source = models.CharField(
        "发现途径", max_length=100, blank=True, help_text="如：家访、社区反映、明察暗访"
    )
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECORDED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    explanation = models.TextField("本人说明", blank=True)
    heard_on = models.DateField("听取说明日期", null=True, blank=True)
    heard_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    decider_name = models.CharField("认定人", max_length=100, blank=True)
    decision_note = models.CharField("认定意见", max_length=500, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    entry = models.ForeignKey("archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "负面清单问题"
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["status", "recorded_at"], name="conduct_finding_status")]

    def __str__(self):
        return f"{self.cadre_id}:{self.item_text[:20]}"


class FamilyEvent(models.Model):
    """A family-event pre-report (婚丧喜庆事宜报备) filed by the cadre, checked against the local caps."""

    class Kind(models.TextChoices):
        WEDDING = "wedding", "婚嫁"
        FUNERAL = "funeral", "丧葬"
        OTHER = "other", "其他喜庆事宜（寿宴、升学、乔迁等）"

    class Payer(models.TextChoices):
        OWN = "own", "本人及家庭承担"
        RELATIVES = "relatives", "亲属共同承担"
        OTHER = "other", "其他（须说明）"

    cadre = models.ForeignKey("people.Cadre", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("people.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("事项", max_length=10, choices=Kind.choices)
    subject = models.CharField("当事人及关系", max_length=100, help_text="如：儿子 张某某 结婚")
    event_date = models.DateField("举办日期")
    venue = models.CharField("举办地点", max_length=200)
    tables = models.PositiveIntegerField("宴席桌数")
    guests = models.PositiveIntegerField("邀请人数")
    cars = models.PositiveIntegerField("使用车辆数")
    payer = models.CharField("费用承担", max_length=10, choices=Payer.choices)
    payer_note = models.CharField("费用说明", max_length=200, blank=True)
    breaches = models.JSONField("超出规定的事项", default=list, blank=True)
    flagged = models.BooleanField("超出规定", default=False)
    rule_basis = models.CharField("依据", max_length=255, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    entry = models.ForeignKey("archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "婚丧喜庆事宜报备"
        ordering = ["-filed_at", "-id"]

    def __str__(self):
        return f"{self.cadre_id}:{self.get_kind_display()} {self.event_date}"

    @property
    def within_caps(self) -> bool:
        return not self.flagged
