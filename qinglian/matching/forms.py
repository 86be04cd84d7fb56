from __future__ import annotations

from django import forms

from qinglian.matching.models import LinkDecision, MatchRun


class NoteForm(forms.Form):
    note = forms.CharField(
        label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="决定", choices=LinkDecision.Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label="理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="写明核对了哪些信息（如户籍、工商档案）")  # fmt: skip


class RunForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=MatchRun.Kind.choices, initial=MatchRun.Kind.INCREMENTAL)


class SectorForm(forms.Form):
    industry_prefix = forms.CharField(
        label="行业代码（前缀）", max_length=5, help_text="GB/T 4754 门类字母或数字代码前缀，如 E、47、4710"
    )
    sector = forms.CharField(label="业务领域", max_length=64, help_text="与单位的“行业”一致")
    note = forms.CharField(label="说明", max_length=200, required=False)


class RegionForm(forms.Form):
    unit_code = forms.CharField(label="单位代码", max_length=32, help_text="本系统单位信息中的单位代码")
    region_code = forms.CharField(
        label="行政区划代码（前缀）", max_length=6, help_text="GB/T 2260，2、4或6位数字，如 33、3301、330106"
    )
