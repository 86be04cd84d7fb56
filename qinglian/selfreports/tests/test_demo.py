"""The demo generator plants what it says on a small county (the demo county's code)."""

from __future__ import annotations

from qinglian.demo import selfreports_gen
from qinglian.people.services import unit_create
from qinglian.selfreports.models import CopyPair, SelfReport


def test_demo_generator_plants_copies_and_an_unreadable_file(tree, make_user, make_cadre):
    county = unit_create(
        actor=None, code="QL-DH", name="东湖县", kind="jurisdiction", level="county", parent=tree.root
    )
    depts = [unit_create(actor=None, code=f"QL-DH-D{i}", name=f"东湖县局{i}", kind="government_dept", level="county",
                         parent=county) for i in range(3)]  # fmt: skip
    for i in range(10):
        make_cadre(depts[i % 3], f"领导{i:02d}", is_leadership_member=True, post_title="副局长")
    office = make_user("inspection_office", county)
    summary = selfreports_gen.generate(users={"xuncha": office})
    # 述职述廉 for three years each; 对照检查材料 for the copied leader, two copiers, the partial copy
    # and the three leaders after them; one encrypted file
    assert summary.reports == SelfReport.objects.count() == 10 * 3 + 7 + 1
    assert summary.unread == 1
    pairs = CopyPair.objects.filter(run_id=summary.run_id)
    assert summary.pairs == pairs.count()
    assert pairs.filter(same_person=True).count() >= 3 * 3  # three leaders, three years: 3 pairs each
    assert pairs.filter(same_person=False).exists()
