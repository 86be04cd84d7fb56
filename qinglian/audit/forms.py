from django import forms


class EventFilterForm(forms.Form):
    username = forms.CharField(label="操作人账号", max_length=150, required=False)
    person_id = forms.IntegerField(
        label="涉及人员编号",
        required=False,
        min_value=1,
        error_messages={"invalid": "人员编号必须是正整数", "min_value": "人员编号必须是正整数"},
    )
    action = forms.CharField(label="动作", max_length=64, required=False, help_text="按前缀匹配，如 audit.")
    date_from = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "起始日期格式应为 年-月-日"},
    )
    date_to = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "截止日期格式应为 年-月-日"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return data

    def filters(self) -> dict:
        """Keyword arguments for selectors.event_list (call after is_valid())."""
        data = self.cleaned_data
        return {
            "username": data.get("username", "").strip(),
            "person_id": data.get("person_id"),
            "action": data.get("action", "").strip(),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class ExportForm(EventFilterForm):
    """The filter (carried as hidden fields) plus the reason the export needs."""

    reason = forms.CharField(
        label="导出事由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写导出事由。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("username", "person_id", "action", "date_from", "date_to"):
            self.fields[name].widget = forms.HiddenInput()

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("请填写导出事由。")
        return reason
