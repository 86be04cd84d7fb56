"""Forms of the registries pages: parse input only; the services validate and write."""

from __future__ import annotations

from django import forms

from qinglian.registries.models import SourceKind
from qinglian.registries.schema import KIND_FIELDS, _norm_header
from qinglian.taskforce.models import Agency


def parse_column_map(kind: str, text: str) -> dict:
    """Lines "文件表头=标准表头" (or "=字段代码") → {file header: field}. Raises ValidationError."""
    names = {}
    for f in KIND_FIELDS.get(kind, []):
        names[f.name] = f.name
        names[_norm_header(f.header)] = f.name
    out, bad = {}, []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        header, sep, target = line.partition("=")
        if not sep:
            header, sep, target = line.partition("＝")
        field = names.get(target.strip()) or names.get(_norm_header(target))
        if not sep or not header.strip() or field is None:
            bad.append(line)
            continue
        out[header.strip()] = field
    if bad:
        raise forms.ValidationError("无法识别的对照行：" + "；".join(bad[:5]) + "（格式：文件表头=标准表头）")
    return out


def column_map_text(source) -> str:
    headers = {f.name: f.header for f in KIND_FIELDS[source.kind]}
    return "\n".join(f"{h}={headers.get(name, name)}" for h, name in (source.column_map or {}).items())


class SourceForm(forms.Form):
    name = forms.CharField(label="数据源名称", max_length=100)
    kind = forms.ChoiceField(label="数据类型", choices=SourceKind.choices)
    agency = forms.ModelChoiceField(
        label="提供单位（专班成员单位）", queryset=Agency.objects.none(), required=False
    )
    agency_name = forms.CharField(
        label="提供单位名称（非专班成员单位时填写）", max_length=100, required=False
    )
    column_map = forms.CharField(
        label="表头对照（可选）", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="文件表头与标准表头不同时，每行写一条：文件表头=标准表头。标准表头和常见别名无需填写。",
    )  # fmt: skip
    note = forms.CharField(
        label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(active=True).order_by("order", "id")

    def clean(self):
        data = super().clean()
        if data.get("kind"):
            try:
                data["column_map"] = parse_column_map(data["kind"], data.get("column_map", ""))
            except forms.ValidationError as exc:
                self.add_error("column_map", exc)
        return data


class ColumnMapForm(forms.Form):
    column_map = forms.CharField(
        label="表头对照", required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="提供单位的表头与标准表头不同时填写，每行一条，格式：文件表头=标准表头（如 主体名称=企业名称）；与标准表头一致的不必填写",
    )  # fmt: skip
    note = forms.CharField(
        label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label="启用", required=False)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean_column_map(self):
        return parse_column_map(self.kind, self.cleaned_data.get("column_map", ""))


class UploadForm(forms.Form):
    data_date = forms.DateField(label="数据日期", widget=forms.DateInput(attrs={"type": "date"}),
                                help_text="提供单位导出数据的日期；新快照替换该数据源的现行快照")  # fmt: skip
    file = forms.FileField(
        label="文件", help_text="CSV（UTF-8 或 GBK）、Excel（.xlsx）或 FollowTheMoney（.jsonl）"
    )


class BuyerMappingForm(forms.Form):
    buyer_name = forms.CharField(label="采购单位名称（数据中的写法）", max_length=200)
    unit_code = forms.CharField(label="对应单位代码", max_length=32)
