"""The unit tree of one jurisdiction.

Units are kept as a materialised path (`/1/7/42/`), so that "this unit and everything below it"
is one indexed prefix condition on SQLite and PostgreSQL alike. Moves and renames go through
`people.services` and leave a `UnitChange` row behind.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class UnitKind(models.TextChoices):
    JURISDICTION = "jurisdiction", "行政区（市/县）"
    PARTY_COMMITTEE = "party_committee", "党委"
    PARTY_DEPT = "party_dept", "党委工作部门"
    DISCIPLINE_COMMISSION = "discipline_commission", "纪委监委"
    PEOPLES_CONGRESS = "peoples_congress", "人大"
    GOVERNMENT = "government", "政府"
    GOVERNMENT_DEPT = "government_dept", "政府部门"
    CPPCC = "cppcc", "政协"
    COURT = "court", "法院"
    PROCURATORATE = "procuratorate", "检察院"
    MASS_ORG = "mass_org", "群团组织"
    TOWNSHIP = "township", "乡镇/街道"
    VILLAGE = "village", "村/社区"
    SOE = "soe", "国有企业"
    INSTITUTION = "institution", "事业单位"
    STATIONED_GROUP = "stationed_group", "派驻纪检监察组"
    TOWNSHIP_COMMITTEE = "township_committee", "乡镇纪委/街道纪工委"
    OTHER = "other", "其他"


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"
    VILLAGE = "village", "村级"


class Unit(models.Model):
    name = models.CharField("单位名称", max_length=100)
    code = models.CharField("单位代码", max_length=32, unique=True)
    kind = models.CharField("单位类型", max_length=32, choices=UnitKind.choices)
    level = models.CharField("层级", max_length=16, choices=UnitLevel.choices)
    sector = models.CharField("行业", max_length=64, blank=True, help_text="用于利益冲突规则的行业/领域")
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name="监督主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_units",
        help_text="对本单位负监督责任的派驻纪检监察组或乡镇纪委（明确指定，不等于上级单位）",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]

    def __str__(self):
        return self.name

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)


class UnitChange(models.Model):
    """History of a unit: creation, renames, moves, supervisor changes, deactivation."""

    class Kind(models.TextChoices):
        CREATED = "created", "设立"
        RENAMED = "renamed", "更名"
        MOVED = "moved", "调整隶属"
        SUPERVISOR = "supervisor", "调整监督主体"
        UPDATED = "updated", "修改信息"
        DEACTIVATED = "deactivated", "撤销"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField("变更类型", max_length=16, choices=Kind.choices)
    before = models.JSONField("变更前", default=dict)
    after = models.JSONField("变更后", default=dict)
    reason = models.CharField("变更事由", max_length=255, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "单位变更记录"
        verbose_name_plural = "单位变更记录"
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.unit} {self.get_kind_display()} {self.changed_at:%Y-%m-%d}"
