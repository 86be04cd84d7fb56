"""Who must report (领导干部报告个人有关事项规定 2017 Art 2): by post level or rank, editable rule."""

from __future__ import annotations

from datetime import date

import pytest

from qinglian.declarations.selectors import annual_due, must_report, reporters
from qinglian.rules.registry import rule
from qinglian.rules.services import rule_param_set

ON = date(2026, 1, 10)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"post_level": "deputy_division"}, True),
        ({"post_level": "division"}, True),
        ({"post_level": "bureau"}, True),
        ({"post_level": "section"}, False),
        ({"post_level": "staff"}, False),
        ({"post_level": "section", "rank": "researcher_4"}, True),  # rank equivalent of county level
        ({"post_level": "section", "rank": "principal_1"}, False),
        ({"post_level": "division", "status": "retired"}, False),
    ],
)
def test_who_must_report_by_level_and_rank(tree, make_cadre, fields, expected):
    cadre = make_cadre(tree.dept_a1, **fields)
    assert must_report(cadre, ON) is expected
    assert reporters(ON).filter(pk=cadre.pk).exists() is expected


def test_the_rule_is_editable_and_effective_dated(tree, make_cadre, make_user):
    section_chief = make_cadre(tree.dept_a1, post_level="section")
    researcher = make_cadre(tree.dept_a1, post_level="staff", rank="researcher_4")
    admin = make_user("org_supervision", tree.root)
    rule_param_set(actor=admin, rule=rule("declarations.reporters"), key="min_post_level", value="正科级",
                   effective_from=date(2026, 3, 1), reason="本地扩大报告范围")  # fmt: skip
    rule_param_set(actor=admin, rule=rule("declarations.reporters"), key="min_rank", value="无",
                   effective_from=date(2026, 3, 1), reason="不按职级确定")  # fmt: skip
    assert not must_report(section_chief, ON) and must_report(researcher, ON)
    later = date(2026, 3, 2)
    assert must_report(section_chief, later) and not must_report(researcher, later)
    assert set(reporters(later).values_list("pk", flat=True)) == {section_chief.pk}


def test_annual_report_is_due_on_31_january(db):
    assert annual_due(2025) == date(2026, 1, 31)


def test_latest_submitted_many_reads_items_without_more_queries(tree, django_assert_num_queries):
    from qinglian.declarations.selectors import declared_items, latest_submitted_many
    from qinglian.declarations.tests.factories import cadre_in, submitted_declaration

    a, b, c = (cadre_in(tree.dept_a1, n) for n in ("甲", "乙", "丙"))
    submitted_declaration(tree.dept_a1, cadre=a)
    newer = submitted_declaration(
        tree.dept_a1, cadre=a, items=[("securities", {"account": "A1", "amount": "1.00"})]
    )
    only = submitted_declaration(tree.dept_a1, cadre=b)
    with django_assert_num_queries(2):  # the latest versions, their items
        found = latest_submitted_many([a.pk, b.pk, c.pk])
        assert found == {a.pk: newer, b.pk: only}
        assert [i.kind for i in declared_items(found[a.pk])] == ["securities"]


def test_the_scheduled_task_opens_the_annual_todos(tree, time_machine):
    from qinglian.declarations.tasks import open_annual_reports
    from qinglian.declarations.tests.factories import cadre_in
    from qinglian.workitems.models import WorkItem

    cadre_in(tree.dept_a1, "副县长甲")
    time_machine.move_to("2027-01-03 09:00:00+08:00")
    assert open_annual_reports.call() == 1
    assert WorkItem.objects.get(kind="declarations.annual").due_date == date(2027, 1, 31)
    assert open_annual_reports.call() == 0
