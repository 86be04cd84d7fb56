"""The demo generator of the registries (qinglian/demo/registries_gen.py) on a small county: the
three planted conflicts are in the current snapshots with the planted cadres' own ID hashes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from qinglian.core.idnumber import DEMO_REGION, make, parse
from qinglian.demo.registries_gen import generate
from qinglian.people.cadre_services import relative_save
from qinglian.people.services import unit_create
from qinglian.registries.models import Award, BuyerUnitMapping, CompanyRole, Snapshot, Source, VehicleRecord

pytestmark = pytest.mark.django_db


def test_generate_plants_the_three_conflicts(make_user, make_cadre):
    mk = lambda code, name, kind, level, parent, **kw: unit_create(  # noqa: E731
        actor=None, code=code, name=name, kind=kind, level=level, parent=parent, **kw
    )
    county = mk("QL-DH", "东湖县", "jurisdiction", "county", None)
    jw = mk("QL-DH-JW", "东湖县纪委监委", "discipline_commission", "county", county)
    zjj = mk("QL-DH-ZJJ", "东湖县住房和城乡建设局", "government_dept", "county", county, sector="住房建设")
    jtj = mk("QL-DH-JTJ", "东湖县交通运输局", "government_dept", "county", county, sector="交通运输")
    head = make_cadre(zjj, "周局长", post_level="section")
    make_cadre(zjj, "吴科员", post_level="staff")
    son = relative_save(actor=None, cadre=head, data={"relation": "child", "name": "周小龙", "source": "declared",
                                                      "id_number": parse(make(DEMO_REGION, date(1992, 4, 4), 515))})  # fmt: skip
    today = timezone.localdate()
    old = make_cadre(jtj, "郑老局长", born=date(1963, 2, 2), post_level="section", status="retired",
                     status_date=today - timedelta(days=400))  # fmt: skip
    for i in range(3):
        make_cadre(jtj, f"在职{i}")
    users = {"jiancha": make_user("discipline_supervision", county, unit=jw, username="jiancha")}
    summary = generate(users=users)
    assert summary.sources == 6 and Source.objects.count() == 6
    assert [s[1] for s in summary.snapshots] == ["current"] * 7  # each at its import
    assert Snapshot.objects.filter(status="current").count() == 6
    assert Snapshot.objects.filter(status="superseded").count() == 1
    assert Snapshot.objects.filter(status="current", excluded_rows__gt=0).count() >= 3
    # 1. the son is legal representative of a company that won from his father's bureau
    roles = CompanyRole.objects.filter(person__id_number_hash=son.id_number_hash, snapshot__status="current")
    assert {r.role for r in roles} == {"legal_rep", "shareholder"}
    code = roles[0].company.credit_code
    won = Award.objects.filter(winner__credit_code=code, snapshot__status="current")
    assert won.count() == 2 and set(won.values_list("buyer_unit_id", flat=True)) == {zjj.pk}
    assert BuyerUnitMapping.objects.get().buyer_name == "县住建局"
    # 2. the retired cadre is director of a company in his old field (交通运输 -> E48)
    board = CompanyRole.objects.get(person__id_number_hash=old.id_number_hash, snapshot__status="current")
    assert board.role == "director" and board.company.industry_code.startswith("E48")
    assert summary.planted.retired_board["cadre"] == "郑老局长"
    # 3. a serving cadre's drunk driving
    drunk = VehicleRecord.objects.get(offence_type="drunk", snapshot__status="current")
    assert drunk.person.id_number_hash in {
        c.id_number_hash for c in head.__class__.objects.filter(status="serving")
    }
    assert summary.planted.drunk_driving["cadre_id"] not in (head.pk, old.pk)
    assert generate(users=users).sources == 0  # idempotent
