from django import forms
from django.core.exceptions import ValidationError

from qinglian.core.services import schedule_parse


class HolidayScheduleForm(forms.Form):
    notice = forms.CharField(
        label="依据文件",
        max_length=255,
        required=False,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）",
        error_messages={"max_length": "依据文件名称过长（不超过255个字）"},
    )
    text = forms.CharField(
        label="放假与调休上班日",
        widget=forms.Textarea(attrs={"rows": 16, "class": "form-control font-monospace"}),
        help_text="每行一条：“2027-01-01 休 元旦”、“2027-10-01~2027-10-07 休 国庆节”、“2027-02-06 班”。"
        "未列出的日期按周一至周五上班、周六周日休息计算。",
        error_messages={"required": "请录入放假日和调休上班日"},
    )

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["notice"].widget.attrs["class"] = "form-control"

    def clean_text(self):
        text = self.cleaned_data["text"]
        try:
            self.cleaned_data["days"] = schedule_parse(year=self.year, text=text)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return text
