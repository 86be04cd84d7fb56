from django import forms

from qinglian.accounts.models import User
from qinglian.people.models import Unit


class TokenIssueForm(forms.Form):
    name = forms.CharField(label="用途", max_length=100, help_text="例如：县审计局月报表接口")
    user = forms.ModelChoiceField(label="接口账号", queryset=User.objects.none())
    unit = forms.ModelChoiceField(
        label="限定单位", queryset=Unit.objects.none(), required=False, help_text="令牌只能访问该单位及其下级"
    )
    expires_at = forms.DateTimeField(
        label="过期时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="留空表示长期有效（可随时撤销）",
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_integration=True, is_active=True).order_by(
            "username"
        )
        self.fields["unit"].queryset = units
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
