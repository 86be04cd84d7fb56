"""The fixed Excel template of the monthly report (月报表) and its reading; the API takes the same
columns as JSON keys."""

from __future__ import annotations

from qinglian.core.excel import Column, read_table, template
from qinglian.taskforce.models import RowType

COLUMNS = [
    Column("身份证号", "id_number", True, "18位；按身份证号匹配干部库中的干部"),
    Column("姓名", "name", False, "填写则须与干部库一致（核对用）"),
    Column("信息类型", "row_type", True, "填写信息类型代码或名称，见下方可选值"),
    Column("发生日期", "occurred_on", True, "YYYY-MM-DD"),
    Column("事实摘要", "summary", True, "不超过2000字"),
    Column("来源文号", "source_reference", False, "本单位的文号或编号，不超过100字"),
]


def template_bytes() -> bytes:
    types = list(RowType.objects.filter(active=True))
    cols = [Column(c.header, c.field, c.required, c.note, [t.code for t in types] if c.field == "row_type" else [])
            for c in COLUMNS]  # fmt: skip
    notes = [
        "每月报送一次，报送上月涉及干部的监督信息；期限为次月规定日期，逾期仍可报送，系统标注“逾期”。",
        "整表校验：任何一行有误（含身份证号在干部库中不存在）则整表不予接收，并列出全部错误行及原因。",
        "报送的信息作为外部信息记入干部廉政档案（密封、无颜色），经纪检或组织部门审核确认后方可使用。",
        "信息类型：" + "；".join(f"{t.code} = {t.name}{'（仅作信息，不作为负面信息）' if not t.counts else ''}"
                              for t in types),
    ]  # fmt: skip
    return template(cols, title="月报表", notes=notes)


def read_rows(data: bytes):
    """(row number, {field: text}) for every row; raises FileRejected for a file that cannot be read."""
    by_header = {c.header: c.field for c in COLUMNS}
    for number, values in read_table(data, COLUMNS):
        yield number, {by_header[h]: v for h, v in values.items() if h in by_header}
