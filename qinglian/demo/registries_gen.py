"""External registries of the demo county (东湖县), seeded, uploaded through the registries
services as the demo logins and imported as the worker would.

Six sources (company registry, procurement awards, traffic offences, court records, real estate,
social-organisation posts) with a few hundred rows of fictional people (ID numbers under region
349897, which belongs to no real prefecture and to no demo cadre), some bad rows to show the
excluded-row report, one GBK file (the police), one Excel file (procurement), a company registry
with two snapshots (the older one superseded). Planted for the matching app (see `Planted`):

1. a relative of the head of the county housing and construction bureau (住建局) is legal
   representative and 70 % shareholder of a building company that won two contracts from that
   bureau (one under the buyer name "县住建局", mapped in the buyer-unit table);
2. a recently retired leading cadre sits on the board (董事) of a company in the field of his
   former unit (industry code mapped to that unit's sector);
3. a serving cadre has a drunk-driving record (醉驾) in the police file.
Planted people carry their real (demo) ID numbers, so the links are exact.

Call: `generate(users={u.username: u for u in User.objects.filter(username__in=["jiancha", "zhuanban_ga"])})`
before the matching generator.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from qinglian.core.idnumber import make
from qinglian.people.identity import reveal
from qinglian.people.models import POST_LEVEL_ORDER, Cadre, Post, Unit
from qinglian.registries import services
from qinglian.registries.imports import snapshot_import
from qinglian.registries.models import Snapshot, Source
from qinglian.registries.schema import uscc_check_char
from qinglian.taskforce.models import Agency

NOISE_REGION = "349897"  # fictional: prefecture 98 of province 34 does not exist; no demo cadre uses 97
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅海燕春雷晨宇浩然子轩欣怡佳琪"
COMPANY_HEADS = [
    "宏达",
    "鑫源",
    "恒通",
    "华盛",
    "兴业",
    "永安",
    "瑞丰",
    "金桥",
    "广厦",
    "安泰",
    "东升",
    "利民",
    "顺发",
    "天成",
    "嘉禾",
]
COMPANY_TRADES = [
    ("建筑工程", "E4790"), ("路桥工程", "E4812"), ("水利工程", "E4822"), ("商贸", "F5191"),
    ("物业管理", "K7020"), ("信息技术", "I6510"), ("医疗器械", "F5174"), ("运输", "G5430"),
    ("园林绿化", "N7850"), ("餐饮管理", "H6210"), ("农业开发", "A0141"), ("教育咨询", "P8399"),
]  # fmt: skip
# A GB/T 4754 code in the field of a unit's sector (the matching app's default mapping).
SECTOR_INDUSTRY = {
    "住房建设": ("E4790", "建筑工程"), "交通运输": ("E4812", "路桥工程"), "水利": ("E4822", "水利工程"),
    "自然资源": ("B1019", "矿业开发"), "教育": ("P8399", "教育咨询"), "卫生健康": ("C2770", "医疗器械制造"),
    "城市建设": ("N7810", "市政设施管理"), "城市管理": ("N7810", "市政设施管理"), "农业农村": ("A0141", "农业开发"),
    "生态环境": ("N7721", "环保科技"),
}  # fmt: skip

COMPANY_HEADERS = ["企业名称", "统一社会信用代码", "行业代码", "企业住所", "姓名", "身份证号", "出生日期", "身份", "职务",
                   "持股比例(%)", "任职日期"]  # fmt: skip
AWARD_HEADERS = [
    "采购单位",
    "中标单位",
    "中标单位统一社会信用代码",
    "项目名称",
    "项目编号",
    "中标金额(元)",
    "中标日期",
]
VEHICLE_HEADERS = [
    "姓名",
    "身份证号",
    "号牌号码",
    "车辆类型",
    "违法行为",
    "违法时间",
    "决定书编号",
    "处理机关",
]
COURT_HEADERS = ["姓名", "身份证号", "类别", "案号", "法院", "案由", "当事人地位", "日期", "金额(元)"]
PROPERTY_HEADERS = ["权利人", "证件号码", "坐落", "建筑面积", "用途", "登记日期"]
SOCIAL_HEADERS = ["姓名", "身份证号", "社会组织名称", "职务", "任职日期"]


@dataclass
class Planted:
    relative_contract: dict = field(default_factory=dict)
    retired_board: dict = field(default_factory=dict)
    drunk_driving: dict = field(default_factory=dict)


@dataclass
class Summary:
    sources: int = 0
    snapshots: list = field(default_factory=list)  # (source, status, imported, excluded)
    planted: Planted = field(default_factory=Planted)

    def __str__(self):
        return f"外部数据源 {self.sources} 个，快照 {self.snapshots}；植入 {self.planted}"


class _Noise:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seq = 0

    def person(self) -> tuple[str, str, date]:
        self.seq += 1
        born = date(self.rng.randint(1950, 2000), self.rng.randint(1, 12), self.rng.randint(1, 28))
        name = self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
        )
        return name, make(NOISE_REGION, born, 100 + self.seq % 800), born

    def company(self, i: int, trade: tuple[str, str] | None = None) -> tuple[str, str, str]:
        label, code = trade or self.rng.choice(COMPANY_TRADES)
        name = f"东湖县{COMPANY_HEADS[i % len(COMPANY_HEADS)]}{label}有限公司" + (
            "" if i < len(COMPANY_HEADS) else f"（{i}）"
        )
        body = f"913498977{i:08d}"
        return name, body + uscc_check_char(body), code


def _csv(headers, rows, *, encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(headers)
    w.writerows(rows)
    data = out.getvalue().encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


def _xlsx(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bad_id(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def _upload(summary: Summary, actor, source: Source, data: bytes, filename: str, data_date: date) -> Snapshot:
    snap = services.snapshot_upload(actor=actor, source=source, data_date=data_date,
                                    file=SimpleUploadedFile(filename, data), filename=filename)  # fmt: skip
    snapshot_import(snapshot_id=snap.pk)  # as the worker would (a no-op if it already ran on commit)
    snap.refresh_from_db()
    summary.snapshots.append((source.name, snap.status, snap.imported_rows, snap.excluded_rows))
    return snap


def _id(enc: str) -> str:
    return reveal(enc) if enc else ""


def _pick_relative_case(rng: random.Random):
    """The head of the housing and construction bureau (or the most senior cadre of a building
    field unit) with a relative: spouse, child or sibling, one with an ID number first."""
    for code in ("QL-DH-ZJJ", "QL-DH-JTJ", "QL-DH-SLJ", "QL-DH-CT"):
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            continue
        cadres = sorted(Cadre.objects.filter(unit=unit, status="serving").prefetch_related("relatives"),
                        key=lambda c: (-POST_LEVEL_ORDER.get(c.post_level, 0), c.pk))  # fmt: skip
        for cadre in cadres:
            rels = sorted(cadre.relatives.all(), key=lambda r: (not r.id_number_enc, r.relation not in
                                                                  ("spouse", "child", "sibling"), r.pk))  # fmt: skip
            if rels:
                return unit, cadre, rels[0]
    return None


def _pick_retired_case(today: date):
    """A cadre retired within the last three years, deputy-section level or above, whose former
    unit has a sector that maps to an industry."""
    since = today - timedelta(days=3 * 365 - 30)
    retired = Cadre.objects.filter(
        status__in=["retired", "left"], status_date__gte=since, status_date__lte=today
    )
    for cadre in retired.order_by("-status_date", "pk")[:500]:
        if POST_LEVEL_ORDER.get(cadre.post_level, 0) < POST_LEVEL_ORDER["deputy_section"]:
            continue
        units = [cadre.unit] + [p.unit for p in Post.objects.filter(cadre=cadre).select_related("unit")]
        for unit in units:
            if unit is not None and unit.sector in SECTOR_INDUSTRY:
                return cadre, unit
    return None


def generate(*, users: dict, seed: int = 20261127, today: date | None = None) -> Summary:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    summary = Summary()
    actor = users["jiancha"]
    if Source.objects.filter(name="东湖县市场主体登记（企业及人员）").exists():
        return summary
    noise = _Noise(rng)
    agencies = {a.code: a for a in Agency.objects.all()}
    mk = lambda name, kind, **kw: services.source_create(actor=actor, name=name, kind=kind, **kw)  # noqa: E731
    company_src = mk("东湖县市场主体登记（企业及人员）", "company", agency_name="东湖县市场监督管理局",
                     column_map={"人员职务": "title"})  # fmt: skip
    award_src = mk("东湖县公共资源交易中标公告", "procurement", agency_name="东湖县公共资源交易中心")
    police = agencies.get("gongan")
    vehicle_src = mk(
        "东湖县公安局交通违法记录", "vehicle", agency=police, agency_name="" if police else "东湖县公安局"
    )
    court = agencies.get("fayuan")
    court_src = mk(
        "东湖县人民法院裁判与执行信息", "court", agency=court, agency_name="" if court else "东湖县人民法院"
    )
    property_src = mk("东湖县不动产登记信息", "real_estate", agency_name="东湖县不动产登记中心")
    social_src = mk("东湖县社会组织负责人登记", "social_org", agency_name="东湖县民政局")
    summary.sources = 6

    # --- background rows -----------------------------------------------------------------
    companies = [noise.company(i) for i in range(60)]
    role_rows, people = [], []
    for name, code, industry in companies:
        for k in range(rng.randint(1, 4)):
            pname, pid, born = noise.person()
            people.append((pname, pid, born))
            role = "法定代表人" if k == 0 else rng.choice(["股东", "股东", "监事", "总经理", "董事"])
            share = str(rng.choice([10, 20, 30, 49, 51])) if role == "股东" else ""
            role_rows.append([name, code, industry, "东湖县城关镇", pname, pid, "", role, role if role != "股东" else "",
                              share, (today - timedelta(days=rng.randint(200, 3000))).isoformat()])  # fmt: skip
    old_rows = [r[:] for r in role_rows[: len(role_rows) // 2]]

    # --- 1. a relative's company wins contracts from the cadre's own unit ---------------------
    case = _pick_relative_case(rng)
    planted_name, planted_code, _ = noise.company(90, ("建筑工程", "E4790"))
    planted_name = "东湖县广厦鑫城建筑工程有限公司"
    if case is not None:
        unit, cadre, rel = case
        rid = _id(rel.id_number_enc)
        born = rel.birth_date.isoformat() if rel.birth_date and not rid else ""
        for role, share in (("法定代表人", ""), ("股东", "70")):
            role_rows.append([planted_name, planted_code, "E4790", "东湖县城关镇建设路8号", rel.name, rid, born, role,
                              "执行董事兼总经理" if role == "法定代表人" else "", share,
                              (today - timedelta(days=900)).isoformat()])  # fmt: skip
        pname, pid, _ = noise.person()
        role_rows.append([planted_name, planted_code, "E4790", "东湖县城关镇建设路8号", pname, pid, "", "股东", "", "30",
                          (today - timedelta(days=900)).isoformat()])  # fmt: skip
        summary.planted.relative_contract = {
            "cadre": cadre.name, "cadre_id": cadre.pk, "unit": unit.name, "relative": rel.name,
            "relation": rel.get_relation_display(), "relative_id_number": "yes" if rid else "no (name + birth date)",
            "company": planted_name, "credit_code": planted_code,
        }  # fmt: skip

    # --- 2. a retired cadre on the board of a company in his old field ------------------------
    retired = _pick_retired_case(today)
    if retired is not None:
        cadre, former = retired
        industry, trade = SECTOR_INDUSTRY[former.sector]
        r_name, r_code, _ = noise.company(91, (trade, industry))
        r_name = f"东湖县恒基{trade}有限公司"
        start = max((cadre.status_date or today) + timedelta(days=120), today - timedelta(days=200))
        role_rows.append([r_name, r_code, industry, "东湖县经济开发区", cadre.name, _id(cadre.id_number_enc), "", "董事",
                          "董事", "", min(start, today).isoformat()])  # fmt: skip
        summary.planted.retired_board = {
            "cadre": cadre.name, "cadre_id": cadre.pk, "retired_on": str(cadre.status_date),
            "former_unit": former.name, "sector": former.sector, "company": r_name, "industry_code": industry,
            "credit_code": r_code,
        }  # fmt: skip

    # Bad rows: an ID failing its check, a 15-digit legacy ID (valid), a date that is not one.
    pname, pid, born = noise.person()
    role_rows.append(
        [companies[0][0], companies[0][1], companies[0][2], "", pname, _bad_id(pid), "", "监事", "", "", ""]
    )
    pname, pid, born = noise.person()
    legacy = make(NOISE_REGION, born.replace(year=1965), 321)
    role_rows.append([companies[1][0], companies[1][1], companies[1][2], "", pname, legacy[:6] + legacy[8:17], "", "监事",
                      "", "", ""])  # fmt: skip
    role_rows.append([companies[2][0], companies[2][1], companies[2][2], "", noise.person()[0], "", "", "股东", "", "20",
                      "2023-02-30"])  # fmt: skip
    # The older snapshot (half the rows), then the current one with everything (UTF-8 with BOM).
    _upload(summary, actor, company_src, _csv(COMPANY_HEADERS, old_rows), "企业登记_2026年6月.csv",
            today - timedelta(days=150))  # fmt: skip
    _upload(summary, actor, company_src, _csv(COMPANY_HEADERS, role_rows, bom=True), "企业登记_最新.csv",
            today - timedelta(days=20))  # fmt: skip

    # --- procurement (Excel) --------------------------------------------------------------------
    buyers = list(Unit.objects.filter(code__startswith="QL-DH-", kind__in=["government_dept", "institution", "soe"])
                  .order_by("code").values_list("name", flat=True)[:30])  # fmt: skip
    award_rows = []
    for i in range(120):
        name, code, _ = rng.choice(companies)
        award_rows.append([rng.choice(buyers) if buyers else "东湖县政府采购中心", name, code,
                           f"{rng.choice(['办公设备采购', '道路维修', '校舍改造', '物业服务', '绿化养护', '信息系统运维'])}项目",
                           f"DHZB-{today.year - 1}-{i:04d}", f"{rng.randint(5, 500) * 1000}.00",
                           (today - timedelta(days=rng.randint(10, 1000))).isoformat()])  # fmt: skip
    if case is not None:
        unit = case[0]
        award_rows.append([unit.name, planted_name, planted_code, "城区保障性住房配套道路工程", f"DHZB-{today.year}-0901",
                           "2860000.00", (today - timedelta(days=240)).isoformat()])  # fmt: skip
        award_rows.append(["县住建局", planted_name, planted_code, "老旧小区改造（二期）", f"DHZB-{today.year}-0957",
                           "1475000.00", (today - timedelta(days=90)).isoformat()])  # fmt: skip
        services.buyer_mapping_set(actor=actor, buyer_name="县住建局", unit=unit)
        summary.planted.relative_contract["awards"] = [f"DHZB-{today.year}-0901 2,860,000 元",
                                                       f"DHZB-{today.year}-0957 1,475,000 元（采购单位写作“县住建局”，已对照）"]  # fmt: skip
    award_rows.append(
        ["东湖县教育局", "某公司", "", "课桌椅采购", "DHZB-X", "十万元", today.isoformat()]
    )  # bad amount
    _upload(
        summary,
        actor,
        award_src,
        _xlsx(AWARD_HEADERS, award_rows),
        "中标公告汇总.xlsx",
        today - timedelta(days=15),
    )

    # --- traffic offences (the police, GBK) -------------------------------------------------------
    vehicle_rows = []
    for i in range(150):
        pname, pid, _ = rng.choice(people) if people and rng.random() < 0.5 else noise.person()
        offence = rng.choice(
            ["机动车违反禁止标线指示", "超速行驶", "未按规定让行", "违法停车", "饮酒后驾驶机动车"]
        )
        vehicle_rows.append([pname, pid, f"皖R{rng.randint(10000, 99999)}", "小型轿车", offence,
                             (today - timedelta(days=rng.randint(10, 1500))).isoformat(),
                             f"东公交决字〔{today.year - 1}〕{i:05d}号", "东湖县公安局交通警察大队"])  # fmt: skip
    drunk = (Cadre.objects.filter(unit__code__startswith="QL-DH-", status="serving").exclude(id_number_enc="")
             .exclude(pk__in=[p.get("cadre_id") for p in (summary.planted.relative_contract,
                                                            summary.planted.retired_board) if p])
             .order_by("pk")[:8])  # fmt: skip
    drunk = list(drunk)[-1] if drunk else None
    if drunk is not None:
        when = today - timedelta(days=75)
        vehicle_rows.append([drunk.name, _id(drunk.id_number_enc), "皖R8M66A", "小型轿车", "醉酒驾驶机动车",
                             when.isoformat(), f"东公交决字〔{when.year}〕07731号", "东湖县公安局交通警察大队"])  # fmt: skip
        summary.planted.drunk_driving = {"cadre": drunk.name, "cadre_id": drunk.pk, "unit": str(drunk.unit),
                                         "date": when.isoformat(), "decision": f"东公交决字〔{when.year}〕07731号"}  # fmt: skip
    vehicle_rows.append(
        ["无证号", "12345", "皖R00000", "小型轿车", "超速行驶", today.isoformat(), "", ""]
    )  # bad ID
    uploader = users.get("zhuanban_ga") if police and users.get("zhuanban_ga") and services.can_upload(
        users["zhuanban_ga"], vehicle_src) else actor  # fmt: skip
    _upload(summary, uploader, vehicle_src, _csv(VEHICLE_HEADERS, vehicle_rows, encoding="gb18030"),
            "交通违法记录.csv", today - timedelta(days=10))  # fmt: skip

    # --- court, real estate, social organisations -------------------------------------------------
    court_rows = []
    for i in range(50):
        pname, pid, _ = noise.person()
        kind = rng.choice(["裁判文书", "被执行人", "失信被执行人"])
        court_rows.append([pname, pid, kind, f"（{today.year - 1}）皖9897{'执' if kind != '裁判文书' else '民初'}{i + 100}号",
                           "东湖县人民法院", rng.choice(["民间借贷纠纷", "买卖合同纠纷", "劳务合同纠纷"]),
                           "被执行人" if kind != "裁判文书" else "被告",
                           (today - timedelta(days=rng.randint(30, 900))).isoformat(),
                           str(rng.randint(1, 90) * 1000)])  # fmt: skip
    _upload(
        summary, actor, court_src, _csv(COURT_HEADERS, court_rows), "法院信息.csv", today - timedelta(days=30)
    )
    property_rows = []
    for _ in range(80):
        pname, pid, _ = rng.choice(people) if people else noise.person()
        property_rows.append([pname, pid, f"东湖县城关镇{rng.choice(['幸福路', '建设路', '湖滨路'])}{rng.randint(1, 300)}号",
                              f"{rng.randint(60, 180)}.{rng.randint(0, 99):02d}", "住宅",
                              (today - timedelta(days=rng.randint(100, 4000))).isoformat()])  # fmt: skip
    _upload(
        summary,
        actor,
        property_src,
        _csv(PROPERTY_HEADERS, property_rows),
        "不动产登记.csv",
        today - timedelta(days=40),
    )
    social_rows = []
    for _ in range(30):
        pname, pid, _ = noise.person()
        social_rows.append([pname, pid, rng.choice(["东湖县建筑业协会", "东湖县个体劳动者协会", "东湖县慈善总会"]),
                            rng.choice(["会长", "副会长", "秘书长", "理事"]),
                            (today - timedelta(days=rng.randint(100, 2000))).isoformat()])  # fmt: skip
    _upload(
        summary,
        actor,
        social_src,
        _csv(SOCIAL_HEADERS, social_rows),
        "社会组织负责人.csv",
        today - timedelta(days=60),
    )
    return summary
