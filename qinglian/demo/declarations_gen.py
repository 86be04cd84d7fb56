"""Personal-matters reports for the demo county, seeded and set-based.

Every reporter of the county (rule `declarations.reporters`) gets last year's annual report in some
state: most submitted (version 1), some a change report on top (version 2), some still a draft, a
few nothing at all (so the reporters page shows every status). Family items follow the people
registry (relatives' jobs and residence abroad come from the relatives already there), property
items are invented (a home, sometimes a parking space, funds or shares, a salary). Every row goes
through the same validation as the form (`clean_row`), so what the demo holds could have been typed.

The demo's `cadre_self` login (ganbu) gets only the annual report of the year before last, so the
visitor can fill in last year's on the page and start a change report.

Rows are written in bulk: the audit log records people's own filings, not the demo's set-up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from qinglian.declarations.items import CREDIT_CHARS, CREDIT_WEIGHTS, KINDS, clean_row
from qinglian.declarations.models import Declaration, Item
from qinglian.declarations.selectors import reporters
from qinglian.people.models import Cadre, Relative, Unit

STREETS = [
    "人民路",
    "东湖大道",
    "解放街",
    "幸福路",
    "建设路",
    "滨江路",
    "文化路",
    "新华街",
    "青年路",
    "湖滨北路",
]
ESTATES = ["东湖花园", "锦绣家园", "滨江名苑", "书香小区", "阳光城", "湖畔雅居", "翠微苑", "新城国际"]
FUNDS = ["稳健增长混合", "沪深300指数", "中短债", "红利精选", "科技创新"]
PAYERS = ["县委党校", "市委党校", "某出版社", "县融媒体中心", "某大学继续教育学院"]


@dataclass
class Summary:
    reporters: int = 0
    submitted: int = 0
    changes: int = 0
    drafts: int = 0
    missing: int = 0
    items: int = 0


def _credit(rng: random.Random) -> str:
    body = "91349899" + "".join(rng.choice(CREDIT_CHARS) for _ in range(9))
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS, strict=True))
    return body + CREDIT_CHARS[(31 - total % 31) % 31]


class _Gen:
    def __init__(self, seed: int, today):
        self.rng = random.Random(seed)
        self.today = today

    def _row(self, kind: str, raw: dict) -> tuple[str, dict]:
        data, errors = clean_row(KINDS[kind], raw, strict=True, today=self.today)
        if errors:  # the generator must produce what the form accepts
            raise ValueError(f"demo row {kind} refused: {errors}")
        return kind, data

    def _date(self, start_year: int, end_year: int) -> str:
        y = self.rng.randint(start_year, end_year)
        d = min(
            self.today - timedelta(days=1),
            datetime(y, self.rng.randint(1, 12), self.rng.randint(1, 28)).date(),
        )
        return d.isoformat()

    def rows(self, cadre: Cadre, relatives: list[Relative], year: int) -> list[tuple[str, dict]]:
        rng = self.rng
        out = []
        spouse = next((r for r in relatives if r.relation == "spouse"), None)
        out.append(self._row("marriage", {"status": "married" if spouse else rng.choice(["unmarried", "divorced"]),
                                          "spouse_name": spouse.name if spouse else ""}))  # fmt: skip
        if rng.random() < 0.35:
            out.append(self._row("passport", {
                "number": f"E{rng.randint(10_000_000, 99_999_999)}", "issued_on": self._date(2016, 2020),
                "expires_on": f"{rng.randint(2027, 2030)}-06-30", "custody": "县委组织部", "trips": str(rng.randint(0, 2)),
            }))  # fmt: skip
        if rng.random() < 0.25:
            out.append(self._row("hkmt_permit", {
                "permit_type": "hk_macau", "number": f"C{rng.randint(10_000_000, 99_999_999)}",
                "issued_on": self._date(2018, 2021), "expires_on": f"{rng.randint(2027, 2031)}-03-31",
                "trips": str(rng.randint(0, 3)),
            }))  # fmt: skip
        for r in relatives:
            if r.relation in ("spouse", "child", "child_spouse") and (r.employer_name or r.job):
                out.append(self._row("family_jobs", {
                    "relation": r.relation, "name": r.name, "employer": r.employer_name or "无",
                    "credit_code": r.employer_credit_code, "job": r.job,
                }))  # fmt: skip
            if r.relation in ("spouse", "child") and (r.abroad or r.emigrated):
                out.append(self._row("family_abroad", {
                    "relation": r.relation, "name": r.name, "country": rng.choice(["澳大利亚", "加拿大", "新加坡", "英国"]),
                    "status": "emigrated" if r.emigrated else "resident", "since": self._date(2015, year),
                }))  # fmt: skip
        out.append(self._row("salary", {"source": cadre.unit.name[:100],
                                        "amount": f"{rng.randint(110, 260) * 1000 + rng.randint(0, 999)}.00"}))  # fmt: skip
        if rng.random() < 0.15:
            out.append(self._row("fees", {"fee_type": rng.choice(["lecture", "writing", "review"]),
                                          "payer": rng.choice(PAYERS), "amount": f"{rng.randint(5, 60) * 100}.00"}))  # fmt: skip
        street = rng.choice(STREETS)
        home = f"东湖县城关镇{street}{rng.randint(1, 300)}号{rng.choice(ESTATES)}{rng.randint(1, 20)}栋{rng.randint(1, 30)}0{rng.randint(1, 4)}室"
        out.append(self._row("real_estate", {
            "owner": rng.choice(["self", "spouse"]), "address": home, "use": "residential",
            "area": f"{rng.randint(70, 160)}.{rng.choice(['00', '50', '35', '80'])}", "share": rng.choice(["100", "100", "50"]),
            "acquired_on": self._date(2005, year),
        }))  # fmt: skip
        if rng.random() < 0.3:
            out.append(self._row("real_estate", {
                "owner": "self", "address": f"{home.split('栋')[0]}地下车位{rng.randint(1, 400)}号", "use": "parking",
                "area": f"{rng.randint(12, 15)}.00", "share": "100", "acquired_on": self._date(2010, year),
            }))  # fmt: skip
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            kind = rng.choice(["fund", "stock", "insurance"])
            out.append(self._row("securities", {
                "owner": rng.choice(["self", "spouse"]), "security_type": kind,
                "account": f"{'A' if kind == 'stock' else 'F' if kind == 'fund' else 'P'}{rng.randint(10**9, 10**10 - 1)}",
                "amount": f"{rng.randint(5, 400) * 1000}.00",
            }))  # fmt: skip
        for r in relatives:
            if r.relation in ("spouse", "child") and r.employer_credit_code and rng.random() < 0.2:
                out.append(self._row("family_business", {
                    "relation": r.relation, "name": r.name, "business_name": (r.employer_name or "某商贸有限公司")[:100],
                    "credit_code": r.employer_credit_code, "share": rng.choice(["30", "51", "100"]), "role": "股东",
                }))  # fmt: skip
        if rng.random() < 0.03:
            out.append(self._row("family_business", {
                "relation": "child", "name": "某某", "business_name": "东湖县某某商贸有限公司", "credit_code": _credit(rng),
                "share": "60", "role": "执行董事",
            }))  # fmt: skip
        return out


def _at(day, rng: random.Random) -> datetime:
    moment = timezone.make_aware(datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59))))
    return min(moment, timezone.now() - timedelta(minutes=5))


@transaction.atomic
def generate(*, county_code: str = "QL-DH", self_service_username: str = "ganbu", seed: int = 20261126,
             today=None) -> Summary:  # fmt: skip
    """Last year's reports for the reporters of the county `county_code` (see the module docstring)."""
    today = today or timezone.localdate()
    gen = _Gen(seed, today)
    rng = gen.rng
    year = today.year - 1
    county = Unit.objects.get(code=county_code)
    people = list(reporters(today).filter(unit__path__startswith=county.path).select_related("unit", "user")
                  .order_by("pk"))  # fmt: skip
    relatives: dict[int, list[Relative]] = {}
    for r in Relative.objects.filter(cadre__in=[c.pk for c in people]).order_by("cadre_id", "pk"):
        relatives.setdefault(r.cadre_id, []).append(r)
    summary = Summary(reporters=len(people))
    plans = []  # (declaration, rows)
    for cadre in people:
        rows = gen.rows(cadre, relatives.get(cadre.pk, []), year)
        is_self = cadre.user_id and cadre.user.username == self_service_username
        fate = (
            "older"
            if is_self
            else rng.choices(["submitted", "change", "draft", "missing"], [70, 10, 12, 8])[0]
        )
        if fate == "missing":
            summary.missing += 1
            continue
        if fate == "older":
            year_of, day = year - 1, today.replace(year=today.year - 1, month=1, day=rng.randint(5, 28))
        else:
            year_of, day = year, min(today, today.replace(month=1, day=rng.randint(5, 28)))
        created = _at(day - timedelta(days=rng.randint(0, 5)), rng)
        d = Declaration(cadre=cadre, kind="annual", year=year_of, created_at=created, updated_at=created,
                        created_by=cadre.user)  # fmt: skip
        if fate == "draft":
            summary.drafts += 1
        else:
            at = _at(day, rng)
            d.status, d.version, d.submitted_at, d.submitted_by, d.updated_at = (
                "submitted",
                1,
                at,
                cadre.user,
                at,
            )
            summary.submitted += 1
        plans.append((d, rows))
        if fate == "change":
            later = min(today, day + timedelta(days=rng.randint(30, 200)))
            at = _at(later, rng)
            extra = gen._row("real_estate", {
                "owner": "self", "address": f"东湖县城关镇{rng.choice(STREETS)}{rng.randint(1, 300)}号商铺", "use": "commercial",
                "area": f"{rng.randint(30, 90)}.00", "share": "100", "acquired_on": later.isoformat(),
            })  # fmt: skip
            change = Declaration(cadre=cadre, kind="change", year=later.year, status="submitted", version=2,
                                 previous=d, reason="新购商铺一处", created_at=at, updated_at=at, submitted_at=at,
                                 created_by=cadre.user, submitted_by=cadre.user)  # fmt: skip
            plans.append((change, [*rows, extra]))
            summary.changes += 1
    Declaration.objects.bulk_create([d for d, _ in plans if d.previous is None], batch_size=1000)
    for d, _ in plans:
        if d.previous is not None:
            d.previous_id = d.previous.pk
    Declaration.objects.bulk_create([d for d, _ in plans if d.previous is not None], batch_size=1000)
    items = []
    for d, rows in plans:
        positions: dict[str, int] = {}
        for kind, data in rows:
            positions[kind] = positions.get(kind, 0) + 1
            items.append(Item(declaration=d, kind=kind, position=positions[kind], data=data))
    Item.objects.bulk_create(items, batch_size=2000)
    summary.items = len(items)
    return summary
