"""The structured items of a personal-matters report (领导干部报告个人有关事项规定 2017, Arts 3-4).

Fourteen kinds: eight family items (Art 3) and six property items (Art 4). Each kind lists its
fields; `key` names the fields that identify a row when a spot check compares it with an agency's
return (real estate by address, securities by account, a business by credit code, a passport by
number, relatives by relation and name), `values` the fields compared within tolerances.

A row is validated by a form built from its kind. Two levels: a draft refuses impossible values
(negative areas or amounts, a share over 100%, a date in the future, a malformed passport number
or credit code) but accepts empty fields; submitting also requires every required field.
Stored data are plain JSON: text, ISO dates, decimals as strings ("98.50", share "100").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

FAMILY = "family"
PROPERTY = "property"

RELATIONS = [("spouse", "配偶"), ("child", "子女"), ("child_spouse", "子女配偶")]
SPOUSE_OR_CHILD = [("spouse", "配偶"), ("child", "子女")]
OWNERS = [("self", "本人"), ("spouse", "配偶"), ("child", "共同生活的子女")]

# 统一社会信用代码 (GB 32100-2015): 18 characters, the last a MOD 31 check character.
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Ordinary passports: E + 8 digits, E + letter (not I/O) + 7 digits (2012 onwards), G + 8 digits.
PASSPORT_RE = re.compile(r"^(E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8})$")
# 往来港澳通行证 C..., 往来台湾通行证 L... (older booklets T...): letter + 8 characters.
PERMIT_RE = re.compile(r"^[CLT][0-9A-HJ-NP-Z][0-9]{7}$")

MONEY_MAX = Decimal("1000000000000")
AREA_MAX = Decimal("1000000")


def credit_code_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in CREDIT_CHARS for c in code):
        return False
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31] == code[17]


def decimal_text(value: Decimal, places: int | None) -> str:
    """A decimal as plain text: fixed places ("98.50"), or without trailing zeros ("100", "33.3")."""
    if places is not None:
        return f"{value.quantize(Decimal(1).scaleb(-places)):f}"
    text = f"{value.normalize():f}"
    return text


@dataclass(frozen=True)
class F:
    """One field of an item row."""

    name: str
    label: str
    type: str = "text"  # text, choice, date, money, area, share, count, passport, permit, credit_code
    required: bool = True
    choices: tuple = ()
    max_length: int = 100
    future_ok: bool = False  # dates: an expiry date may lie ahead


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    group: str
    fields: tuple[F, ...]
    key: tuple[str, ...]
    values: tuple[str, ...]
    hint: str = ""
    summary: tuple[str, ...] = field(default_factory=tuple)  # fields shown in a one-line label

    def field(self, name: str) -> F:
        return next(f for f in self.fields if f.name == name)


def _name(name="name", label="姓名", **kw):
    return F(name, label, max_length=32, **kw)


KINDS: dict[str, Kind] = {
    k.code: k
    for k in [
        Kind("marriage", "本人婚姻情况", FAMILY, (
            F("status", "婚姻状况", "choice", choices=(("married", "已婚"), ("unmarried", "未婚"),
                                                   ("divorced", "离异"), ("widowed", "丧偶"))),
            _name("spouse_name", "配偶姓名", required=False),
            F("changed_on", "婚姻状况变化日期", "date", required=False),
        ), ("spouse_name",), ("status", "changed_on"), "已婚的请填写配偶姓名；报告期内婚姻状况有变化的请填写变化日期。",
            ("status", "spouse_name")),
        Kind("passport", "本人持有普通护照及因私出国情况", FAMILY, (
            F("number", "护照号码", "passport", max_length=9),
            F("issued_on", "签发日期", "date"),
            F("expires_on", "有效期至", "date", future_ok=True),
            F("custody", "保管机构", required=False),
            F("trips", "报告期内因私出国次数", "count", required=False),
        ), ("number",), ("issued_on", "expires_on", "trips"), "护照号码如 E12345678 或 EA1234567。", ("number",)),
        Kind("hkmt_permit", "本人持有往来港澳台通行证及因私往来港澳台情况", FAMILY, (
            F("permit_type", "证件种类", "choice", choices=(("hk_macau", "往来港澳通行证"), ("taiwan", "往来台湾通行证"))),
            F("number", "证件号码", "permit", max_length=9),
            F("issued_on", "签发日期", "date"),
            F("expires_on", "有效期至", "date", future_ok=True),
            F("trips", "报告期内因私往来次数", "count", required=False),
        ), ("number",), ("permit_type", "issued_on", "expires_on", "trips"), "证件号码如 C12345678。",
            ("permit_type", "number")),
        Kind("child_foreign_spouse", "子女与外国人、无国籍人通婚情况", FAMILY, (
            _name("child_name", "子女姓名"),
            F("spouse_name", "子女配偶姓名", max_length=64),
            F("spouse_nationality", "子女配偶国籍（无国籍的填“无国籍”）", max_length=32),
            F("married_on", "登记结婚日期", "date"),
        ), ("child_name", "spouse_name"), ("spouse_nationality", "married_on"), "", ("child_name", "spouse_name")),
        Kind("child_hkmt_spouse", "子女与港澳以及台湾居民通婚情况", FAMILY, (
            _name("child_name", "子女姓名"),
            F("spouse_name", "子女配偶姓名", max_length=64),
            F("spouse_region", "子女配偶所在地区", "choice", choices=(("hk", "香港"), ("macau", "澳门"), ("taiwan", "台湾"))),
            F("married_on", "登记结婚日期", "date"),
        ), ("child_name", "spouse_name"), ("spouse_region", "married_on"), "", ("child_name", "spouse_name")),
        Kind("family_abroad", "配偶、子女移居国（境）外或连续在国（境）外工作、生活一年以上的情况", FAMILY, (
            F("relation", "关系", "choice", choices=tuple(SPOUSE_OR_CHILD)),
            _name(),
            F("country", "所在国家（地区）", max_length=32),
            F("status", "情形", "choice", choices=(("emigrated", "已移居国（境）外"), ("resident", "连续在国（境）外工作、生活一年以上"))),
            F("since", "起始日期", "date"),
        ), ("relation", "name"), ("country", "status", "since"), "", ("relation", "name", "country")),
        Kind("family_jobs", "配偶、子女及其配偶从业情况", FAMILY, (
            F("relation", "关系", "choice", choices=tuple(RELATIONS)),
            _name(),
            F("employer", "工作单位", max_length=100),
            F("credit_code", "工作单位统一社会信用代码", "credit_code", required=False, max_length=18),
            F("job", "职务/职业", required=False),
        ), ("relation", "name"), ("employer", "credit_code", "job"), "无工作的填写“无”。", ("relation", "name", "employer")),
        Kind("family_prosecution", "配偶、子女及其配偶被追究刑事责任的情况", FAMILY, (
            F("relation", "关系", "choice", choices=tuple(RELATIONS)),
            _name(),
            F("charge", "涉嫌罪名或罪名", max_length=64),
            F("stage", "所处阶段", "choice", choices=(("investigation", "侦查"), ("prosecution", "审查起诉"),
                                                  ("trial", "审判"), ("sentenced", "已判决"))),
            F("on", "立案或判决日期", "date"),
        ), ("relation", "name"), ("charge", "stage", "on"), "", ("relation", "name", "charge")),
        Kind("salary", "本人工资及各类奖金、津贴、补贴等", PROPERTY, (
            F("source", "发放单位", max_length=100),
            F("amount", "年度合计金额（元）", "money"),
        ), ("source",), ("amount",), "", ("source", "amount")),
        Kind("fees", "本人从事讲学、写作、咨询、审稿、书画等劳务所得", PROPERTY, (
            F("fee_type", "劳务类别", "choice", choices=(("lecture", "讲学"), ("writing", "写作"), ("consulting", "咨询"),
                                                     ("review", "审稿"), ("art", "书画"), ("other", "其他"))),
            F("payer", "支付单位或个人", max_length=100),
            F("amount", "金额（元）", "money"),
        ), ("fee_type", "payer"), ("amount",), "", ("fee_type", "payer", "amount")),
        Kind("real_estate", "本人、配偶、共同生活的子女为所有权人或者共有人的房产情况", PROPERTY, (
            F("owner", "产权人", "choice", choices=tuple(OWNERS)),
            F("address", "房产地址", max_length=200),
            F("use", "房产性质", "choice", choices=(("residential", "住宅"), ("commercial", "商业用房"), ("garage", "车库"),
                                                ("parking", "车位"), ("storeroom", "储藏室"), ("other", "其他"))),
            F("area", "建筑面积（平方米）", "area"),
            F("share", "所占份额（%）", "share"),
            F("acquired_on", "取得日期", "date", required=False),
        ), ("address",), ("area", "share", "use", "owner"), "共有房产按本人家庭所占份额填写，全部所有填 100。",
            ("address", "area")),
        Kind("securities", "本人、配偶、共同生活的子女投资或者以其他方式持有股票、基金、投资型保险的情况", PROPERTY, (
            F("owner", "持有人", "choice", choices=tuple(OWNERS)),
            F("security_type", "类别", "choice", choices=(("stock", "股票"), ("fund", "基金"), ("insurance", "投资型保险"))),
            F("account", "证券账户、基金账户或保单号", max_length=64),
            F("amount", "填报前一交易日市值或累计缴纳保费（元）", "money"),
        ), ("account",), ("amount", "security_type", "owner"), "", ("security_type", "account", "amount")),
        Kind("family_business", "配偶、子女及其配偶经商办企业的情况", PROPERTY, (
            F("relation", "关系", "choice", choices=tuple(RELATIONS)),
            _name(),
            F("business_name", "企业或其他市场主体名称", max_length=100),
            F("credit_code", "统一社会信用代码", "credit_code", max_length=18),
            F("share", "出资或持股比例（%）", "share", required=False),
            F("role", "担任职务", required=False),
        ), ("credit_code",), ("business_name", "share", "relation", "name"), "", ("name", "business_name")),
        Kind("overseas_assets", "本人、配偶、共同生活的子女在国（境）外的存款和投资情况", PROPERTY, (
            F("owner", "所有人", "choice", choices=tuple(OWNERS)),
            F("asset_type", "类别", "choice", choices=(("deposit", "存款"), ("investment", "投资"))),
            F("country", "所在国家（地区）", max_length=32),
            F("account", "账号或投资标的", max_length=64),
            F("currency", "币种", max_length=16),
            F("amount", "金额（原币）", "money"),
        ), ("account",), ("amount", "currency", "country", "asset_type"), "", ("asset_type", "country", "amount")),
    ]
}  # fmt: skip

FAMILY_KINDS = tuple(k for k, v in KINDS.items() if v.group == FAMILY)
PROPERTY_KINDS = tuple(k for k, v in KINDS.items() if v.group == PROPERTY)
KIND_CHOICES = [(k.code, k.label) for k in KINDS.values()]
KIND_ORDER = {code: i for i, code in enumerate(KINDS)}


# --- validation --------------------------------------------------------------------------------


def _decimal(raw: str, label: str) -> Decimal:
    try:
        value = Decimal(raw.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise ValidationError(f"{label}请填写数字") from None
    if not value.is_finite():
        raise ValidationError(f"{label}请填写有限的数字")
    return value


def clean_value(spec: F, raw: str, *, today: date):
    """Check one non-empty raw value; return its stored JSON form. Raises ValidationError in Chinese."""
    raw = raw.strip()
    if len(raw) > max(spec.max_length, 32):
        raise ValidationError(f"{spec.label}不能超过{spec.max_length}个字")
    t = spec.type
    if t == "choice":
        if raw not in dict(spec.choices):
            raise ValidationError(f"请选择有效的{spec.label}")
        return raw
    if t == "date":
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(f"{spec.label}请按“年-月-日”填写，如 2025-06-30") from None
        if value.year < 1900:
            raise ValidationError(f"{spec.label}不能早于1900年")
        if not spec.future_ok and value > today:
            raise ValidationError(f"{spec.label}不能晚于今天")
        return value.isoformat()
    if t in ("money", "area", "share"):
        value = _decimal(raw, spec.label)
        if value < 0:
            word = {"money": "金额", "area": "面积", "share": "份额"}[t]
            raise ValidationError(f"{word}不能为负数")
        if t == "share":
            if value > 100:
                raise ValidationError("份额不能超过100%")
            if value == 0:
                raise ValidationError("份额应大于0")
            if value != value.quantize(Decimal("0.01")):
                raise ValidationError("份额最多保留两位小数")
            return decimal_text(value, None)
        if t == "area":
            if value == 0:
                raise ValidationError("面积应大于0")
            if value > AREA_MAX:
                raise ValidationError("面积过大，请核对单位（平方米）")
        if t == "money" and value > MONEY_MAX:
            raise ValidationError("金额过大，请核对单位（元）")
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError(f"{spec.label}最多保留两位小数")
        return decimal_text(value, 2)
    if t == "count":
        if not re.fullmatch(r"-?[0-9]+", raw):
            raise ValidationError(f"{spec.label}请填写整数")
        value = int(raw)
        if value < 0:
            raise ValidationError(f"{spec.label}不能为负数")
        if value > 1000:
            raise ValidationError(f"{spec.label}过大，请核对")
        return value
    if t == "passport":
        number = raw.upper()
        if not PASSPORT_RE.match(number):
            raise ValidationError("护照号码格式不正确（应为E或G开头的9位，如 E12345678、EA1234567）")
        return number
    if t == "permit":
        number = raw.upper()
        if not PERMIT_RE.match(number):
            raise ValidationError("通行证号码格式不正确（应为C、L或T开头的9位，如 C12345678）")
        return number
    if t == "credit_code":
        code = raw.upper()
        if len(code) != 18:
            raise ValidationError("统一社会信用代码应为18位")
        if not credit_code_valid(code):
            raise ValidationError("统一社会信用代码格式或校验位不正确，请核对")
        return code
    if "\x00" in raw:
        raise ValidationError(f"{spec.label}含有无效字符")
    return raw


def clean_row(kind: Kind, raw: dict, *, strict: bool, today: date | None = None) -> tuple[dict, dict]:
    """(data, errors): the row's stored values and, per field, a Chinese message. `strict`: for
    submission (required fields must be filled, cross-field rules apply)."""
    today = today or timezone.localdate()
    data, errors = {}, {}
    for spec in kind.fields:
        value = raw.get(spec.name)
        value = "" if value is None else str(value)
        if not value.strip():
            if strict and spec.required:
                errors[spec.name] = f"请{'选择' if spec.type == 'choice' else '填写'}{spec.label}"
            data[spec.name] = ""
            continue
        try:
            data[spec.name] = clean_value(spec, value, today=today)
        except ValidationError as exc:
            errors[spec.name] = exc.messages[0]
            data[spec.name] = value.strip()[:200]
    if not errors:
        _cross_checks(kind, data, errors, strict)
    return data, errors


def _cross_checks(kind: Kind, data: dict, errors: dict, strict: bool) -> None:
    issued, expires = data.get("issued_on"), data.get("expires_on")
    if issued and expires and expires <= issued:
        errors["expires_on"] = "有效期至应晚于签发日期"
    if kind.code == "marriage" and strict and data.get("status") == "married" and not data.get("spouse_name"):
        errors["spouse_name"] = "已婚的请填写配偶姓名"


def is_blank(raw: dict, kind: Kind) -> bool:
    return not any(str(raw.get(f.name) or "").strip() for f in kind.fields)


def row_label(kind: Kind, data: dict) -> str:
    parts = []
    for spec in _summary_specs(kind):
        value = data.get(spec.name, "")
        if value in ("", None):
            continue
        if spec.type == "choice":
            value = dict(spec.choices).get(value, value)
        elif spec.type == "area":
            value = f"{value}平方米"
        elif spec.type == "money":
            value = f"{value}元"
        parts.append(str(value))
    return f"{SHORT_LABELS[kind.code]}：{'，'.join(parts) or '（空）'}"


_SUMMARY: dict[str, tuple[F, ...]] = {}


def _summary_specs(kind: Kind) -> tuple[F, ...]:
    specs = _SUMMARY.get(kind.code)
    if specs is None:
        specs = _SUMMARY[kind.code] = tuple(kind.field(n) for n in (kind.summary or kind.key))
    return specs


SHORT_LABELS = {
    "marriage": "婚姻", "passport": "护照", "hkmt_permit": "港澳台通行证", "child_foreign_spouse": "子女涉外婚姻",
    "child_hkmt_spouse": "子女涉港澳台婚姻", "family_abroad": "亲属移居或长期在国（境）外",
    "family_jobs": "亲属从业", "family_prosecution": "亲属被追究刑事责任", "salary": "工资收入",
    "fees": "劳务所得", "real_estate": "房产", "securities": "股票、基金、投资型保险",
    "family_business": "亲属经商办企业", "overseas_assets": "国（境）外存款和投资",
}  # fmt: skip


def short_label(kind: Kind) -> str:
    return SHORT_LABELS[kind.code]


def display_value(spec: F, value) -> str:
    if value in ("", None):
        return "—"
    if spec.type == "choice":
        return dict(spec.choices).get(value, str(value))
    return str(value)


# --- the row form on the page --------------------------------------------------------------------


class RowForm(forms.Form):
    """One row of one kind, named `<kind>-<token>-<field>` so that rows can be added on the page
    without renumbering. Validation is `clean_row` (the same for the page, the API and drafts)."""

    def __init__(self, kind: Kind, token: str, data: dict | None = None, *, errors: dict | None = None):
        super().__init__(prefix=f"{kind.code}-{token}")
        self.kind, self.token, self.row_errors = kind, token, errors or {}
        self.values = data or {}
        for spec in kind.fields:
            attrs = {"class": "form-control form-control-sm", "autocomplete": "off"}
            if spec.type == "choice":
                f = forms.ChoiceField(label=spec.label, required=False, choices=[("", "—")] + list(spec.choices),
                                      widget=forms.Select(attrs={"class": "form-select form-select-sm"}))  # fmt: skip
            elif spec.type == "date":
                f = forms.CharField(
                    label=spec.label, required=False, widget=forms.DateInput(attrs={**attrs, "type": "date"})
                )
            elif spec.type in ("money", "area", "share", "count"):
                f = forms.CharField(
                    label=spec.label,
                    required=False,
                    widget=forms.TextInput(attrs={**attrs, "inputmode": "decimal"}),
                )
            else:
                f = forms.CharField(label=spec.label, required=False, widget=forms.TextInput(attrs=attrs))
            f.widget.attrs["aria-describedby"] = f"err-{self.prefix}-{spec.name}"
            if spec.name in self.row_errors:
                f.widget.attrs["class"] += " is-invalid"
                f.widget.attrs["aria-invalid"] = "true"
            f.initial = self.values.get(spec.name, "")
            f.required_on_submit = spec.required
            self.fields[spec.name] = f

    def cells(self):
        """(bound field, its message) for the template."""
        for name in self.fields:
            yield self[name], self.row_errors.get(name, "")


def row_tokens(post, kind: Kind) -> list[str]:
    """The row tokens of `kind` present in a POST, in page order."""
    seen: list[str] = []
    pattern = re.compile(rf"^{kind.code}-([a-z0-9]{{1,16}})-([a-z_]+)$")
    for key in post:
        m = pattern.match(key)
        if m and m.group(1) not in seen:
            seen.append(m.group(1))
    return seen


def raw_row(post, kind: Kind, token: str) -> dict:
    return {f.name: post.get(f"{kind.code}-{token}-{f.name}", "") for f in kind.fields}
