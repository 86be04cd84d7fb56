from __future__ import annotations

from django import forms
from django.utils import timezone

from qinglian.spotchecks.agencies import AGENCY_CHOICES
from qinglian.spotchecks.models import SpotCheck
from qinglian.spotchecks.services import HANDLING


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f.widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.HiddenInput):
                continue
            if isinstance(f.widget, forms.Select):
                f.widget.attrs.setdefault("class", "form-select")
            else:
                f.widget.attrs.setdefault("class", "form-control")


class RoundForm(_Styled):
    year = forms.IntegerField(label="抽查年度", min_value=2000, max_value=2100)
    scope_unit = forms.ChoiceField(label="抽查范围")

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_unit"].choices = [(u.pk, u.name) for u in units]
        self.fields["year"].initial = timezone.localdate().year


class ReasonForm(_Styled):
    reason = forms.CharField(label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class TargetedForm(_Styled):
    id_number = forms.CharField(label="干部身份证号", max_length=18, required=False,
                                help_text="按身份证号准确匹配；也可以从廉洁意见申请批量发起")  # fmt: skip
    source = forms.ChoiceField(label="核查原因", choices=[("promotion", "拟提拔人选（凡提必核）"),
                               ("complaint", "信访举报反映"), ("other", "其他")])  # fmt: skip
    reference = forms.CharField(
        label="关联编号", max_length=60, required=False, help_text="如信访件编号、纪实编号"
    )
    reason = forms.CharField(label="核查事由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class OpinionChecksForm(_Styled):
    opinion = forms.ChoiceField(label="廉洁意见申请（提拔、重用、后备）")

    def __init__(self, *args, opinions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinion"].choices = [(o.pk, f"{o.title}（{o.as_of:%Y-%m-%d}）") for o in opinions]


class RequestForm(_Styled):
    agency = forms.ChoiceField(label="查询机构", choices=AGENCY_CHOICES)
    reason = forms.CharField(label="查询事由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    checks = forms.MultipleChoiceField(label="核查对象", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, checks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checks"].choices = [
            (c.pk, f"{c.cadre.name}（{c.unit.name}，{c.get_kind_display()}）") for c in checks
        ]


class ImportForm(_Styled):
    file = forms.FileField(label="查询结果（.xlsx）")


class DecideForm(_Styled):
    result = forms.ChoiceField(label="认定结果", choices=SpotCheck.Result.choices)
    handling = forms.MultipleChoiceField(label="处理方式", choices=list(HANDLING.items()), required=False,
                                         widget=forms.CheckboxSelectMultiple)  # fmt: skip
    decider_name = forms.CharField(label="认定人（姓名、职务）", max_length=100)
    change_reason = forms.CharField(label="改变系统建议的理由", max_length=500, required=False)
    note = forms.CharField(
        label="认定意见", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExplainForm(_Styled):
    text = forms.CharField(label="说明", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text="请逐项说明不一致的原因，如实说明")  # fmt: skip
