from django import forms

from qinglian.documents.models import Document


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label="标题或文号", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"class": "form-control", "placeholder": "标题或发文字号"})


class NoticeForm(forms.Form):
    """A test notice (通知), so that the document pipeline can be tried from the browser."""

    issuing_unit = forms.ModelChoiceField(
        label="发文单位", queryset=None, error_messages={"invalid_choice": "请选择您有权发文的单位"}
    )
    number_prefix = forms.CharField(
        label="发文机关代字",
        max_length=20,
        required=False,
        help_text="例如“甲纪”，填写后自动编发文字号；不填则不编号",
    )
    title = forms.CharField(label="标题", max_length=120, help_text="例如“关于开展廉政教育月活动的通知”")
    addressee = forms.CharField(label="主送机关", max_length=200, required=False)
    body = forms.CharField(
        label="正文",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="每段一行，段首不必空格",
    )
    cc = forms.CharField(label="抄送", max_length=200, required=False)
    red_header = forms.BooleanField(label="使用红头", required=False, initial=True)
    formats = forms.MultipleChoiceField(
        label="格式",
        choices=Document.Format.choices,
        initial=["docx", "pdf"],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一种格式"},
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = units
        self.fields["title"].error_messages["required"] = "请填写标题"
        self.fields["body"].error_messages["required"] = "请填写正文"
        for name, f in self.fields.items():
            if name in ("red_header", "formats"):
                f.widget.attrs["class"] = "form-check-input"
            else:
                f.widget.attrs["class"] = (
                    "form-select" if isinstance(f.widget, forms.Select) else "form-control"
                )

    def clean_body(self):
        paragraphs = [line.strip() for line in self.cleaned_data["body"].splitlines() if line.strip()]
        if not paragraphs:
            raise forms.ValidationError("请填写正文")
        return paragraphs
