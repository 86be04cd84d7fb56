from __future__ import annotations

from django import forms

from qinglian.declarations.models import Declaration


class SearchForm(forms.Form):
    q = forms.CharField(label="姓名、拼音或单位", max_length=50, required=False)
    year = forms.IntegerField(label="报告年度", min_value=2000, max_value=2100, required=False,
                              error_messages={"invalid": "请填写年份，如 2025"})  # fmt: skip
    status = forms.ChoiceField(label="年度报告", required=False, choices=[
        ("", "全部"), ("submitted", "已提交"), ("draft", "填报中"), ("missing", "未填报")])  # fmt: skip
    kind = forms.ChoiceField(
        label="报告类型", required=False, choices=[("", "全部"), *Declaration.Kind.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-select form-select-sm" if isinstance(f.widget, forms.Select)
                                      else "form-control form-control-sm")  # fmt: skip


class StartForm(forms.Form):
    kind = forms.ChoiceField(label="报告类型", choices=Declaration.Kind.choices)
    reason = forms.CharField(label="变化事由（事项变化报告填写）", max_length=500, required=False,
                             widget=forms.TextInput(attrs={"class": "form-control"}))  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("kind") == Declaration.Kind.CHANGE and not (data.get("reason") or "").strip():
            self.add_error("reason", "请填写变化事由")
        return data
