from __future__ import annotations

from django import forms

from qinglian.taskforce.access import AGGREGATES
from qinglian.taskforce.models import Agency


class AgencyForm(forms.Form):
    code = forms.CharField(label="代码", max_length=40, help_text="小写字母、数字、下划线，如 shenji")
    name = forms.CharField(label="名称", max_length=100)
    tier = forms.ChoiceField(label="类别", choices=Agency.Tier.choices)
    unit = forms.TypedChoiceField(label="对应单位", required=False, coerce=int, empty_value=None,
                                  help_text="成员单位在单位库中的对应单位：报送的记录以其为来源单位，待办派给该单位")  # fmt: skip
    order = forms.IntegerField(label="排序", min_value=0, max_value=30000, initial=100)
    active = forms.BooleanField(label="在册", required=False, initial=True)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "（未指定）")] + [(u.pk, u.name) for u in units]


class SharingForm(forms.Form):
    row_types = forms.MultipleChoiceField(label="可查阅的信息类型", required=False,
                                          widget=forms.CheckboxSelectMultiple)  # fmt: skip
    aggregates = forms.MultipleChoiceField(label="可查阅的汇总数据", required=False, choices=list(AGGREGATES.items()),
                                           widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, row_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["row_types"].choices = [(t.code, t.name) for t in row_types]


class MemberForm(forms.Form):
    username = forms.CharField(
        label="账号", max_length=150, help_text="已由系统管理员授予“专班成员单位”角色的账号"
    )


class TokenForm(forms.Form):
    name = forms.CharField(label="令牌用途", max_length=100)


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销事由", max_length=255)


class RowTypeForm(forms.Form):
    code = forms.CharField(label="代码", max_length=40)
    name = forms.CharField(label="名称", max_length=60)
    kind_code = forms.ChoiceField(label="档案记录类型")
    counts = forms.BooleanField(label="可作为对干部的负面信息（不勾选：仅作信息，如民事诉讼当事人、信访人）",
                                required=False, initial=True)  # fmt: skip
    active = forms.BooleanField(label="启用", required=False, initial=True)
    order = forms.IntegerField(label="排序", min_value=0, max_value=30000, initial=100)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind_code"].choices = [(k.code, f"{k.name}（{k.code}）") for k in kinds]


class UploadForm(forms.Form):
    month = forms.CharField(label="所属月份", max_length=7, help_text="YYYY-MM，如 2026-10",
                            widget=forms.TextInput(attrs={"type": "month"}))  # fmt: skip
    file = forms.FileField(label="月报表文件（.xlsx）")
