"""What a registry file of each kind contains: its fields, their standard Chinese headers and
aliases, which are required, and how one cell is parsed.

A file is refused whole when a header is unknown (neither a standard header, an alias, nor in the
source's `column_map`) or a required field has no column. A row whose cell does not parse is
excluded with a Chinese reason; nothing is guessed (an ambiguous date, a share that may be a
fraction, an unknown role are all exclusions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from qinglian.core.idnumber import IdNumber, IdNumberError, local_today
from qinglian.core.idnumber import parse as parse_id
from qinglian.registries.models import CompanyRole, CourtRecord, SourceKind, VehicleRecord


class FileRefused(ValueError):
    """The file as a whole cannot be imported (unknown or missing columns, wrong type...)."""


class CellError(ValueError):
    """One cell does not parse: the row is excluded with this (Chinese) reason. `field` names the
    cell's field when the parser knows it (set by `cell`)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def cell(cells: dict, name: str, parser, *args, **kwargs):
    """Parse one cell, tagging an error with its field."""
    try:
        return parser(cells.get(name), *args, **kwargs)
    except CellError as exc:
        exc.field = exc.field or name
        raise


@dataclass(frozen=True)
class Field:
    name: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()


PERSON_FIELDS = [
    Field(
        "person_name",
        "姓名",
        True,
        ("人员姓名", "当事人姓名", "当事人", "所有权人", "权利人", "驾驶人", "驾驶员"),
    ),
    Field("id_number", "身份证号", False, ("证件号码", "公民身份号码", "身份证号码", "证照号码")),
    Field("birth_date", "出生日期", False, ("出生年月日",)),
    Field("gender", "性别"),
    Field("region_code", "行政区划代码", False, ("区划代码", "县区代码")),
    Field("place", "住址", False, ("县区", "住所", "户籍地址", "居住地")),
]

KIND_FIELDS: dict[str, list[Field]] = {
    SourceKind.COMPANY: [
        Field("company_name", "企业名称", True, ("市场主体名称", "单位名称")),
        Field("credit_code", "统一社会信用代码", False, ("信用代码",)),
        Field("industry_code", "行业代码", False, ("国民经济行业代码", "行业门类代码")),
        Field("company_region_code", "企业所在区划代码"),
        Field("company_address", "企业住所", False, ("企业地址", "经营场所")),
        *PERSON_FIELDS,
        Field("role", "身份", True, ("人员类型", "任职类型")),
        Field("title", "职务"),
        Field("share_pct", "持股比例(%)", False, ("持股比例", "出资比例(%)", "出资比例")),
        Field("start_date", "任职日期", False, ("出资日期", "起始日期")),
        Field("end_date", "离任日期", False, ("退出日期", "终止日期")),
    ],
    SourceKind.PROCUREMENT: [
        Field("buyer_name", "采购单位", True, ("采购人", "建设单位", "招标人")),
        Field("winner_name", "中标单位", True, ("中标人", "成交供应商", "中标供应商")),
        Field("winner_credit_code", "中标单位统一社会信用代码", False, ("中标人统一社会信用代码",)),
        Field("project_name", "项目名称"),
        Field("project_number", "项目编号"),
        Field("amount", "中标金额(元)", True, ("中标金额", "成交金额(元)", "成交金额", "合同金额(元)")),
        Field("award_date", "中标日期", True, ("成交日期", "公告日期")),
    ],
    SourceKind.REAL_ESTATE: [
        *PERSON_FIELDS,
        Field("address", "不动产坐落", True, ("坐落", "房屋坐落")),
        Field("certificate_number", "不动产权证号", False, ("权证号", "产权证号")),
        Field("area", "面积(平方米)", False, ("建筑面积", "面积")),
        Field("usage", "用途", False, ("规划用途",)),
        Field("registered_date", "登记日期", False, ("登簿日期",)),
    ],
    SourceKind.VEHICLE: [
        *PERSON_FIELDS,
        Field("plate", "号牌号码", False, ("车牌号", "号牌")),
        Field("vehicle_type", "车辆类型"),
        Field("offence_text", "违法行为", False, ("违法类型", "违法行为描述")),
        Field("record_date", "日期", True, ("违法时间", "违法日期", "登记日期", "处理日期")),
        Field("decision_number", "决定书编号", False, ("处罚决定书编号", "文书编号")),
        Field("authority", "处理机关", False, ("发现机关", "处罚机关")),
    ],
    SourceKind.COURT: [
        *PERSON_FIELDS,
        Field("record_kind", "类别", True, ("信息类别", "数据类别")),
        Field("case_number", "案号", True),
        Field("court", "法院", True, ("执行法院", "审理法院", "承办法院")),
        Field("cause", "案由", False, ("罪名",)),
        Field("party_role", "当事人地位", False, ("诉讼地位",)),
        Field("record_date", "日期", False, ("判决日期", "立案日期", "发布日期")),
        Field("amount", "金额(元)", False, ("执行标的(元)", "执行标的", "涉案金额")),
    ],
    SourceKind.SOCIAL_ORG: [
        *PERSON_FIELDS,
        Field("org_name", "社会组织名称", True, ("组织名称",)),
        Field("org_credit_code", "统一社会信用代码", False, ("信用代码",)),
        Field("post", "职务", True, ("担任职务",)),
        Field("start_date", "任职日期", False, ("起始日期",)),
        Field("end_date", "离任日期", False, ("终止日期",)),
    ],
}


