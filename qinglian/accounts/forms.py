from django import forms
from django.contrib.auth.forms import AuthenticationForm

from qinglian.accounts.roles import ROLE_CHOICES


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "账号或密码不正确。连续多次输错后账号将被暂时锁定。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "账号"
        self.fields["password"].label = "密码"
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"


class TokenForm(forms.Form):
    token = forms.CharField(
        label="动态验证码",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"class": "form-control ql-mono", "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
        error_messages={
            "required": "请输入6位动态验证码",
            "min_length": "验证码为6位数字",
            "max_length": "验证码为6位数字",
        },
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("验证码为6位数字")
        return token


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label="账号",
        max_length=150,
        regex=r"^[A-Za-z0-9_.-]+$",
        error_messages={"invalid": "账号只能包含字母、数字、下划线、点和短横线"},
    )
    display_name = forms.CharField(label="姓名", max_length=64)
    unit = forms.ModelChoiceField(label="所在单位", queryset=None, required=False)
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput,
        min_length=10,
        help_text="至少10位；用户首次登录后应自行修改",
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=ROLE_CHOICES)
    anchor = forms.ModelChoiceField(
        label="范围单位",
        queryset=None,
        required=False,
        help_text="该角色可查看的单位（含下级）；派驻组角色请选择派驻组本身",
    )
    reason = forms.CharField(
        label="授权事由",
        max_length=255,
        required=False,
        help_text="授予可查阅密封内容的角色时必填，并需安全保密管理员审批",
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anchor"].queryset = units
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="事由",
        max_length=255,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "请填写事由"},
    )
