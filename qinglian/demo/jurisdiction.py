"""The fictional demo jurisdiction: 青岚市 (a city that does not exist) with three counties.

Names are invented; nothing here describes a real place or person.
"""

from __future__ import annotations

import random

from qinglian.people.models import Unit
from qinglian.people.services import unit_create

CITY = "青岚市（虚构）"
COUNTIES = [("DH", "东湖县"), ("XL", "西岭县"), ("NX", "南溪县")]
# Names are templates: {c} is the county's name.
PARTY_BODIES = [
    ("WEI", "{c}委", "party_committee"),
    ("JW", "{c}纪委监委", "discipline_commission"),
    ("ZZB", "{c}委组织部", "party_dept"),
    ("XCB", "{c}委宣传部", "party_dept"),
    ("XCBAN", "{c}委巡察办", "party_dept"),
    ("RD", "{c}人大常委会", "peoples_congress"),
    ("ZF", "{c}人民政府", "government"),
    ("ZX", "{c}政协", "cppcc"),
    ("FY", "{c}人民法院", "court"),
    ("JCY", "{c}人民检察院", "procuratorate"),
]
DEPARTMENTS = [
    ("FGJ", "发展和改革局", "发展改革"), ("JXJ", "经济和信息化局", "工业信息"), ("JYJ", "教育局", "教育"),
    ("KJJ", "科学技术局", "科技"), ("MZJ", "民族宗教事务局", "民族宗教"), ("GAJ", "公安局", "公安"),
    ("MZHJ", "民政局", "民政"), ("SFJ", "司法局", "司法行政"), ("CZJ", "财政局", "财政"),
    ("RSJ", "人力资源和社会保障局", "人力社保"), ("ZRJ", "自然资源和规划局", "自然资源"),
    ("STJ", "生态环境分局", "生态环境"), ("ZJJ", "住房和城乡建设局", "住房建设"), ("JTJ", "交通运输局", "交通运输"),
    ("SLJ", "水利局", "水利"), ("NYJ", "农业农村局", "农业农村"), ("SWJ", "商务局", "商务"),
    ("WGJ", "文化广电旅游体育局", "文化旅游"), ("WJJ", "卫生健康局", "卫生健康"), ("TYJ", "退役军人事务局", "退役军人"),
    ("YJJ", "应急管理局", "应急管理"), ("SJJ", "审计局", "审计"), ("SCJ", "市场监督管理局", "市场监管"),
    ("TJJ", "统计局", "统计"), ("YBJ", "医疗保障局", "医疗保障"), ("XFJ", "信访局", "信访"),
    ("SJZ", "数据资源管理局", "数据管理"), ("ZWJ", "行政审批服务局", "行政审批"), ("LYJ", "林业局", "林业"),
    ("GXS", "供销合作社", "供销"), ("ZGJ", "城市管理局", "城市管理"), ("JGSW", "机关事务服务中心", "机关事务"),
    ("GZW", "国有资产事务中心", "国资"), ("XCZX", "乡村振兴服务中心", "乡村振兴"), ("ZFGJJ", "住房公积金管理部", "住房公积金"),
    ("SWJU", "税务局", "税务"), ("QXJ", "气象局", "气象"), ("YCJ", "烟草专卖局", "烟草"),
    ("DAG", "档案馆", "档案"), ("GSL", "工商业联合会", "工商联"),
]  # fmt: skip
MASS_ORGS = [("FL", "{c}妇联", "群团"), ("TW", "共青团{c}委", "群团"), ("LGJ", "{c}委老干部局", "老干部")]
SOES = [
    ("CT", "城市建设投资集团有限公司", "城市建设"), ("SW", "水务集团有限公司", "水务"),
    ("JT", "交通投资集团有限公司", "交通运输"), ("NT", "农业发展投资有限公司", "农业农村"),
]  # fmt: skip
INSTITUTIONS = [
    ("YY", "人民医院", "卫生健康"), ("ZYY", "中医院", "卫生健康"), ("FY2", "妇幼保健院", "卫生健康"),
    ("YZ", "第一中学", "教育"), ("EZ", "第二中学", "教育"), ("ZZ", "职业技术学校", "教育"), ("SX", "实验小学", "教育"),
]  # fmt: skip
TOWNSHIPS = [
    "清溪镇",
    "白石镇",
    "枫林乡",
    "桃源街道",
    "云台乡",
    "青山镇",
    "柳河镇",
    "金田乡",
    "石门镇",
    "凤岭街道",
    "新安镇",
    "龙泉乡",
    "三江镇",
    "长宁街道",
    "梅岭乡",
]
VILLAGE_NAMES = [
    "上塘村",
    "下湾村",
    "柳树村",
    "石桥村",
    "新华社区",
    "长岭村",
    "竹园村",
    "南街社区",
    "杨家村",
    "东山村",
    "西坪村",
    "荷花村",
    "高桥村",
    "前进社区",
    "和平社区",
    "枣林村",
    "双河村",
    "白沙村",
]


