"""Resident identity numbers (GB 11643-1999): validation, legacy conversion, masking.

An 18-digit number is: 6 digits of region (GB/T 2260), 8 of birth date, 3 of sequence (odd for men,
even for women) and a check character computed with ISO 7064 MOD 11-2. A 15-digit legacy number
(before 1999) has a 2-digit year and no check character; it converts by inserting "19" and
computing the check character.

Demo and test data use the region prefix DEMO_REGION: province 34 exists, but prefecture code 98 is
assigned to no prefecture in GB/T 2260, so no generated number can belong to a real citizen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Province-level codes of GB/T 2260 (incl. Taiwan, Hong Kong, Macau).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
DEMO_REGION = "349899"
EARLIEST_BIRTH = date(1900, 1, 1)


class IdNumberError(ValueError):
    """A precise, Chinese reason why a number is not valid; `code` is stable for imports and APIs."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdNumber:
    number: str  # normalised 18 characters, upper-case X
    birth_date: date
    gender: str  # "male" / "female"
    converted_from_15: bool = False

    @property
    def region(self) -> str:
        return self.number[:6]

    @property
    def masked(self) -> str:
        return mask(self.number)

    def __str__(self):  # never print a full number by accident
        return self.masked


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def local_today() -> date:
    """Today in the configured time zone (Asia/Shanghai), not the server's: from 16:00 UTC on the
    two differ. The server's date only when Django is not set up (data generators)."""
    from django.conf import settings
    from django.utils import timezone

    return timezone.localdate() if settings.configured else date.today()


def _birth(digits: str) -> date:
    try:
        born = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise IdNumberError("birth_date", f"出生日期“{digits}”不是有效日期") from None
    if born < EARLIEST_BIRTH:
        raise IdNumberError("birth_date", f"出生日期“{digits}”早于1900年")
    # The cheap test first (parse runs once per row of a million-row import): the server's date
    # and the local date are never two days apart.
    if born > date.today() - timedelta(days=2) and born > local_today():
        raise IdNumberError("birth_date", f"出生日期“{digits}”晚于今天")
    return born


def parse(raw: str, *, today: date | None = None) -> IdNumber:
    """Validate and normalise; raises IdNumberError with the first problem found."""
    if raw is None:
        raise IdNumberError("empty", "身份证号为空")
    value = str(raw).strip().replace(" ", "").upper()
    if not value:
        raise IdNumberError("empty", "身份证号为空")
    converted = False
    if len(value) == 15:
        if not value.isdigit():
            raise IdNumberError("characters", "15位身份证号只能由数字组成")
        first17 = value[:6] + "19" + value[6:]
        value = first17 + check_char(first17)
        converted = True
    elif len(value) != 18:
        raise IdNumberError("length", f"身份证号应为18位（或旧版15位），当前为{len(value)}位")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise IdNumberError("characters", "身份证号前17位必须是数字，最后一位是数字或X")
    if value[:2] not in PROVINCES:
        raise IdNumberError("region", f"前两位“{value[:2]}”不是有效的省级行政区划代码")
    if value[2:6] == "0000":
        raise IdNumberError("region", f"地址码“{value[:6]}”不是县级行政区划代码")
    born = _birth(value[6:14])
    if today is not None and born > today:
        raise IdNumberError("birth_date", "出生日期晚于今天")
    if not converted and check_char(value[:17]) != value[17]:
        raise IdNumberError("check_digit", "校验位不正确（可能有数字录入错误）")
    return IdNumber(value, born, "male" if int(value[16]) % 2 else "female", converted)


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except IdNumberError:
        return False
    return True


def mask(number: str) -> str:
    """330226********1234: region and the last four, never the birth date."""
    if not number:
        return ""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if len(number) >= 10 else "*" * len(number)


def make(region: str, born: date, sequence: int) -> str:
    """Build a valid 18-digit number (for demo data and tests only)."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
