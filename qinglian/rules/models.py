"""The rule registry's tables.

A `Rule` is declared in code (an app's `rules.py`) and mirrored here so that its parameters can
be changed by an administrator. A `RuleParameter` row is one value of one parameter from one date
on; a change is a new row, never an update, so that any decision can be re-explained with the
rule as it stood (and as it was known) on the day (RULES.md, "three habits").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from qinglian.rules import values
from qinglian.rules.registry import Citation


class Rule(models.Model):
    code = models.CharField("规则代码", max_length=100, unique=True)
    name = models.CharField("规则名称", max_length=200)
    regulation = models.CharField("依据文件", max_length=200)
    regulation_year = models.PositiveSmallIntegerField("文件年份", null=True, blank=True)
    article = models.CharField("条款", max_length=100, blank=True)
    description = models.TextField("说明", blank=True)
    unsettled = models.BooleanField(
        "依据待核实", default=False, help_text="默认值来自地方规定或未公开文本，尚待核实"
    )
    owner = models.CharField("所属模块", max_length=50)

    class Meta:
        verbose_name = "规则"
        verbose_name_plural = "规则"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def citation(self) -> str:
        """E.g. 《公职人员政务处分法》（2020年）第八条."""
        return Citation(self.regulation, self.regulation_year, self.article).text


class RuleParameterQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("规则参数的历史只能追加，不能修改")

    def delete(self):
        raise PermissionError("规则参数的历史只能追加，不能删除")


class RuleParameter(models.Model):
    rule = models.ForeignKey(Rule, verbose_name="规则", on_delete=models.PROTECT, related_name="parameters")
    key = models.CharField("参数", max_length=64)
    kind = models.CharField("类型", max_length=8, choices=[(k, values.KIND_LABELS[k]) for k in values.KINDS])
    value = models.JSONField("取值")
    effective_from = models.DateField("生效日期")
    recorded_at = models.DateTimeField("登记时间", db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField("调整事由", max_length=500)
    # A default shipped with the code stands for the regulation itself: it counts as known on any
    # day (`known_on`), including days before this installation recorded it.
    is_default = models.BooleanField("随程序发布的默认值", default=False)

    objects = RuleParameterQuerySet.as_manager()

    class Meta:
        verbose_name = "规则参数"
        verbose_name_plural = "规则参数"
        ordering = ["rule", "key", "-effective_from", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["rule", "key", "effective_from", "recorded_at"])]

    def __str__(self):
        return f"{self.rule.code}.{self.key}={self.value}（{self.effective_from}起）"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("规则参数的历史只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("规则参数的历史只能追加，不能删除")

    @property
    def typed_value(self):
        return values.from_json(self.kind, self.value)

    @property
    def display_value(self) -> str:
        return values.display(self.kind, self.typed_value)
