"""The agencies asked to verify, what each receives, and what each returns.

A package carries only the columns its agency needs (the exit-entry office gets a birth date, the
market regulator the names of spouse and children, nobody gets what the cadre declared) and the
stated reason on its notes sheet. A return is read with the usual checks (qinglian/core/excel.py)
and refused whole when it does not match the request: unknown 查核编号, a name that is not the
requested person's, a missing column, a bad number — every problem is listed in the report.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Font

from qinglian.core.excel import Column, FileRejected, RowError, error_report, read_table
from qinglian.people.models import Relative
from qinglian.spotchecks.compare import Item, dec, norm_text


class ReturnRefused(ValueError):
    """The whole return is refused; `errors` lists every problem, `report` is an .xlsx of them."""

    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message)
        self.errors = errors or []
        self.report = error_report(self.errors, title="查询结果导入错误") if self.errors else b""

    @property
    def messages(self) -> list[str]:
        return [
            f"第{e.row}行“{e.column}”：{e.reason}" if e.column else f"第{e.row}行：{e.reason}"
            for e in self.errors
        ]


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    kinds: frozenset[str]
    sends: tuple[str, ...]  # the package's columns
    returns: list[Column] = field(default_factory=list)
    items: dict[str, str] = field(default_factory=dict)  # 事项 label -> kind


CODE, NAME, ITEM = "查核编号", "姓名", "事项"
_BASE = [
    Column(CODE, "code", required=True, note="照抄委托函中的查核编号"),
    Column(NAME, "name", required=True),
]

AGENCIES: dict[str, AgencySpec] = {
    "real_estate": AgencySpec(
        "real_estate",
        "不动产登记机构",
        frozenset({"real_estate"}),
        (CODE, NAME, "身份证号"),
        [
            *_BASE,
            Column("不动产坐落", "address", required=True),
            Column("建筑面积（平方米）", "area", required=True),
            Column("产权份额（%）", "share"),
            Column("用途", "use", note="如：住宅、车库、车位、储藏间"),
        ],
        {"房产": "real_estate"},
    ),
    "market": AgencySpec(
        "market",
        "市场监督管理部门",
        frozenset({"family_business", "family_jobs"}),
        (CODE, NAME, "身份证号", "配偶、子女及其配偶姓名"),
        [
            *_BASE,
            Column(ITEM, "item", required=True, choices=["经商办企业", "从业情况"]),
            Column("关系人姓名", "relative", required=True),
            Column("与本人关系", "relation", required=True),
            Column("企业或单位名称", "employer", required=True),
            Column("统一社会信用代码", "credit_code"),
            Column("持股比例（%）", "share"),
        ],
        {"经商办企业": "family_business", "从业情况": "family_jobs"},
    ),
    "exit_entry": AgencySpec(
        "exit_entry",
        "公安机关（出入境管理、户籍）",
        frozenset({"passport", "hkmt_permit", "marriage", "family_abroad"}),
        (CODE, NAME, "身份证号", "出生日期"),
        [
            *_BASE,
            Column(
                ITEM,
                "item",
                required=True,
                choices=["护照", "往来港澳台通行证", "婚姻状况", "移居国（境）外"],
            ),
            Column("证件号码", "number"),
            Column("因私出入境次数", "trips"),
            Column("婚姻状况", "status"),
            Column("关系人姓名", "relative"),
            Column("与本人关系", "relation"),
            Column("国家或地区", "country"),
        ],
        {
            "护照": "passport",
            "往来港澳台通行证": "hkmt_permit",
            "婚姻状况": "marriage",
            "移居国（境）外": "family_abroad",
        },
    ),
    "finance": AgencySpec(
        "finance",
        "银行、证券、保险机构",
        frozenset({"securities", "overseas_assets"}),
        (CODE, NAME, "身份证号"),
        [
            *_BASE,
            Column(ITEM, "item", required=True, choices=["股票基金投资型保险", "国（境）外存款和投资"]),
            Column("账户或统一社会信用代码", "account", required=True),
            Column("机构名称", "institution"),
            Column("金额（元）", "amount", required=True),
        ],
        {"股票基金投资型保险": "securities", "国（境）外存款和投资": "overseas_assets"},
    ),
}
AGENCY_CHOICES = [(a.code, a.name) for a in AGENCIES.values()]


def _full_id(cadre) -> str:
    from qinglian.people.identity import reveal

    return reveal(cadre.id_number_enc) if cadre.id_number_enc else ""


def request_rows(req, lines) -> bytes:
    """The plain workbook (encrypted by the caller): a data sheet and the notes with the reason."""
    spec = AGENCIES[req.agency]
    checks = {ln.spot_check_id: ln.spot_check for ln in lines}
    relatives: dict[int, list[str]] = {}
    if "配偶、子女及其配偶姓名" in spec.sends:
        for r in Relative.objects.filter(cadre_id__in=[c.cadre_id for c in checks.values()],
                                         relation__in=["spouse", "child", "child_spouse"]):  # fmt: skip
            relatives.setdefault(r.cadre_id, []).append(f"{r.get_relation_display()} {r.name}")
    wb = Workbook()
    ws = wb.active
    ws.title = "查询名单"
    ws.append(list(spec.sends))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for ln in lines:
        cadre = checks[ln.spot_check_id].cadre
        values = {CODE: ln.code, NAME: cadre.name, "身份证号": _full_id(cadre), "出生日期": cadre.birth_date.isoformat(),
                  "配偶、子女及其配偶姓名": "；".join(relatives.get(cadre.pk, []))}  # fmt: skip
        ws.append([values[c] for c in spec.sends])
    notes = wb.create_sheet("查询说明")
    for row in [
        ["函号", req.number], ["查询机构", spec.name], ["发函单位", req.issuing_unit.name], ["查询事由", req.reason],
        ["回复要求", "请按“回复模板”工作表的列填写查询结果，每项一行；无结果的人员不填；保留查核编号。"],
        ["保密要求", "本文件为加密文件，密码另行传递；仅用于个人有关事项报告查核，不得另作他用。"],
    ]:  # fmt: skip
        notes.append(row)
    template = wb.create_sheet("回复模板")
    template.append([c.header for c in spec.returns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def return_template(agency: str) -> bytes:
    from qinglian.core.excel import template

    spec = AGENCIES[agency]
    return template(spec.returns, title=f"{spec.name}查询结果",
                    notes=["每项一行；查核编号照抄委托函；无结果的人员不填。"])  # fmt: skip


def _number(values, header, row, errors, *, required=False, maximum=None):
    raw = values.get(header, "")
    if not raw:
        if required:
            errors.append(RowError(row, header, "", "必填"))
        return None
    value = dec(raw)
    if value is None:
        errors.append(RowError(row, header, raw, "不是有效的数字"))
    elif value < 0:
        errors.append(RowError(row, header, raw, "不能为负数"))
    elif maximum is not None and value > maximum:
        errors.append(RowError(row, header, raw, f"不能超过{maximum}"))
    else:
        return str(value)
    return None


def _item(spec: AgencySpec, values: dict, row: int, errors: list[RowError]) -> Item | None:
    before = len(errors)
    kind = (
        spec.items.get(values.get(ITEM, ""))
        if ITEM in {c.header for c in spec.returns}
        else next(iter(spec.kinds))
    )
    if kind is None:
        errors.append(
            RowError(row, ITEM, values.get(ITEM, ""), "事项不在本机构的查询范围内：" + "、".join(spec.items))
        )
        return None
    g = values.get
    need = lambda h: errors.append(RowError(row, h, "", "该事项必填")) if not g(h) else None  # noqa: E731
    if kind == "real_estate":
        area = _number(values, "建筑面积（平方米）", row, errors, required=True)
        share = _number(values, "产权份额（%）", row, errors, maximum=100)
        it = Item(kind, {"address": g("不动产坐落")}, {"area": area, "share": share, "use": g("用途", "")},
                  g("用途", "") or "房产")  # fmt: skip
    elif kind in ("family_business", "family_jobs"):
        key = {"relation": g("与本人关系"), "name": g("关系人姓名")}
        if kind == "family_business":
            need("统一社会信用代码")
            share = _number(values, "持股比例（%）", row, errors, maximum=100)
            it = Item(
                kind,
                {"credit_code": g("统一社会信用代码")} | key,
                {"name": g("企业或单位名称"), "share": share},
            )
        else:
            it = Item(kind, key, {"employer": g("企业或单位名称")})
    elif kind in ("passport", "hkmt_permit"):
        need("证件号码")
        trips = _number(values, "因私出入境次数", row, errors)
        it = Item(kind, {"number": g("证件号码")}, {"trips": trips})
    elif kind == "marriage":
        need("婚姻状况")
        it = Item(kind, {}, {"status": g("婚姻状况")})
    elif kind == "family_abroad":
        need("关系人姓名")
        need("与本人关系")
        it = Item(kind, {"relation": g("与本人关系"), "name": g("关系人姓名")}, {"country": g("国家或地区")})
    else:  # securities, overseas_assets
        amount = _number(values, "金额（元）", row, errors, required=True)
        it = Item(
            kind, {"account": g("账户或统一社会信用代码")}, {"amount": amount, "institution": g("机构名称")}
        )
    return it if len(errors) == before else None


def parse_return(agency: str, data: bytes, lines: dict) -> list[tuple[int, int, Item]]:
    """(check_id, row, item) for every row; ReturnRefused if anything does not match the request."""
    spec = AGENCIES[agency]
    errors: list[RowError] = []
    out = []
    try:
        rows = list(read_table(data, spec.returns))
    except FileRejected as exc:
        raise ReturnRefused(f"回复文件被拒绝：{exc}") from None
    for row, values in rows:
        code, name = values.get(CODE, ""), values.get(NAME, "")
        line = lines.get(code)
        if line is None:
            errors.append(RowError(row, CODE, code, "查核编号不在本委托函中（查无此人）"))
            continue
        if norm_text(name) != norm_text(line.spot_check.cadre.name):
            errors.append(
                RowError(row, NAME, name, f"姓名与查核编号对应的人员（{line.spot_check.cadre.name}）不符")
            )
            continue
        item = _item(spec, values, row, errors)
        if item is not None:
            out.append((line.spot_check_id, row, item))
    if errors:
        raise ReturnRefused(f"回复与委托函不符，共{len(errors)}处问题，整份文件未导入", errors)
    return out
