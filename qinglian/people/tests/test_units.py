import pytest
from django.core.exceptions import ValidationError

from qinglian.audit.models import AuditEvent
from qinglian.people.models import Unit, UnitChange
from qinglian.people.services import unit_create, unit_deactivate, unit_move, unit_update


def test_move_rewrites_the_whole_subtree_and_keeps_history(tree):
    unit_move(actor=None, unit=tree.township, new_parent=tree.county_b, reason="区划调整")
    village = Unit.objects.get(pk=tree.village.pk)
    assert village.path == f"{tree.county_b.path}{tree.township.pk}/{village.pk}/"
    assert village.depth == 3
    assert set(Unit.objects.filter(path__startswith=tree.county_b.path).values_list("code", flat=True)) >= {
        "A-T1",
        "A-T1-JW",
        "A-T1-V1",
    }
    change = UnitChange.objects.get(unit=tree.township, kind="moved")
    assert change.before["parent_id"] == tree.county_a.pk and change.reason == "区划调整"
    assert AuditEvent.objects.filter(action="unit.move", object_id=str(tree.township.pk)).exists()


def test_cannot_move_a_unit_under_its_own_descendant(tree):
    with pytest.raises(ValidationError):
        unit_move(actor=None, unit=tree.county_a, new_parent=tree.village, reason="误操作")


def test_rename_keeps_the_old_name_in_history(tree):
    unit_update(actor=None, unit=tree.dept_a1, name="甲县教育和体育局", reason="机构改革")
    change = UnitChange.objects.get(unit=tree.dept_a1, kind="renamed")
    assert change.before["name"] == "甲县教育局" and change.after["name"] == "甲县教育和体育局"


def test_supervisor_must_be_a_supervising_body(tree):
    with pytest.raises(ValidationError) as exc:
        unit_update(actor=None, unit=tree.dept_a3, supervisor=tree.dept_a1)
    assert "supervisor" in exc.value.message_dict


def test_duplicate_code_and_second_root_are_refused(tree):
    with pytest.raises(ValidationError):
        unit_create(
            actor=None, name="重复", code="A-D1", kind="government_dept", level="county", parent=tree.root
        )
    with pytest.raises(ValidationError):
        unit_create(actor=None, name="另一个根", code="X", kind="jurisdiction", level="city")


def test_unit_with_active_children_cannot_be_deactivated(tree):
    with pytest.raises(ValidationError):
        unit_deactivate(actor=None, unit=tree.township, reason="撤并")
    unit_deactivate(actor=None, unit=tree.village, reason="撤并")
    assert not Unit.objects.get(pk=tree.village.pk).is_active


def test_unit_list_page_is_scoped_and_has_fixed_queries(
    client, tree, make_user, login, django_assert_num_queries
):
    login(make_user("township_committee", tree.township))
    client.get("/people/units/")  # warm caches (content types, sessions)
    with django_assert_num_queries(11):
        response = client.get("/people/units/")
    text = response.content.decode()
    assert "甲村" in text and "乙县教育局" not in text and "甲县教育局" not in text


def test_unit_detail_outside_scope_is_404(client, tree, make_user, login):
    login(make_user("township_committee", tree.township))
    assert client.get(f"/people/units/{tree.village.pk}/").status_code == 200
    assert client.get(f"/people/units/{tree.dept_b1.pk}/").status_code == 404


def test_unit_filters_and_bad_input(client, tree, make_user, login):
    login(make_user("leadership", tree.root))
    text = client.get("/people/units/", {"kind": "village"}).content.decode()
    assert "A-T1-V1" in text and "A-T1-JW" not in text
    assert client.get("/people/units/", {"kind": "nonsense", "page": "x"}).status_code == 200


def test_only_unit_managers_create_units(client, tree, make_user, login):
    login(make_user("leadership", tree.root))
    assert client.get("/people/units/new/").status_code == 403
    login(make_user("sysadmin", tree.root))
    response = client.post(
        "/people/units/new/",
        {
            "name": "甲县统计局",
            "code": "A-D9",
            "kind": "government_dept",
            "level": "county",
            "parent": tree.county_a.pk,
        },
    )
    assert response.status_code == 302
    assert Unit.objects.get(code="A-D9").path.startswith(tree.county_a.path)
    response = client.post("/people/units/new/", {"name": "", "code": "坏 代码"})
    assert response.status_code == 400 and "单位代码只能包含" in response.content.decode()


def test_unit_move_page_moves_the_subtree_with_a_reason(client, tree, make_user, login):
    login(make_user("sysadmin", tree.root))
    url = f"/people/units/{tree.township.pk}/move/"
    assert "调整隶属" in client.get(url).content.decode()
    response = client.post(url, {"parent": tree.county_b.pk, "reason": ""})
    assert response.status_code == 400
    assert Unit.objects.get(pk=tree.village.pk).path.startswith(tree.county_a.path)
    response = client.post(url, {"parent": tree.county_b.pk, "reason": "区划调整"})
    assert response.status_code == 302
    assert Unit.objects.get(pk=tree.village.pk).path.startswith(tree.county_b.path)
    own_child = client.post(
        f"/people/units/{tree.county_b.pk}/move/", {"parent": tree.township.pk, "reason": "x"}
    )
    assert own_child.status_code == 400
