"""Spot checks for the demo county, seeded, through the spotchecks services.

This year's random draw of the county's reporters (seed recorded, then the list); for some of the
sampled cadres encrypted packages to the real-estate registry and to the banks and securities
firms, and their returns imported as Excel files derived from what the cadres declared, with
seeded differences (an under-reported area, a parking space, a flat or a securities account not
declared); so the visitor finds checks consistent and decided, checks waiting for the cadre's
explanation and the comparison item by item. The demo's `cadre_self` login (ganbu) gets a targeted
check with a difference, so the explanation page can be tried. Call:

    from qinglian.demo import spotchecks_gen
    spotchecks_gen.generate(users={u.username: u for u in User.objects.all()})
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

from django.utils import timezone
from openpyxl import Workbook

from qinglian.people.models import Cadre, Unit
from qinglian.spotchecks import bridge, services
from qinglian.spotchecks.models import SampleRound, SpotCheck

RE_HEADERS = ["查核编号", "姓名", "不动产坐落", "建筑面积（平方米）", "产权份额（%）", "用途"]
FIN_HEADERS = ["查核编号", "姓名", "事项", "账户或统一社会信用代码", "机构名称", "金额（元）"]


@dataclass
class Summary:
    round_id: int | None = None
    sampled: int = 0
    requests: int = 0
    compared: int = 0
    asked: int = 0
    decided: int = 0
    passwords: dict = field(default_factory=dict)


def _xlsx(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _returns(rng: random.Random, code: str, cadre: Cadre, items) -> tuple[list, list]:
    """Real-estate and finance rows for one cadre, from the declared items with seeded differences."""
    estate, finance = [], []
    for it in items:
        if it.kind == "real_estate":
            area = float(it.values.get("area") or 0)
            if rng.random() < 0.15:
                area += rng.randint(8, 20)  # under-reported area → 漏报
            estate.append([code, cadre.name, it.key.get("address", ""), f"{area:.2f}", it.values.get("share") or "100",
                           "住宅"])  # fmt: skip
        elif it.kind == "securities":
            amount = float(it.values.get("amount") or 0) * (1.4 if rng.random() < 0.15 else 1.0)
            finance.append([code.replace("RE", "FI"), cadre.name, "股票基金投资型保险", it.key.get("account", ""),
                            "东湖证券营业部", f"{amount:.2f}"])  # fmt: skip
    roll = rng.random()
    if roll < 0.12:
        estate.append([code, cadre.name, f"东湖县滨湖花园{rng.randint(1, 30)}栋{rng.randint(1, 26)}02", "126.40", "100",
                       "住宅"])  # fmt: skip  # an undeclared flat → 瞒报
    elif roll < 0.22:
        estate.append(
            [code, cadre.name, f"东湖县幸福小区地下车位B-{rng.randint(1, 300)}", "13.20", "100", "车位"]
        )
    return estate, finance


def generate(*, users: dict, county_code: str = "QL-DH", seed: int = 20261128, packages: int = 12,
             today=None) -> Summary:  # fmt: skip
    """Draw this year's sample of the county, send packages for `packages` sampled cadres (with a
    submitted report), import the returns, decide the consistent ones; a check for ganbu."""
    from qinglian.spotchecks.models import AgencyRequest

    summary = Summary()
    actor = users.get("zuzhi") or next((u for u in users.values() if _is_org(u)), None)
    if actor is None:
        return summary
    rng = random.Random(seed)
    today = today or timezone.localdate()
    county = Unit.objects.get(code=county_code)
    rnd = SampleRound.objects.filter(year=today.year, scope_unit=county, status="drawn").first()
    if rnd is None:
        rnd = services.round_draw(actor=actor, year=today.year, scope_unit=county)
    summary.round_id, summary.sampled = rnd.pk, rnd.sample_size
    checks = [c for c in rnd.checks.filter(status="open").select_related("cadre", "unit").order_by("pk")
              if bridge.latest_submitted(c.cadre) is not None][:packages]  # fmt: skip
    ganbu = users.get("ganbu")
    own = Cadre.objects.filter(user=ganbu).select_related("unit").first() if ganbu is not None else None
    if own is not None and bridge.latest_submitted(own) is not None:
        checks.append(services.targeted_check_request(actor=actor, cadre=own, reason="拟提拔人选（凡提必核）",
                                                      source="appointments:demo"))  # fmt: skip
    if not checks or AgencyRequest.objects.filter(reason__startswith="演示：").exists():
        return summary
    estate_req, estate_pw = services.agency_request_create(
        actor=actor, agency="real_estate", checks=checks, reason="演示：年度随机抽查及拟提拔人选个人有关事项查核",
        issuing_unit=county)  # fmt: skip
    finance_req, finance_pw = services.agency_request_create(
        actor=actor, agency="finance", checks=checks, reason="演示：年度随机抽查及拟提拔人选个人有关事项查核",
        issuing_unit=county)  # fmt: skip
    summary.requests, summary.passwords = 2, {estate_req.number: estate_pw, finance_req.number: finance_pw}
    codes = {ln.spot_check_id: ln.code for ln in estate_req.lines.all()}
    fin_codes = {ln.spot_check_id: ln.code for ln in finance_req.lines.all()}
    estate_rows, finance_rows = [], []
    for check in checks:
        items = bridge.declared_items(bridge.latest_submitted(check.cadre))
        e, f = _returns(rng, codes[check.pk], check.cadre, items)
        if own is not None and check.cadre_id == own.pk:
            e.append([codes[check.pk], own.name, "东湖县滨湖花园8栋1802", "132.60", "100", "住宅"])
        estate_rows.extend(e)
        finance_rows.extend([fin_codes[check.pk], *r[1:]] for r in f)
    services.agency_return_import(actor=actor, agency_request=estate_req, data=_xlsx(RE_HEADERS, estate_rows),
                                  filename="不动产登记查询结果.xlsx")  # fmt: skip
    services.agency_return_import(actor=actor, agency_request=finance_req, data=_xlsx(FIN_HEADERS, finance_rows),
                                  filename="金融资产查询结果.xlsx")  # fmt: skip
    for check in SpotCheck.objects.filter(pk__in=[c.pk for c in checks]).select_related("cadre", "unit"):
        summary.compared += 1
        if check.status == SpotCheck.Status.EXPLAINING:
            summary.asked += 1
        elif check.proposed == "consistent":
            services.check_decide(actor=actor, check=check, result="consistent", handling=[],
                                  decider_name="干部监督科 王科长", note="经比对，如实报告")  # fmt: skip
            summary.decided += 1
    return summary


def _is_org(user) -> bool:
    from qinglian.accounts.scopes import has_capability

    return has_capability(user, "declarations.check")
