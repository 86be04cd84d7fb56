"""Typed parameter values: a parameter keeps the type of its shipped default.

Values are stored as JSON. Decimals (ratios) are stored as strings so that 0.10 stays 0.10.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

INT = "int"
DECIMAL = "decimal"
BOOL = "bool"
STR = "str"
KINDS = (INT, DECIMAL, BOOL, STR)
KIND_LABELS = {INT: "整数", DECIMAL: "小数", BOOL: "是/否", STR: "文本"}

_TRUE = {"true", "1", "yes", "y", "是", "对", "启用"}
_FALSE = {"false", "0", "no", "n", "否", "不", "停用"}


def kind_of(value) -> str:
    # bool before int: True is an int in Python.
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, Decimal):
        return DECIMAL
    if isinstance(value, str):
        return STR
    raise TypeError(f"rule parameters are int, Decimal, bool or str, not {type(value).__name__}")


def to_json(kind: str, value):
    return str(value) if kind == DECIMAL else value


def from_json(kind: str, stored):
    return Decimal(str(stored)) if kind == DECIMAL else stored


def parse(kind: str, raw, *, minimum=None, maximum=None):
    """Turn user input (text from a form, or a Python value) into a value of `kind`.

    Raises ValidationError with a message a user can act on.
    """
    if kind == BOOL:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValidationError("请填写“是”或“否”", code="invalid")
    if kind == STR:
        text = str(raw).strip()
        if not text:
            raise ValidationError("取值不能为空", code="required")
        if len(text) > 500:
            raise ValidationError("取值不能超过500个字符", code="max_length")
        return text
    if kind == INT:
        if isinstance(raw, bool):
            raise ValidationError("请填写整数", code="invalid")
        if isinstance(raw, int):
            value = raw
        else:
            text = str(raw).strip()
            try:
                value = int(text)
            except ValueError:
                raise ValidationError("请填写整数（例如 12），不能带小数点或单位", code="invalid") from None
    elif kind == DECIMAL:
        if isinstance(raw, bool):
            raise ValidationError("请填写数字", code="invalid")
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValidationError("请填写数字（例如 0.10）", code="invalid") from None
        if not value.is_finite():
            raise ValidationError("请填写有限的数字", code="invalid")
        if value.as_tuple().exponent < -6:
            raise ValidationError("小数位数不能超过6位", code="invalid")
    else:
        raise ValueError(f"unknown parameter kind {kind!r}")
    if minimum is not None and value < minimum:
        raise ValidationError(f"取值不能小于 {minimum}", code="min_value")
    if maximum is not None and value > maximum:
        raise ValidationError(f"取值不能大于 {maximum}", code="max_value")
    return value


def display(kind: str, value) -> str:
    if kind == BOOL:
        return "是" if value else "否"
    return str(value)
