"""The unit filter of the cadre list renders its options in Python (bench/people_list.py showed
Django's per-option templates dominating the page); it must keep the markup's meaning."""

import re

from qinglian.people.forms import CadreFilterForm
from qinglian.people.models import Unit
from qinglian.people.selectors import unit_list
from qinglian.people.services import unit_create


def options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html
        )
    ]


def test_unit_filter_lists_only_the_units_in_scope_in_tree_order(tree, make_user):
    viewer = make_user("leadership", tree.county_b)
    form = CadreFilterForm(units=unit_list(viewer=viewer, capability="people.view"))
    opts = options(str(form["unit"]))
    assert opts[0] == ("", True, "全部单位")
    assert [label for _, _, label in opts[1:]] == ["乙县", "乙县教育局"]
    assert str(tree.dept_a1.pk) not in {value for value, _, _ in opts}


def test_unit_filter_marks_the_chosen_unit_selected_and_keeps_its_attributes(tree, make_user):
    viewer = make_user("leadership", tree.root)
    form = CadreFilterForm(
        {"unit": str(tree.township.pk)}, units=unit_list(viewer=viewer, capability="people.view")
    )
    assert form.is_valid()
    html = str(form["unit"])
    select_tag = re.match(r"<select([^>]*)>", html).group(1)
    assert dict(re.findall(r'(\w+)="([^"]*)"', select_tag)) == {
        "name": "unit",
        "class": "form-select",
        "id": "id_unit",
    }
    selected = [(value, label) for value, is_selected, label in options(html) if is_selected]
    assert selected == [(str(tree.township.pk), "甲镇")]


def test_unit_names_are_escaped(tree, make_user):
    unit_create(
        actor=None, name='<b>"坏"单位</b>', code="A-X", kind="other", level="county", parent=tree.county_a
    )
    viewer = make_user("leadership", tree.root)
    html = str(CadreFilterForm(units=unit_list(viewer=viewer, capability="people.view"))["unit"])
    assert "<b>" not in html and "&lt;b&gt;&quot;坏&quot;单位&lt;/b&gt;" in html


def test_a_unit_outside_the_viewers_scope_is_refused_with_a_chinese_message(tree, make_user):
    viewer = make_user("leadership", tree.county_b)
    form = CadreFilterForm(
        {"unit": str(tree.dept_a1.pk)}, units=unit_list(viewer=viewer, capability="people.view")
    )
    assert not form.is_valid()
    assert "选择一个有效的选项" in form.errors["unit"][0]


def test_list_page_query_count_does_not_grow_with_the_number_of_units(
    client, tree, make_user, login, make_cadre, django_assert_num_queries
):
    login(make_user("leadership", tree.root))
    make_cadre(tree.dept_a1, "张三")
    client.get("/people/cadres/")
    with django_assert_num_queries(13) as ctx:  # the unit filter adds one lookup
        response = client.get("/people/cadres/", {"unit": tree.county_a.pk})
    assert "张三" in response.content.decode()
    for i in range(40):
        unit_create(
            actor=None, name=f"新单位{i}", code=f"A-N{i}", kind="other", level="county", parent=tree.county_a
        )
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get("/people/cadres/", {"unit": tree.county_a.pk})
    assert response.content.decode().count("新单位") == 40
    assert Unit.objects.filter(code__startswith="A-N").count() == 40
