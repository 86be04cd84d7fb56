"""The "8+X" task force of the demo county (东湖县), seeded, through the taskforce services.

The standard members (seeded by the app) get their units in the demo county; the lead (zuzhi)
links the demo agency login `zhuanban` to the audit bureau, creates accounts for the court, the
police and the petitions bureau (their logins are returned for printing), issues the court an API
token, and shares traffic offences and court judgments (and both aggregates) with the audit bureau,
the monthly counts with the others. Then three months of reports: the audit bureau on time every
month, the court once late, the police on time, the petitions bureau missing last month (the scan
gives it a to-do). Reports are made through `report_submit` as the agency logins; the months before
this one are then dated back to when they would have arrived (the demo cannot travel in time), so
the grid shows on-time, late and missing cells.

Call: `generate(users={u.username: u for u in User.objects.filter(username__in=["zuzhi", "zhuanban"])})`.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from qinglian.accounts.models import User
from qinglian.accounts.services import role_assign, user_create
from qinglian.people.identity import reveal
from qinglian.people.models import Cadre, Unit
from qinglian.taskforce import services
from qinglian.taskforce.models import Agency, AgencyMember, MonthlyReport

UNITS = {"zuzhibu": "QL-DH-ZZB", "jiwei": "QL-DH-JW", "laoganbu": "QL-DH-LGJ", "renshe": "QL-DH-RSJ",
         "fulian": "QL-DH-FL", "tuanxianwei": "QL-DH-TW", "shenji": "QL-DH-SJJ", "fayuan": "QL-DH-FY",
         "jianchayuan": "QL-DH-JCY", "gongan": "QL-DH-GAJ", "xinfang": "QL-DH-XFJ"}  # fmt: skip
ACCOUNTS = [("fayuan", "zhuanban_fy", "专班成员单位（法院）"), ("gongan", "zhuanban_ga", "专班成员单位（公安局）"),
            ("xinfang", "zhuanban_xf", "专班成员单位（信访局）")]  # fmt: skip
ROWS = {
    "shenji": [("audit_finding", "经济责任审计发现违规发放津贴补贴{n}万元"), ("audit_finding", "专项资金审计发现未按规定招标")],
    "fayuan": [("court_judgment", "行政诉讼败诉，负有领导责任"), ("civil_case", "民间借贷纠纷一案被告")],
    "gongan": [("traffic_offence", "饮酒后驾驶机动车，已作行政处罚"), ("traffic_offence", "醉酒驾驶机动车，已移送起诉")],
    "xinfang": [("petition", "反映本人劳动报酬争议（信访人）")],
}  # fmt: skip


@dataclass
class Summary:
    agencies: int = 0
    reports: int = 0
    late: int = 0
    missing_todos: int = 0
    logins: dict = field(default_factory=dict)  # username -> password (printed by the demo loader)
    token: str = ""


def _month(today: date, back: int) -> date:
    y, m = today.year, today.month - back
    while m < 1:
        y, m = y - 1, m + 12
    return date(y, m, 1)


def generate(*, users: dict, seed: int = 20261127, today: date | None = None) -> Summary:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    summary = Summary()
    lead, audit_login = users.get("zuzhi"), users.get("zhuanban")
    services.seed_defaults()
    units = {u.code: u for u in Unit.objects.filter(code__in=UNITS.values())}
    agencies = {a.code: a for a in Agency.objects.all()}
    for code, unit_code in UNITS.items():
        a = agencies.get(code)
        if a is not None and a.unit_id is None and unit_code in units:
            agencies[code] = services.agency_save(actor=lead, agency=a, code=a.code, name=a.name, tier=a.tier,
                                                  unit=units[unit_code], order=a.order)  # fmt: skip
            summary.agencies += 1
    logins = {}
    if audit_login is not None and not AgencyMember.objects.filter(user=audit_login).exists():
        services.agency_member_link(actor=lead, agency=agencies["shenji"], user=audit_login)
    if audit_login is not None:
        logins["shenji"] = audit_login
    for code, username, name in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(9)
            user = user_create(actor=None, username=username, display_name=name, unit=agencies[code].unit,
                               password=password)  # fmt: skip
            role_assign(actor=None, user=user, role="taskforce_agency", reason="演示账号")
            services.agency_member_link(actor=lead, agency=agencies[code], user=user)
            summary.logins[username] = password
        logins[code] = user
    if not agencies["fayuan"].members.filter(user__is_integration=True).exists():
        _, summary.token = services.agency_token_issue(
            actor=lead, agency=agencies["fayuan"], name="法院审判管理系统"
        )
    services.agency_sharing_set(actor=lead, agency=agencies["shenji"], row_types=["traffic_offence", "court_judgment"],
                                aggregates=["monthly_counts", "report_status"])  # fmt: skip
    for code in ("fayuan", "gongan", "xinfang"):
        services.agency_sharing_set(
            actor=lead, agency=agencies[code], row_types=[], aggregates=["monthly_counts"]
        )
    if MonthlyReport.objects.exists():
        return summary
    county = Unit.objects.get(code="QL-DH")
    pool = list(
        Cadre.objects.filter(unit__path__startswith=county.path, status="serving").order_by("id")[:400]
    )
    numbers = {c.pk: c for c in pool}

    # (agency, months back, days after the month's end it arrived)
    plan = [("shenji", 3, 5), ("shenji", 2, 6), ("shenji", 1, 8), ("fayuan", 3, 7), ("fayuan", 2, 14),
            ("fayuan", 1, 9), ("gongan", 3, 4), ("gongan", 2, 3), ("gongan", 1, 6), ("xinfang", 3, 9),
            ("xinfang", 2, 10)]  # fmt: skip
    for code, back, days in plan:
        month = _month(today, back)
        rows = []
        for n in range(2, 2 + rng.randint(2, 5)):
            cadre = numbers[rng.choice(pool).pk]
            row_type, text = rng.choice(ROWS[code])
            occurred = month + timedelta(days=rng.randrange(27))
            rows.append((n, {"id_number": reveal(cadre.id_number_enc), "name": cadre.name,
                             "row_type": row_type, "occurred_on": occurred.isoformat(),
                             "summary": text.format(n=rng.randint(2, 30)),
                             "source_reference": f"{agencies[code].name[1:3]}〔{month.year}〕{rng.randint(10, 99)}号"}))  # fmt: skip
        result = services.report_submit(actor=logins[code], agency=agencies[code], month=month, rows=rows,
                                        channel="api" if code == "fayuan" else "excel",
                                        filename="" if code == "fayuan" else f"{month:%Y-%m}月报表.xlsx")  # fmt: skip
        if not result.ok:
            raise RuntimeError(f"demo report refused: {result.errors[:3]}")
        # Dated back to when it would have arrived (demo only: the service stamps "now").
        nxt = _month(today, back - 1)
        arrived = min(
            timezone.now(), timezone.make_aware(datetime.combine(nxt + timedelta(days=days - 1), time(10, 0)))
        )
        late = arrived.date() > result.report.deadline
        MonthlyReport.objects.filter(pk=result.report.pk).update(submitted_at=arrived, late=late)
        summary.reports += 1
        summary.late += late
    summary.missing_todos = services.missing_reports_scan(today)
    return summary
