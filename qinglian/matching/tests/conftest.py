"""A small world for matching tests: cadres with relatives in the shared unit tree, and a company
registry snapshot whose rows name some of them."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from qinglian.core.idnumber import DEMO_REGION, make, parse
from qinglian.people.cadre_services import relative_save
from qinglian.people.identity import id_fields


class World:
    pass


def registry_snapshot(user, kind="company", name="市场监管局企业登记", day=date(2026, 10, 1)):
    from qinglian.registries.models import Snapshot, Source

    source, _ = Source.objects.get_or_create(name=name, defaults={"kind": kind, "created_by": user})
    return Snapshot.objects.create(source=source, data_date=day, status="current", file_format="csv",
                                   filename="t.csv", sha256="0" * 64, imported_by=user, imported_at=timezone.now())  # fmt: skip


def registry_person(snapshot, row, name, *, number=None, born=None):
    from qinglian.registries.models import RegistryPerson

    fields = id_fields(parse(number)) if number else id_fields(None)
    return RegistryPerson.objects.create(snapshot=snapshot, row_number=row, name=name, birth_date=born,
                                         region_code=number[:6] if number else "", **fields)  # fmt: skip


def company(snapshot, row, name, credit, industry="5110", region=""):
    from qinglian.registries.models import Company

    return Company.objects.create(snapshot=snapshot, row_number=row, name=name, credit_code=credit,
                                  industry_code=industry, region_code=region)  # fmt: skip


def role(snapshot, row, person, comp, kind="legal_rep", **kw):
    from qinglian.registries.models import CompanyRole

    return CompanyRole.objects.create(
        snapshot=snapshot, row_number=row, person=person, company=comp, role=kind, **kw
    )


@pytest.fixture
def world(tree, make_user, make_cadre):
    w = World()
    w.tree = tree
    w.admin = make_user("discipline_supervision", tree.county_a)  # matching.manage + review over county A
    w.reviewer = make_user("discipline_supervision", tree.county_a)
    w.outsider = make_user("discipline_supervision", tree.county_b)
    w.leader = make_user("leadership", tree.county_a)
    w.chief = make_cadre(tree.dept_a1, "赵建国", post_level="division", born=date(1970, 3, 4))
    w.clerk = make_cadre(tree.dept_a2, "钱小明", post_level="staff", born=date(1990, 6, 7))
    w.spouse_number = make(DEMO_REGION, date(1972, 8, 9), 40)
    org = make_user("org_supervision", tree.root)
    w.spouse = relative_save(actor=None, cadre=w.chief, data={
        "relation": "spouse", "source": "declared", "name": "孙丽华", "birth_date": date(1972, 8, 9), "id_number": parse(w.spouse_number)})  # fmt: skip
    w.clerk_spouse_number = make(DEMO_REGION, date(1991, 1, 2), 42)
    w.clerk_spouse = relative_save(actor=None, cadre=w.clerk, data={
        "relation": "spouse", "source": "declared", "name": "李梅", "birth_date": date(1991, 1, 2), "id_number": parse(w.clerk_spouse_number)})  # fmt: skip
    w.org = org
    w.snap = registry_snapshot(w.admin)
    w.p_spouse = registry_person(w.snap, 2, "孙丽华", number=w.spouse_number, born=date(1972, 8, 9))
    w.p_clerk_spouse = registry_person(w.snap, 3, "李梅", number=w.clerk_spouse_number, born=date(1991, 1, 2))
    w.co = company(w.snap, 1, "甲县丽华商贸有限公司", "91330100MA00000001")
    w.co2 = company(w.snap, 4, "乙商贸有限公司", "91330100MA00000002")
    w.role = role(w.snap, 2, w.p_spouse, w.co, "legal_rep")
    w.role2 = role(w.snap, 3, w.p_clerk_spouse, w.co2, "shareholder", share_pct=40)
    return w
