"""Tables of the grassroots app (see ARCHITECTURE.md §2): the supervision network (stations and
their members, zones and groups of townships), integrity information (廉情信息) and its triage,
village power lists (村级权力清单), the 一肩挑 regime, and the "20+X" task lists.

Members of a station are people who log in (a `User`: liaison officers and information officers
submit from their phones) and, where the member is also on the cadre register (the station head
is usually the village-based township cadre 驻村干部), the `Cadre` too, so that the member's own
file and conflicts can be found. A member needs at least one of the two.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Station(models.Model):
    """纪检监察工作联络站: one per village/community (村居联络站) or per stationed-supervision
    unit (派驻综合监督单位内部监督工作联络站) — seed 002's 两组两站."""

    class Kind(models.TextChoices):
        VILLAGE = "village", "村（社区）联络站"
        UNIT = "unit", "派驻综合监督单位内部联络站"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    unit = models.OneToOneField(
        "people.Unit", models.PROTECT, related_name="station", verbose_name="所在单位"
    )
    name = models.CharField("名称", max_length=100)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("建立时间")

    class Meta:
        verbose_name = "联络站"
        ordering = ["unit__path"]

    def __str__(self) -> str:
        return self.name


class StationMember(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", "站长"
        SUPERVISOR = "supervisor", "纪检监察员"
        LIAISON = "liaison", "廉情监督联络员"
        INFORMATION = "information", "信息员"

    station = models.ForeignKey(Station, models.CASCADE, related_name="members")
    role = models.CharField("职责", max_length=16, choices=Role.choices)
    name = models.CharField("姓名", max_length=64)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    cadre = models.ForeignKey("people.Cadre", models.PROTECT, null=True, blank=True, related_name="+")
    since = models.DateField("任职起")
    until = models.DateField("任职止", null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = "联络站成员"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(cadre__isnull=False),
                name="grass_member_who",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    """协作区: townships under one supervision office (监督检查室) for 片组协作."""

    name = models.CharField("名称", max_length=100)
    office = models.ForeignKey(
        "people.Unit", models.PROTECT, related_name="+", verbose_name="负责指导的监督检查室"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "协作区"

    def __str__(self) -> str:
        return self.name


class ZoneGroup(models.Model):
    """协作组: a few townships that work through their backlog clues together."""

    zone = models.ForeignKey(Zone, models.CASCADE, related_name="groups")
    name = models.CharField("名称", max_length=100)
    townships = models.ManyToManyField("people.Unit", related_name="+", verbose_name="乡镇（街道）")

    class Meta:
        verbose_name = "协作组"

    def __str__(self) -> str:
        return self.name


class GroupClue(models.Model):
    """A backlog clue handed to a group to work through together (the clue stays in intake)."""

    group = models.ForeignKey(ZoneGroup, models.PROTECT, related_name="clues")
    clue = models.OneToOneField("intake.Clue", models.PROTECT, related_name="+")
    note = models.CharField("说明", max_length=500, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.group_id}:{self.clue_id}"


class Information(models.Model):
    """廉情信息 submitted by a station member; the township commission triages it."""

    class Category(models.TextChoices):
        OPINION = "opinion", "群众意见"
        VILLAGE_AFFAIRS = "village_affairs", "村务情况"
        PERSONAL_MATTERS = "personal_matters", "婚丧喜庆等个人重大事项"
        ORG_LIFE = "org_life", "组织生活"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待研判"
        ARCHIVED = "archived", "存入档案（待核实信息）"
        CLUE = "clue", "转为信访举报/问题线索"
        REFERRED = "referred", "“三办”转办"

    station = models.ForeignKey(Station, models.PROTECT, related_name="information")
    unit = models.ForeignKey("people.Unit", models.PROTECT, related_name="+")  # the station's unit (scope)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    title = models.CharField("标题", max_length=100)
    content = models.TextField("内容")
    occurred_on = models.DateField("发生日期", null=True, blank=True)
    subject_name = models.CharField("涉及人员/单位", max_length=100, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("报送时间")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    # The triage: who decided, when, why, and what it became.
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    triaged_at = models.DateTimeField(null=True)
    decided_by = models.CharField("决定人", max_length=64, blank=True)
    triage_note = models.CharField("研判意见", max_length=1000, blank=True)
    cadre = models.ForeignKey("people.Cadre", models.PROTECT, null=True, related_name="+")
    subject_unit = models.ForeignKey("people.Unit", models.PROTECT, null=True, related_name="+")
    entry = models.ForeignKey("archive.ArchiveEntry", models.PROTECT, null=True, related_name="+")
    report = models.ForeignKey("intake.Report", models.PROTECT, null=True, related_name="+")
    clue = models.ForeignKey("intake.Clue", models.PROTECT, null=True, related_name="+")
    referral = models.ForeignKey("intake.Referral", models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = "廉情信息"
        indexes = [
            models.Index(fields=["unit", "-submitted_at"]),
            models.Index(fields=["status", "-submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class Photo(models.Model):
    """A photo given with an item of integrity information: its metadata stripped, its file encrypted
    at rest (`read()` gives the picture); `size` is the picture's size."""

    PURPOSE = "grassroots-photo"

    information = models.ForeignKey(Information, models.CASCADE, related_name="photos")
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to="grassroots/%Y/%m/")

    def __str__(self) -> str:
        return self.name

    def read(self) -> bytes:
        from qinglian.core import crypto

        with self.file.open("rb") as fh:
            return crypto.decrypt_bytes(fh.read(), purpose=self.PURPOSE)


# --- village power lists ---------------------------------------------------------------------


class PowerListVersion(models.Model):
    """One version of the village power list (村级权力清单). Editing makes a new version; the old
    ones stay, so that what a village was held to on a day can be shown."""

    number = models.PositiveIntegerField("版本号", unique=True)
    title = models.CharField("名称", max_length=200)
    effective_from = models.DateField("施行日期")
    note = models.CharField("修订说明", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"第{self.number}版"


class Power(models.Model):
    version = models.ForeignKey(PowerListVersion, models.CASCADE, related_name="powers")
    area_number = models.PositiveSmallIntegerField("领域序号")
    area = models.CharField("领域", max_length=50)
    number = models.PositiveSmallIntegerField("序号")
    name = models.CharField("权力事项", max_length=100)
    basis = models.CharField("主要依据与程序", max_length=500, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="grass_power_number")]

    def __str__(self) -> str:
        return self.name


# --- 一肩挑 ----------------------------------------------------------------------------------------


class DualPost(models.Model):
    """A village head holding both posts (村党组织书记、村委会主任“一肩挑”)."""

    cadre = models.ForeignKey("people.Cadre", models.PROTECT, related_name="+")
    village = models.ForeignKey("people.Unit", models.PROTECT, related_name="+")
    since = models.DateField("任职起")
    until = models.DateField("任职止", null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    registered_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"一肩挑 {self.cadre_id}"


class DualPostDuty(models.Model):
    class Duty(models.TextChoices):
        PERSONAL_MATTERS = "personal_matters", "年初向乡镇组织部门报告个人重大事项"
        ACCOUNTABILITY = "accountability", "年底述责述廉"
        HEARING = "hearing", "乡镇党委听取主体责任落实情况汇报（每半年）"
        TALK = "talk", "廉政谈话（每年至少一次）"

    holder = models.ForeignKey(DualPost, models.CASCADE, related_name="duties")
    duty = models.CharField(max_length=20, choices=Duty.choices)
    period = models.CharField("期间", max_length=8)  # "2026" or "2026H1"
    due_date = models.DateField()
    workitem = models.ForeignKey("workitems.WorkItem", models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["holder", "duty", "period"], name="grass_duty_once")]

    def __str__(self) -> str:
        return f"{self.duty} {self.period}"


# --- task lists ("20+X") -------------------------------------------------------------------------


class CommonTask(models.Model):
    """One of the year's common tasks (the "20" of 20+X), copied into every list of the year."""

    year = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    due_date = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="grass_common_number")]

    def __str__(self) -> str:
        return self.title


class TaskList(models.Model):
    """A unit's list for one year: a committee, office, group (units) or a station."""

    year = models.PositiveSmallIntegerField()
    unit = models.ForeignKey("people.Unit", models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "unit"], name="grass_tasklist_once")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"


class Task(models.Model):
    task_list = models.ForeignKey(TaskList, models.CASCADE, related_name="tasks")
    common = models.ForeignKey(CommonTask, models.PROTECT, null=True, blank=True, related_name="tasks")
    title = models.CharField("任务", max_length=200)
    due_date = models.DateField("完成期限")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    evidence = models.CharField("完成情况与佐证", max_length=1000, blank=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title