# Syllables for generated (fictional) county names when a bigger tree is asked for (benchmarks).
_NAME_HEADS = "安宝长丰福广和华嘉金静乐临龙明宁平庆瑞泰文祥兴永裕云"
_NAME_TAILS = "安昌川丰河湖江乐林陵宁平山泉水台阳源州"


def county_list(counties: int = 3) -> list[tuple[str, str]]:
    """The three named demo counties, then generated fictional ones (codes C004, C005...)."""
    extra = [
        (
            f"C{i:03d}",
            f"{_NAME_HEADS[i % len(_NAME_HEADS)]}{_NAME_TAILS[i // len(_NAME_HEADS) % len(_NAME_TAILS)]}县",
        )
        for i in range(len(COUNTIES) + 1, counties + 1)
    ]
    return (COUNTIES + extra)[:counties]


def build(actor=None, *, seed: int = 20261124, villages_per_township: int = 8, counties: int = 3) -> dict:
    """Create the tree (idempotent: returns the existing root if it is there). Returns key units.

    `counties` above 3 adds generated fictional counties of the same shape (for benchmarks)."""
    if root := Unit.objects.filter(parent__isnull=True).first():
        return _key_units(root)
    rng = random.Random(seed)

    def mk(code, name, kind, level, parent, sector="", supervisor=None):
        return unit_create(
            actor=actor,
            name=name,
            code=code,
            kind=kind,
            level=level,
            parent=parent,
            sector=sector,
            supervisor=supervisor,
        )

    root = mk("QL", CITY, "jurisdiction", "city", None)
    mk("QL-WEI", "青岚市委", "party_committee", "city", root)
    mk("QL-JW", "青岚市纪委监委", "discipline_commission", "city", root)
    mk("QL-ZZB", "青岚市委组织部", "party_dept", "city", root)
    mk("QL-XCBAN", "青岚市委巡察办", "party_dept", "city", root)
    for code, name in county_list(counties):
        county = mk(f"QL-{code}", name, "jurisdiction", "county", root)
        for sub, body, kind in PARTY_BODIES:
            mk(f"QL-{code}-{sub}", body.format(c=name), kind, "county", county)
        groups = [
            mk(
                f"QL-{code}-PZ{i}",
                f"{name}纪委监委派驻第{'一二三四五六'[i - 1]}纪检监察组",
                "stationed_group",
                "county",
                county,
            )
            for i in range(1, 7)
        ]
        for i, (sub, dept, sector) in enumerate(DEPARTMENTS):
            mk(
                f"QL-{code}-{sub}",
                f"{name}{dept}",
                "government_dept",
                "county",
                county,
                sector,
                groups[i % 6],
            )
        for sub, org, sector in MASS_ORGS:
            mk(f"QL-{code}-{sub}", org.format(c=name), "mass_org", "county", county, sector, groups[2])
        for sub, soe, sector in SOES:
            mk(f"QL-{code}-{sub}", f"{name}{soe}", "soe", "county", county, sector, groups[0])
        for sub, inst, sector in INSTITUTIONS:
            mk(f"QL-{code}-{sub}", f"{name}{inst}", "institution", "county", county, sector, groups[1])
        for t, town in enumerate(TOWNSHIPS, start=1):
            township = mk(f"QL-{code}-T{t:02d}", town, "township", "township", county)
            committee = mk(
                f"QL-{code}-T{t:02d}-JW", f"{town}纪委", "township_committee", "township", township
            )
            for v, village in enumerate(rng.sample(VILLAGE_NAMES, villages_per_township), start=1):
                mk(
                    f"QL-{code}-T{t:02d}-V{v:02d}",
                    village,
                    "village",
                    "village",
                    township,
                    supervisor=committee,
                )
    return _key_units(root)


def _key_units(root: Unit) -> dict:
    by_code = {
        u.code: u
        for u in Unit.objects.filter(
            code__in=[
                "QL-DH",
                "QL-DH-JW",
                "QL-DH-ZZB",
                "QL-DH-XCBAN",
                "QL-DH-PZ1",
                "QL-DH-T01",
                "QL-DH-T01-JW",
                "QL-DH-T01-V01",
                "QL-DH-SJJ",
                "QL-DH-JYJ",
                "QL-XL",
                "QL-DH-WEI",
            ]
        )
    }
    return {"root": root, "QL": root, **by_code}
