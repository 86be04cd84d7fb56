"""Forms of the referral area (三办, petition extension, recommendation letters, statistics).
Business rules live in referrals.py and letters.py; these only parse input."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from qinglian.core.workdays import add_working_days
from qinglian.intake import referral_documents
from qinglian.intake.models import Referral
from qinglian.intake.referrals import INFORM_METHODS

DATE = {"type": "date", "class": "form-control"}


def _text(label, *, rows=3, max_length=2000, required=True, help_text=""):
    return forms.CharField(
        label=label, max_length=max_length, required=required, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}),
    )  # fmt: skip


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ReferralForm(forms.Form):
    mode = forms.ChoiceField(
        label="办理方式", choices=Referral.Mode.choices, initial=Referral.Mode.REFER,
        widget=forms.RadioSelect, help_text="领办：本机关直接办理；转办：出具问题转办单交责任单位办理；督办：转办并跟踪督办",
    )  # fmt: skip
    department = UnitChoiceField(
        label="责任单位", queryset=None, required=False, widget=forms.Select(attrs={"class": "form-select"}),
        help_text="领办时可不选（默认本机关）",
    )  # fmt: skip
    matter = _text("转办事项", help_text="写明需要责任单位办理的事项，不写反映人身份信息")
    reply_due = forms.DateField(label="回复期限", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    number_prefix = forms.CharField(
        label="发文机关代字", max_length=20, required=False, help_text="转办单、督办单的发文字号代字，如“甲纪转”",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip

    def __init__(self, *args, departments=None, commission_name="", **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("reply_due", add_working_days(timezone.localdate(), 15).date)
        initial.setdefault("number_prefix", referral_documents.default_prefix(commission_name, "转"))
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class ReplyForm(forms.Form):
    reply = _text("办理回复", rows=3, max_length=5000, help_text="责任单位书面回复的办理结果")


class InformForm(forms.Form):
    how = forms.ChoiceField(
        label="告知方式", required=False, choices=[("", "请选择")] + [(m, m) for m in INFORM_METHODS],
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    message = _text(
        "告知内容/情况", rows=2, required=False, help_text="网上举报件：此内容通过查询码发给反映人"
    )

    def __init__(self, *args, web=False, **kwargs):
        super().__init__(*args, **kwargs)
        if web:
            del self.fields["how"]
            self.fields["message"].label = "告知内容（反映人凭查询码查看）"
            self.fields["message"].required = True


class ExtendForm(forms.Form):
    notice = _text(
        "延期告知内容",
        rows=3,
        help_text="依据《信访工作条例》延长办理期限须告知信访人，写明理由和延长后的期限",
    )


class LetterForm(forms.Form):
    unit = UnitChoiceField(
        label="被建议单位", queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    problems = _text("存在问题", rows=4, max_length=5000)
    recommendations = _text("监察建议", rows=4, max_length=5000)
    rectification_due = forms.DateField(
        label="整改期限", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    number_prefix = forms.CharField(
        label="发文机关代字", max_length=20, required=False, help_text="留空则按发出机关名称自动生成，如“甲纪建”",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip

    def __init__(self, *args, units=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "rectification_due", timezone.localdate() + timedelta(days=60)
        )
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class LetterReportForm(forms.Form):
    report = _text("整改情况报告", rows=4, max_length=10_000)


class LetterReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="验收结论", choices=[("accept", "整改到位，予以验收"), ("return", "整改不到位，退回重新整改")],
        widget=forms.RadioSelect,
    )  # fmt: skip
    note = forms.CharField(
        label="验收意见/退回理由",
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    new_due = forms.DateField(
        label="新的整改期限",
        required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        help_text="退回时必填",
    )


class StatsForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))  # fmt: skip
