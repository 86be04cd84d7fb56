from django import forms

from qinglian.workitems.selectors import FILTERS


class FilterForm(forms.Form):
    show = forms.ChoiceField(
        label="范围",
        choices=list(FILTERS.items()),
        required=False,
        error_messages={"invalid_choice": "筛选条件无效，请从“办理中、已逾期、已办结、督办”中选择"},
    )


class CompleteForm(forms.Form):
    note = forms.CharField(
        label="办结说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"max_length": "办结说明过长（不超过2000个字）"},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="撤销理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": "请填写撤销理由", "max_length": "撤销理由过长（不超过2000个字）"},
    )


class MarkReadForm(forms.Form):
    notification = forms.IntegerField(required=False, min_value=1, error_messages={"invalid": "通知编号无效"})
