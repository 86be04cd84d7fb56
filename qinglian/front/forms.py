"""Forms of the public pages. Limits match `intake.services.report_create` (checked again there)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from qinglian.front.models import FrontUnit

# The same values as intake.models.ProblemType (a test keeps them equal); the public front has no
# intake app to import them from.
PROBLEM_TYPES = [
    ("", "请选择（不确定可不选）"),
    ("political", "违反政治纪律"),
    ("organisational", "违反组织纪律"),
    ("integrity", "违反廉洁纪律"),
    ("masses", "违反群众纪律"),
    ("work", "违反工作纪律"),
    ("life", "违反生活纪律"),
    ("four_winds", "四风问题"),
    ("business_relations", "亲清政商关系问题"),
    ("admin_power", "行政权力运行问题"),
    ("petty_corruption", "群众身边腐败和作风问题"),
    ("not_discipline", "非纪检监察业务（诉求、建议等）"),
    ("other", "其他"),
]
PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,19}$")


def _text(label, *, max_length=100, required=False, **kw):
    return forms.CharField(
        label=label, max_length=max_length, required=required, strip=True,
        error_messages={"max_length": f"{label}不能超过 %(limit_value)d 个字", "required": f"请填写{label}"},
        **kw,
    )  # fmt: skip


class ReportForm(forms.Form):
    unit = forms.ChoiceField(label="向哪里反映", required=False)
    mode = forms.ChoiceField(
        label="举报方式", choices=[("anonymous", "匿名举报"), ("real", "实名举报")], initial="anonymous",
        widget=forms.RadioSelect, error_messages={"invalid_choice": "请选择实名或匿名"},
    )  # fmt: skip
    reporter_name = _text("您的姓名")
    reporter_unit = _text("您的单位")
    reporter_phone = _text("联系电话", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    subject_name = _text("被反映人姓名")
    subject_unit = _text("被反映人单位")
    subject_post = _text("被反映人职务")
    problem_type = forms.ChoiceField(
        label="问题类别", choices=PROBLEM_TYPES, required=False,
        error_messages={"invalid_choice": "问题类别无效"},
    )  # fmt: skip
    facts = _text("反映的问题", max_length=10_000, required=True,
                  widget=forms.Textarea(attrs={"rows": 6, "placeholder": "请写明什么人、什么时间、什么地点、做了什么事，有哪些证据"}))  # fmt: skip
    when = _text("发生时间")
    where = _text("发生地点")
    challenge = _text(
        "验证题", max_length=4, required=True, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    challenge_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=120)

    def __init__(self, *args, preselected: FrontUnit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        units = list(FrontUnit.objects.filter(listed=True))
        if preselected is not None and preselected not in units:
            units.insert(0, preselected)
        self.fields["unit"].choices = [("", "不确定（由纪委监委分送）")] + [(u.code, u.name) for u in units]
        self.fields["unit"].error_messages["invalid_choice"] = "所选受理机关无效，请重新选择"
        if preselected is not None:
            self.fields["unit"].initial = preselected.code
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Select) and not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-select"
            elif not isinstance(field.widget, forms.RadioSelect | forms.HiddenInput):
                field.widget.attrs["class"] = "form-control"
            if name == "mode":
                field.widget.attrs["class"] = "form-check-input"

    def clean_facts(self):
        facts = self.cleaned_data["facts"]
        if len(facts) < 10:
            raise ValidationError("请把反映的问题写具体一些（至少 10 个字）")
        return facts

    def clean_reporter_phone(self):
        phone = self.cleaned_data["reporter_phone"]
        if phone and not PHONE.match(phone):
            raise ValidationError("联系电话格式不正确")
        return phone

    def clean(self):
        data = super().clean()
        if data.get("mode") == "real":
            if not (data.get("reporter_name") or data.get("reporter_unit")):
                self.add_error("reporter_name", "实名举报请填写您的姓名或单位")
            if not data.get("reporter_phone") and "reporter_phone" not in self.errors:
                self.add_error("reporter_phone", "实名举报须留下联系电话；不愿留电话的，可以选择匿名举报")
        return data

    def report(self) -> dict:
        d = self.cleaned_data
        real = d["mode"] == "real"
        return {
            "unit": d.get("unit") or "",
            "problem_type": d.get("problem_type") or "other",
            "content": {k: d.get(k, "") for k in ("subject_name", "subject_unit", "subject_post", "facts", "when", "where")},
            "identity": {"name": d["reporter_name"], "unit": d["reporter_unit"], "phone": d["reporter_phone"]}
            if real else None,
        }  # fmt: skip


class CodeForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=80, strip=True,
                           error_messages={"required": "请输入查询码", "max_length": "查询码格式不正确"})  # fmt: skip


class ReplyForm(CodeForm):
    body = _text("补充说明", max_length=2000, required=True, widget=forms.Textarea(attrs={"rows": 4}))