def field_choices(kind: str) -> list[tuple[str, str]]:
    return [(f.name, f.header) for f in KIND_FIELDS[kind]]


def _norm_header(text) -> str:
    """Headers compare without spaces and with full-width brackets made half-width."""
    s = "" if text is None else str(text)
    s = s.replace("（", "(").replace("）", ")").replace("\u3000", "").replace(" ", "").strip()
    return s.lstrip("\ufeff")


def resolve_headers(kind: str, headers: list, column_map: dict | None = None) -> list[str | None]:
    """Map each column of the file to a field name (None for a blank trailing header column with
    no data). Raises FileRefused listing every unknown header and every missing required field."""
    fields = {f.name: f for f in KIND_FIELDS[kind]}
    lookup: dict[str, str] = {}
    for f in KIND_FIELDS[kind]:
        for h in (f.header, *f.aliases):
            lookup[_norm_header(h)] = f.name
    for header, name in (column_map or {}).items():
        if name in fields:
            lookup[_norm_header(header)] = name
    mapped: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    duplicate: list[str] = []
    for raw in headers:
        h = _norm_header(raw)
        if not h:
            mapped.append(None)
            continue
        name = lookup.get(h)
        if name is None:
            unknown.append(str(raw).strip())
        elif name in seen:
            duplicate.append(f"“{str(raw).strip()}”与“{seen[name]}”")
        else:
            seen[name] = str(raw).strip()
        mapped.append(name)
    problems = []
    if unknown:
        problems.append("未知列：" + "、".join(f"“{u}”" for u in unknown))
    if duplicate:
        problems.append("重复列：" + "；".join(duplicate) + "对应同一字段")
    missing = [f.header for f in KIND_FIELDS[kind] if f.required and f.name not in seen]
    if missing:
        problems.append("缺少必填列：" + "、".join(f"“{m}”" for m in missing))
    if problems:
        raise FileRefused("；".join(problems) + "。文件未导入，请按数据源的表头对照修改后重新上传。")
    return mapped


def header_of(kind: str, name: str) -> str:
    for f in KIND_FIELDS[kind]:
        if f.name == name:
            return f.header
    return name


# --- cell parsers -------------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    return _parse_date_text(text, str(value))


# Registry files repeat the same dates, codes and words on many rows: the string parsers are
# cached (an error is raised again for each row, errors are not cached).
@lru_cache(maxsize=65536)
def _parse_date_text(text: str, value: str) -> date:
    text = text.split(" ")[0].split("T")[0]  # a time part is dropped, the date must be whole
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
            if d.year < 1900 or d > local_today():
                raise CellError(f"日期“{value}”超出合理范围")
            return d
    raise CellError(f"日期“{value}”无法识别（应为 2024-05-01 或 2024年5月1日）")


_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+(\.\d+)?$")


def parse_decimal(
    value, *, what: str = "金额", places: int = 2, minimum: Decimal | None = Decimal(0)
) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(f"{what}“{value}”不是数字")
    if isinstance(value, int | float | Decimal):
        d = Decimal(str(value))
    else:
        text = str(value).strip()
        if not text:
            return None
        if not _NUMBER.match(text):
            raise CellError(f"{what}“{value}”不是数字（不要带单位）")
        d = Decimal(text.replace(",", ""))
    if minimum is not None and d < minimum:
        raise CellError(f"{what}“{value}”不能为负数")
    try:
        return d.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        raise CellError(f"{what}“{value}”超出范围") from None


def parse_share(value) -> Decimal | None:
    """A percentage, 0-100, with or without a trailing %. A value between 0 and 1 is NOT read as a
    fraction (0.3 is 0.3 %, as the header says); values above 100 are refused."""
    if value is None or value == "":
        return None
    text = (
        str(value).strip().rstrip("%").rstrip("％").strip() if not isinstance(value, int | float) else value
    )
    d = parse_decimal(text, what="持股比例", places=4)
    if d is not None and d > 100:
        raise CellError(f"持股比例“{value}”大于100%")
    return d


def parse_gender(value) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if text in ("男", "男性"):
        return "male"
    if text in ("女", "女性"):
        return "female"
    raise CellError(f"性别“{value}”应为“男”或“女”")


def parse_region(value) -> str:
    text = "" if value is None else str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text:
        return ""
    if not re.fullmatch(r"\d{6}", text):
        raise CellError(f"行政区划代码“{value}”应为6位数字")
    return text


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def parse_credit_code(value) -> str:
    """Unified social credit code (GB 32100-2015): 18 characters with a check character."""
    text = "" if value is None else str(value).strip().upper().replace(" ", "")
    if not text:
        return ""
    return _credit_code(text, str(value))


