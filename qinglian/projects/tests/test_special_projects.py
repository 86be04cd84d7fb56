"""Special supervision projects: 选题 → 派单 → 报结 → 验单 (with a returned item), the figures, and
a unit that must not see another unit's items."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from qinglian.projects import selectors, services
from qinglian.projects.access import access_item, access_project
from qinglian.projects.models import DispatchItem, Evidence, ItemEvent
from qinglian.projects.tests.conftest import pdf_bytes, png_bytes
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db


def make_project(pj, **kw):
    today = timezone.localdate()
    data = dict(kind="five_n", field="工程建设领域", title="政府投资项目招投标专项监督", scope_text="全县政府投资项目",
                targets="住建、交通、水利部门及项目业主单位", period_start=today, period_end=today + timedelta(days=120),
                owner_unit=pj.tree.county_a)  # fmt: skip
    data.update(kw)
    return services.project_create(actor=pj.zuzhi, **data)


def dispatch(pj, project, unit, **kw):
    data = dict(
        matter="核查招投标程序是否合规", deadline=timezone.localdate() + timedelta(days=30), team="第二巡察组"
    )
    data.update(kw)
    return services.item_dispatch(actor=pj.zuzhi, project=project, unit=unit, **data)


def report(user, item, **kw):
    data = dict(result="已核查，发现问题并整改", problems_found=3, problems_rectified=2, money_recovered="12500.50",
                people_handled=1, files=[("核查报告.pdf", pdf_bytes(), "application/pdf")])  # fmt: skip
    data.update(kw)
    return services.item_report(actor=user, item=item, **data)


def test_project_from_topic_to_verified_items_with_a_returned_item(pj):
    t = pj.tree
    with pytest.raises(PermissionDenied):
        make_project(pj, owner_unit=t.county_b)
    with pytest.raises(ValidationError):
        make_project(pj, period_end=timezone.localdate() - timedelta(days=1))
    project = make_project(pj)
    assert project.status == "topic"
    item1 = dispatch(pj, project, t.township)
    item2 = dispatch(pj, project, t.dept_a1, team="")
    item3 = dispatch(pj, project, t.dept_a3)
    project.refresh_from_db()
    assert project.status == "dispatched" and [item1.number, item2.number, item3.number] == [1, 2, 3]
    for item in (item1, item2, item3):  # each item is a to-do for its unit
        assert item.workitem.assignee_unit == item.unit and item.workitem.status == "open"
    with pytest.raises(ValidationError):  # not a unit the organiser dispatches to
        dispatch(pj, project, t.dept_b1)
    with pytest.raises(ValidationError):
        dispatch(pj, project, t.dept_a2, deadline=timezone.localdate() - timedelta(days=1))

    # The township reports its item closed; nobody else may.
    with pytest.raises(PermissionDenied):
        report(pj.stationed, item1)
    with pytest.raises(ValidationError) as exc:
        report(pj.township, item1, problems_rectified=5)
    assert "problems_rectified" in exc.value.message_dict
    with pytest.raises(ValidationError):
        report(pj.township, item1, files=[("x.pdf", b"<html><script>alert(1)</script>", "")])
    with pytest.raises(ValidationError):
        report(pj.township, item1, files=[])  # evidence is required
    with pytest.raises(ValidationError):
        report(pj.township, item1, money_recovered="-1")
    item1.refresh_from_db()
    assert item1.status == "dispatched" and not Evidence.objects.exists()
    item1 = report(pj.township, item1)
    assert item1.status == "reported" and item1.money_recovered == Decimal("12500.50")
    item1.workitem.refresh_from_db()
    assert item1.workitem.status == "done"

    # 验单: returned with a reason, then passed.
    with pytest.raises(PermissionDenied):
        services.item_verify(actor=pj.township, item=item1, passed=True)
    with pytest.raises(ValidationError):
        services.item_verify(actor=pj.jiwei, item=item1, passed=False, reason="")
    item1 = services.item_verify(
        actor=pj.jiwei, item=item1, passed=False, reason="整改佐证不全，缺少整改前后对比"
    )
    assert item1.status == "returned" and item1.times_returned == 1
    assert item1.workitem.status == "open" and item1.workitem.assignee_unit == t.township
    assert selectors.figures(viewer=pj.zuzhi)["total"]["found"] == 0  # not verified: not counted
    item1 = report(
        pj.township, item1, problems_rectified=3, files=[("整改照片.png", png_bytes(), "image/png")]
    )
    item1 = services.item_verify(actor=pj.jiwei, item=item1, passed=True)
    assert item1.status == "verified" and item1.verified_by == pj.jiwei
    assert list(ItemEvent.objects.filter(item=item1).values_list("action", flat=True)) == [
        "dispatched", "reported", "returned", "reported", "verified"]  # fmt: skip
    with pytest.raises(ValidationError):
        services.project_close(actor=pj.zuzhi, project=project)  # two items still open

    report(pj.stationed, item2, problems_found=1, problems_rectified=1, money_recovered="0", people_handled=0)
    services.item_verify(actor=pj.zuzhi, item=item2, passed=True)
    report(pj.agency, item3, problems_found=2, problems_rectified=2, money_recovered="7000", people_handled=2)
    services.item_verify(actor=pj.zuzhi, item=item3, passed=True)
    project = services.project_close(actor=pj.zuzhi, project=project)
    assert project.status == "closed"
    with pytest.raises(ValidationError):
        dispatch(pj, project, t.township)

    figures = selectors.figures(viewer=pj.leader)["total"]
    assert (figures["found"], figures["rectified"], figures["people"]) == (6, 6, 3)
    assert figures["money"] == Decimal("19500.50") and figures["n_verified"] == 3
    assert selectors.figures(viewer=pj.outsider)["total"]["n_items"] == 0
    [row] = selectors.with_figures([project])
    assert row.figures["found"] == 6
    assert not WorkItem.objects.filter(kind=services.ITEM_KIND, status="open").exists()


def test_unit_user_does_not_see_another_units_items(pj):
    t = pj.tree
    project = make_project(pj, kind="small_cut", field="N：殡葬领域", title="殡葬领域“小切口”监督")
    mine = dispatch(pj, project, t.township)
    theirs = dispatch(pj, project, t.dept_a3)
    other_project = make_project(pj, title="另一项目")
    dispatch(pj, other_project, t.dept_a1)
    assert list(selectors.my_items(viewer=pj.township)) == [mine]
    assert list(selectors.my_items(viewer=pj.agency)) == [theirs]
    assert list(selectors.my_items(viewer=pj.agency_b)) == []
    assert access_item(pj.township, mine.pk) == mine
    assert access_project(pj.township, project.pk) == project
    for user, item in [(pj.township, theirs), (pj.agency, mine), (pj.agency_b, theirs), (pj.outsider, mine)]:
        with pytest.raises(Http404):
            access_item(user, item.pk)
    for user, p in [(pj.township, other_project), (pj.agency_b, project), (pj.outsider, project)]:
        with pytest.raises(Http404):
            access_project(user, p.pk)
    assert access_item(pj.leader, theirs.pk) == theirs  # leadership oversees the county's projects
    with pytest.raises(PermissionDenied):
        report(pj.township, theirs)
    assert DispatchItem.objects.filter(status="reported").count() == 0


def test_dispatch_deadline_and_project_period_validation(pj):
    project = make_project(pj)
    with pytest.raises(ValidationError) as exc:
        services.item_dispatch(
            actor=pj.zuzhi, project=project, unit=pj.tree.township, matter=" ", deadline=None
        )
    assert {"matter", "deadline"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.item_dispatch(actor=pj.township, project=project, unit=pj.tree.township, matter="x",
                               deadline=date.today() + timedelta(days=3))  # fmt: skip
    assert not DispatchItem.objects.exists()
