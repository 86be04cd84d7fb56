"""A seeded generator of fictional cadres, posts and relatives with realistic distributions.

Names are drawn from Faker's zh_CN surname frequencies and given-name characters; ID numbers use
the demo region (qinglian.core.idnumber.DEMO_REGION), which no real county has, so no generated
number can belong to a real citizen. Everything a row needs (encrypted ID, hashes, search tokens)
is computed here, so that loading (qinglian.people.bulk) is a pure insert and can be timed alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from faker.providers.person.zh_CN import Provider as ZhNames

from qinglian.core.crypto import encrypt, keyed_hash
from qinglian.core.idnumber import DEMO_REGION, check_char, mask
from qinglian.people.identity import ID_PURPOSE, name_tokens, tail_hash

SURNAMES = list(ZhNames.last_names.keys())
SURNAME_WEIGHTS = list(ZhNames.last_names.values())
GIVEN_MALE = ZhNames.first_names_male
GIVEN_FEMALE = ZhNames.first_names_female
SINGLE_MALE = [g for g in GIVEN_MALE if len(g) == 1]
SINGLE_FEMALE = [g for g in GIVEN_FEMALE if len(g) == 1]
ETHNICITIES = ["汉族"] * 92 + ["回族", "满族", "土家族", "苗族", "蒙古族", "壮族", "彝族", "藏族"]
COMPANY_WORDS = [
    "恒信",
    "宏达",
    "鑫源",
    "华泰",
    "瑞丰",
    "国盛",
    "兴业",
    "金诚",
    "永安",
    "德润",
    "博远",
    "中联",
]
COMPANY_KINDS = [
    "建设工程有限公司",
    "商贸有限公司",
    "科技有限公司",
    "物业管理有限公司",
    "劳务有限公司",
    "农业开发有限公司",
]
JOBS = [
    "教师",
    "医生",
    "会计",
    "工程师",
    "公务员",
    "个体经营",
    "企业职员",
    "退休",
    "学生",
    "销售经理",
    "律师",
]

# (title, level, weight) per kind of unit; the first row is the unit's top leader.
TITLES = {
    "county_dept": [
        ("局长", "section", 1),
        ("副局长", "deputy_section", 3),
        ("股长", "staff", 6),
        ("科员", "staff", 20),
    ],
    "party": [
        ("部长", "section", 1),
        ("副部长", "deputy_section", 2),
        ("股长", "staff", 4),
        ("科员", "staff", 10),
    ],
    "township": [
        ("党委书记", "section", 1),
        ("镇长", "section", 1),
        ("副镇长", "deputy_section", 4),
        ("站所负责人", "staff", 6),
        ("科员", "staff", 25),
    ],
    "village": [("村党组织书记", "clerk", 1), ("村委会副主任", "clerk", 1), ("村委委员", "clerk", 3)],
    "soe": [
        ("董事长", "section", 1),
        ("副总经理", "deputy_section", 3),
        ("部门经理", "staff", 8),
        ("职员", "staff", 20),
    ],
    "institution": [
        ("院长（校长）", "section", 1),
        ("副院长（副校长）", "deputy_section", 3),
        ("科室主任", "staff", 8),
        ("工作人员", "staff", 25),
    ],
    "city": [
        ("主任", "division", 1),
        ("副主任", "deputy_division", 3),
        ("处长", "section", 6),
        ("科员", "staff", 15),
    ],
    "county_top": [
        ("书记", "division", 1),
        ("副书记", "deputy_division", 2),
        ("常委", "deputy_division", 5),
        ("科长", "section", 6),
        ("科员", "staff", 20),
    ],
}
RANK_BY_LEVEL = {
    "clerk": ["none"], "staff": ["staff_1", "staff_2", "principal_4", "principal_3"],
    "deputy_section": ["principal_2", "principal_1", "principal_3"], "section": ["principal_1", "researcher_4"],
    "deputy_division": ["researcher_3", "researcher_2"], "division": ["researcher_1", "researcher_2"],
    "deputy_bureau": ["inspector_2"], "bureau": ["inspector_1"],
}  # fmt: skip
UNIT_SIZE = {"county_dept": 28, "party": 18, "township": 36, "village": 5, "soe": 30, "institution": 35,
             "city": 24, "county_top": 25}  # fmt: skip


def unit_profile(kind: str, level: str) -> str:
    if kind == "village":
        return "village"
    if kind == "township":
        return "township"
    if kind == "soe":
        return "soe"
    if kind == "institution":
        return "institution"
    if level == "city":
        return "city"
    if kind in ("party_committee", "peoples_congress", "government", "cppcc"):
        return "county_top"
    if kind in ("party_dept", "discipline_commission", "stationed_group", "township_committee", "mass_org"):
        return "party"
    return "county_dept"


@dataclass
class Generated:
    cadres: list[tuple] = field(default_factory=list)
    tokens: list[tuple] = field(default_factory=list)
    posts: list[tuple] = field(default_factory=list)
    relatives: list[tuple] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)  # in clear, for benchmarks and tests only


@dataclass(frozen=True)
class UnitInfo:
    id: int
    kind: str
    level: str
    path: str  # the materialised path, copied into the search tokens

    @classmethod
    def of_units(cls, units) -> list[UnitInfo]:
        return [cls(u.id, u.kind, u.level, u.path) for u in units]


class CadreGenerator:
    def __init__(self, units: list[UnitInfo], *, seed: int = 20261124, today: date | None = None):
        self.rng = random.Random(seed)
        self.units = units
        self.today = today or date(2026, 11, 24)
        self.now = timezone.make_aware(datetime(2026, 11, 24, 9, 0))
        self.sequences: dict[date, int] = {}
        self.profiles = [unit_profile(u.kind, u.level) for u in units]
        self.weights = [UNIT_SIZE[p] for p in self.profiles]

    def _name(self, gender: str) -> str:
        rng = self.rng
        surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
        pool, singles = (GIVEN_MALE, SINGLE_MALE) if gender == "male" else (GIVEN_FEMALE, SINGLE_FEMALE)
        given = rng.choice(pool)
        if len(given) == 1 and rng.random() < 0.6:
            given += rng.choice(singles)
        return surname + given

    def _id_number(self, born: date, gender: str) -> str:
        seq = self.sequences.get(born, 0)
        while seq % 2 != (1 if gender == "male" else 0):
            seq += 1
        if seq > 999:
            raise ValueError("too many people born on one day for the demo region")
        self.sequences[born] = seq + 1
        first17 = f"{DEMO_REGION}{born:%Y%m%d}{seq:03d}"
        return first17 + check_char(first17)

    def _birth(self, min_age: int, max_age: int) -> date:
        age_days = self.rng.randint(min_age * 365, max_age * 365)
        return self.today - timedelta(days=age_days)

    def generate(
        self,
        n: int,
        *,
        first_id: int = 1,
        first_token_id: int = 1,
        first_post_id: int = 1,
        first_relative_id: int = 1,
        relatives_per_cadre: float = 2.0,
    ) -> Generated:
        rng, out = self.rng, Generated()
        token_id, post_id, rel_id = first_token_id, first_post_id, first_relative_id
        unit_indexes = rng.choices(range(len(self.units)), self.weights, k=n)
        top_taken: set[int] = set()
        for i, ui in enumerate(unit_indexes):
            cid = first_id + i
            unit, profile = self.units[ui], self.profiles[ui]
            titles = TITLES[profile]
            is_top = ui not in top_taken and rng.random() < 0.6
            if is_top:
                top_taken.add(ui)
                title, level, _ = titles[0]
            else:
                title, level, _ = rng.choices(titles[1:], [t[2] for t in titles[1:]])[0]
            leader = is_top or level in ("deputy_section", "section", "deputy_division", "division")
            gender = "male" if rng.random() < (0.75 if leader else 0.55) else "female"
            retired = rng.random() < 0.10
            if retired:
                born = self._birth(61, 80)
            elif leader:
                born = self._birth(32, 59)
            else:
                born = self._birth(22, 59)
            number = self._id_number(born, gender)
            name = self._name(gender)
            tokens = sorted(name_tokens(name))
            party = rng.random() < (0.97 if leader else 0.8)
            join = born + timedelta(days=rng.randint(19 * 365, 30 * 365)) if party else None
            if join and join > self.today:
                join = self.today - timedelta(days=rng.randint(30, 3000))
            employment = {"village": "village", "soe": "soe", "institution": "institution"}.get(profile) or (
                "reference" if unit.kind in ("mass_org", "peoples_congress", "cppcc") else "civil_servant"
            )
            if profile not in ("village",) and rng.random() < 0.06:
                employment = "contract"
            status, status_date = "serving", None
            if retired:
                status, status_date = "retired", born.replace(year=born.year + 60) if born.month != 2 or born.day != 29 \
                    else date(born.year + 60, 2, 28)  # fmt: skip
            elif rng.random() < 0.01:
                status, status_date = (
                    rng.choice(["left", "transferred"]),
                    self.today - timedelta(days=rng.randint(1, 900)),
                )
            dual = profile == "village" and is_top and rng.random() < 0.7
            out.id_numbers.append(number)
            out.cadres.append((
                cid, name, gender, rng.choice(ETHNICITIES), born, encrypt(number, purpose=ID_PURPOSE),
                keyed_hash(number), mask(number), tail_hash(number[-5:]), tail_hash(number[-6:]), "", party, join,
                rng.choice(["bachelor"] * 6 + ["master"] * 2 + ["college"] * 2 + ["doctorate"]), unit.id, title,
                level, rng.choice(RANK_BY_LEVEL[level]), leader and profile != "village", is_top,
                is_top or (leader and rng.random() < 0.3), unit.kind in ("court", "procuratorate") or rng.random() < 0.05,
                unit.kind in ("court", "procuratorate"), dual,
                "city" if profile == "city" or level in ("division", "deputy_division") else "county",
                employment, status, status_date, f"13{rng.randint(100000000, 999999999)}", None,
                " ".join(tokens)[:255], self.now, self.now,
            ))  # fmt: skip
            for t in tokens:
                out.tokens.append((token_id, cid, t, name, unit.path, status))
                token_id += 1
            start = self.today - timedelta(days=rng.randint(30, 6 * 365))
            if status_date is not None and start >= status_date:
                start = status_date - timedelta(days=rng.randint(365, 8 * 365))
            previous = rng.randint(0, 3)
            history_start = start
            for _ in range(previous):
                earlier = history_start - timedelta(days=rng.randint(365, 5 * 365))
                prev_unit = self.units[rng.randrange(len(self.units))]
                out.posts.append(
                    (
                        post_id,
                        cid,
                        prev_unit.id,
                        rng.choice(["科员", "干事", "办事员"]),
                        "staff",
                        earlier,
                        history_start,
                        "",
                    )
                )
                post_id += 1
                history_start = earlier
            out.posts.append((post_id, cid, unit.id, title, level, start, status_date, ""))
            post_id += 1
            age = (self.today - born).days // 365
            n_rel = 0
            if rng.random() < 0.85 and age > 25:
                n_rel += 1
                rel_id = self._relative(out, rel_id, cid, "spouse", born, gender)
            for _ in range(rng.choices([0, 1, 2], [0.2, 0.55, 0.25])[0] if age > 30 else 0):
                if n_rel >= relatives_per_cadre * 2:
                    break
                n_rel += 1
                rel_id = self._relative(
                    out, rel_id, cid, "child", born + timedelta(days=rng.randint(24, 36) * 365)
                )
            while n_rel < relatives_per_cadre and rng.random() < 0.6:
                n_rel += 1
                rel_id = self._relative(
                    out, rel_id, cid, rng.choice(["parent", "sibling", "child_spouse"]), born
                )
        return out

    def _relative(
        self, out: Generated, rel_id: int, cid: int, relation: str, near: date, cadre_gender=None
    ) -> int:
        rng = self.rng
        gender = (
            ("female" if cadre_gender == "male" else "male")
            if relation == "spouse"
            else rng.choice(["male", "female"])
        )
        born = near + timedelta(days=rng.randint(-5 * 365, 5 * 365))
        if relation == "parent":
            born = near - timedelta(days=rng.randint(22 * 365, 35 * 365))
        if born > self.today - timedelta(days=365):
            born = self.today - timedelta(days=rng.randint(365, 20 * 365))
        known = rng.random() < 0.6
        number = self._id_number(born, gender) if known else ""
        employer_unit, code, company, job = None, "", "", rng.choice(JOBS)
        r = rng.random()
        if r < 0.2:
            employer_unit = self.units[rng.randrange(len(self.units))].id
        elif r < 0.45:
            code = _credit_code(rng)
            company = f"青岚市{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_KINDS)}"
        elif r < 0.7:
            company = rng.choice(["个体", "自由职业", "务农", "在读"])
        abroad = rng.random() < 0.02
        out.relatives.append((
            rel_id, cid, relation, self._name(gender), born,
            encrypt(number, purpose=ID_PURPOSE) if known else "", keyed_hash(number) if known else "",
            mask(number) if known else "", employer_unit, code, company, job, abroad, abroad and rng.random() < 0.3,
            "declared", self.today - timedelta(days=rng.randint(10, 700)), self.now, self.now,
        ))  # fmt: skip
        return rel_id + 1


_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _credit_code(rng: random.Random) -> str:
    """A unified social credit code with a valid GB 32100 check character (fictional)."""
    body = "91" + "349899" + "".join(rng.choice(_CREDIT_CHARS) for _ in range(9))
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + _CREDIT_CHARS[(31 - total % 31) % 31]