@lru_cache(maxsize=65536)
def _credit_code(text: str, value: str) -> str:
    if len(text) != 18 or any(c not in USCC_CHARS for c in text):
        raise CellError(f"统一社会信用代码“{value}”应为18位数字或大写字母（不含I、O、Z、S、V）")
    if uscc_check_char(text[:17]) != text[17]:
        raise CellError(f"统一社会信用代码“{value}”校验位不正确")
    return text


def parse_industry(value) -> str:
    """GB/T 4754 code: a section letter (A-T) and/or 2-4 digits (e.g. E, E48, 4811, E4811)."""
    text = "" if value is None else str(value).strip().upper()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text:
        return ""
    if not re.fullmatch(r"[A-T](\d{2,4})?|\d{2,4}", text):
        raise CellError(f"行业代码“{value}”不符合《国民经济行业分类》（GB/T 4754）代码格式")
    return text


ROLE_WORDS = {
    CompanyRole.Role.LEGAL_REPRESENTATIVE: (
        "法定代表人",
        "法人代表",
        "负责人",
        "投资人（个人独资）",
        "经营者",
    ),
    CompanyRole.Role.SHAREHOLDER: ("股东", "出资人", "投资人", "合伙人", "发起人"),
    CompanyRole.Role.DIRECTOR: ("董事", "董事长", "副董事长", "执行董事", "职工董事", "独立董事"),
    CompanyRole.Role.SUPERVISOR: ("监事", "监事会主席", "职工监事"),
    CompanyRole.Role.MANAGER: ("经理", "总经理", "副总经理", "财务负责人", "高级管理人员", "高管"),
}
ROLE_LOOKUP = {w: role for role, words in ROLE_WORDS.items() for w in words}
ROLE_LOOKUP.update({role.value: role for role in CompanyRole.Role})


@lru_cache(maxsize=1024)
def _role(text: str) -> str | None:
    return ROLE_LOOKUP.get(text)


def parse_role(value) -> str:
    text = "" if value is None else str(value).strip()
    role = _role(text)
    if role is None:
        raise CellError(f"身份“{value}”无法识别（应为法定代表人、股东、董事、监事或高级管理人员）")
    return str(role)


def parse_offence(text: str) -> str:
    """Drunk (醉驾) before drink (酒驾): "醉酒驾驶" mentions both."""
    if not text:
        return ""
    if "醉" in text:
        return VehicleRecord.Offence.DRUNK_DRIVING
    if "酒" in text:
        return VehicleRecord.Offence.DRINK_DRIVING
    return VehicleRecord.Offence.OTHER


COURT_KIND_WORDS = {
    "裁判文书": CourtRecord.Kind.JUDGMENT,
    "判决": CourtRecord.Kind.JUDGMENT,
    "判决书": CourtRecord.Kind.JUDGMENT,
    "刑事判决": CourtRecord.Kind.JUDGMENT,
    "被执行人": CourtRecord.Kind.ENFORCEMENT,
    "失信被执行人": CourtRecord.Kind.DISHONEST,
    "失信": CourtRecord.Kind.DISHONEST,
}


def parse_court_kind(value) -> str:
    text = "" if value is None else str(value).strip()
    kind = COURT_KIND_WORDS.get(text) or (text if text in CourtRecord.Kind.values else None)
    if kind is None:
        raise CellError(f"类别“{value}”应为裁判文书、被执行人或失信被执行人")
    return str(kind)


def text_cell(value, *, limit: int, what: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value).strip()
    if len(text) > limit:
        raise CellError(f"{what}超过{limit}个字符")
    return text


_parse_id = lru_cache(maxsize=131072)(parse_id)  # a person is on several rows


@dataclass
class PersonValues:
    name: str
    parsed_id: IdNumber | None
    birth_date: date | None
    gender: str
    region_code: str
    place: str


def parse_person(cells: dict) -> PersonValues:
    name = cell(cells, "person_name", text_cell, limit=64, what="姓名").replace(" ", "")
    if not name:
        raise CellError("姓名为空", "person_name")
    raw_id = cell(cells, "id_number", text_cell, limit=30, what="身份证号")
    parsed = None
    if raw_id:
        try:
            parsed = _parse_id(raw_id)
        except IdNumberError as exc:
            raise CellError(f"身份证号无效：{exc.message}", "id_number") from None
    birth = cell(cells, "birth_date", parse_date)
    gender = cell(cells, "gender", parse_gender)
    if parsed is not None:
        if birth is not None and birth != parsed.birth_date:
            raise CellError("出生日期与身份证号不一致", "birth_date")
        if gender and gender != parsed.gender:
            raise CellError("性别与身份证号不一致", "gender")
        birth, gender = parsed.birth_date, parsed.gender
    region = cell(cells, "region_code", parse_region) or (parsed.region if parsed else "")
    place = cell(cells, "place", text_cell, limit=200, what="住址")
    return PersonValues(name, parsed, birth, gender, region, place)
