"""Forms of the appointment pages: they parse input; the services validate and decide."""

from __future__ import annotations

from django import forms

from qinglian.appointments.models import ReviewResult
from qinglian.people.models import PostLevel


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f.widget, forms.Select) and not isinstance(f.widget, forms.RadioSelect):
                f.widget.attrs.setdefault("class", "form-select")
            elif not isinstance(f.widget, forms.RadioSelect | forms.HiddenInput):
                f.widget.attrs.setdefault("class", "form-control")


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(_Styled):
    unit = forms.ModelChoiceField(label="任职单位", queryset=None, empty_label="请选择")
    post_title = forms.CharField(label="拟任职务", max_length=100)
    post_level = forms.ChoiceField(label="职务层级", choices=PostLevel.choices)
    reason = forms.CharField(label="动议事由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class StageForm(_Styled):
    held_on = forms.DateField(label="日期", required=False, widget=_date_widget())
    ends_on = forms.DateField(label="截止日期", required=False, widget=_date_widget())
    participants = forms.CharField(label="参加人员", required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    decided_by = forms.CharField(label="决定人/决定机关", required=False, max_length=200)
    result = forms.CharField(
        label="结果", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    findings = forms.CharField(label="考察发现", required=False, max_length=10000,
                               widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class FileReviewForm(_Styled):
    reviewer = forms.CharField(label="审核人姓名", max_length=64)
    reviewed_on = forms.DateField(label="审核日期", widget=_date_widget())
    passed = forms.TypedChoiceField(label="审核结论", choices=[("1", "未发现问题"), ("0", "发现问题")],
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect)  # fmt: skip
    note = forms.CharField(label="审核意见（发现问题时必填）", required=False, max_length=500)


class ComplaintForm(_Styled):
    channel = forms.ChoiceField(label="来源", choices=[("letter", "来信"), ("visit", "来访"), ("phone", "电话"),
                                                       ("sms", "短信")])  # fmt: skip
    received_on = forms.DateField(label="收到日期", widget=_date_widget())
    facts = forms.CharField(label="反映的问题", max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))
    reporter_name = forms.CharField(label="反映人姓名（可不填）", required=False, max_length=100)
    reporter_phone = forms.CharField(label="反映人电话（可不填）", required=False, max_length=100)


class ReasonForm(_Styled):
    reason = forms.CharField(label="理由", max_length=500)


class UploadForm(_Styled):
    file = forms.FileField(label="材料（PDF、Word、JPG、PNG）")


class ReviewForm(_Styled):
    unit = forms.ModelChoiceField(label="报告单位", queryset=None, empty_label="请选择")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    reported_on = forms.DateField(label="报告日期", widget=_date_widget())
    participants = forms.IntegerField(label="参加评议人数", min_value=1, max_value=100000)
    report_summary = forms.CharField(
        label="工作报告摘要", max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ResultForm(_Styled):
    kind = forms.ChoiceField(label="评议事项", choices=ReviewResult.Kind.choices)
    target = forms.CharField(label="单位或干部", max_length=40, help_text="u单位编号 或 c干部编号")
    good = forms.IntegerField(label="满意（认可）", min_value=0)
    fair = forms.IntegerField(label="基本满意（基本认可）", min_value=0)
    poor = forms.IntegerField(label="不满意（不认可）", min_value=0)
    unknown = forms.IntegerField(label="不了解", min_value=0)
