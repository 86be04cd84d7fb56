from django import forms
from django.core.exceptions import ValidationError

from qinglian.rules import values


class RuleFilterForm(forms.Form):
    q = forms.CharField(label="代码、名称或依据", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"class": "form-control", "placeholder": "代码、名称或依据文件"})


class ParamChangeForm(forms.Form):
    """A new value typed like the parameter's default; the service checks it again."""

    value = forms.CharField(label="新取值", max_length=500)
    effective_from = forms.DateField(
        label="生效日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请填写有效的日期（格式：2026-01-31）", "required": "请填写生效日期"},
    )
    reason = forms.CharField(
        label="调整事由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明依据的文件、会议或决定，将记入审计日志",
        error_messages={"required": "请填写调整事由（例如依据的文件或会议决定）"},
    )

    def __init__(self, *args, kind: str, minimum=None, maximum=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.minimum, self.maximum = kind, minimum, maximum
        self.fields["value"].error_messages["required"] = "请填写新取值"
        hint = f"类型：{values.KIND_LABELS[kind]}"
        if minimum is not None and maximum is not None:
            hint += f"，范围 {minimum} 至 {maximum}"
        elif minimum is not None:
            hint += f"，不小于 {minimum}"
        if kind == values.BOOL:
            hint += "，填写“是”或“否”"
        self.fields["value"].help_text = hint
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"

    def clean_value(self):
        try:
            return values.parse(
                self.kind, self.cleaned_data["value"], minimum=self.minimum, maximum=self.maximum
            )
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
