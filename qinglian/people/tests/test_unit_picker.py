"""The unit filter of the cadre list is a type-ahead (people:unit_pick) instead of a <select> of
every unit in scope (11,004 options at province size took ~20 ms of every page,
bench/people_list.py). It must stay scope-checked, work without JavaScript, and keep the page's
query count fixed whatever the number of units."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from qinglian.people.forms import CadreFilterForm
from qinglian.people.models import Unit
from qinglian.people.selectors import UNIT_PICK_LIMIT, unit_list
from qinglian.people.services import unit_create


def suggestions(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-unit-id="(\d+)" data-unit-name="([^"]*)"', html)


def filter_form(viewer, data):
    return CadreFilterForm(data, units=unit_list(viewer=viewer, capability="people.view"))


# --- the type-ahead endpoint ----------------------------------------------------------------


def test_pick_suggests_units_in_scope_by_name_and_code(client, tree, make_user, login):
    login(make_user("leadership", tree.root))
    response = client.get("/people/units/pick/", {"unit_name": "教育局"})
    assert response.status_code == 200
    assert set(suggestions(response.content.decode())) == {
        (str(tree.dept_a1.pk), "甲县教育局"),
        (str(tree.dept_b1.pk), "乙县教育局"),
    }
    by_code = suggestions(client.get("/people/units/pick/", {"unit_name": "a-d2"}).content.decode())
    assert by_code == [(str(tree.dept_a2.pk), "甲县财政局")]


def test_pick_lists_an_exact_name_first(client, tree, make_user, login):
    login(make_user("leadership", tree.root))
    html = client.get("/people/units/pick/", {"unit_name": "甲镇"}).content.decode()
    assert suggestions(html) == [(str(tree.township.pk), "甲镇"), (str(tree.t1_committee.pk), "甲镇纪委")]


def test_pick_never_suggests_a_unit_outside_the_viewers_scope(client, tree, make_user, login):
    login(make_user("leadership", tree.county_b))
    html = client.get("/people/units/pick/", {"unit_name": "教育局"}).content.decode()
    assert suggestions(html) == [(str(tree.dept_b1.pk), "乙县教育局")]
    html = client.get("/people/units/pick/", {"unit_name": "A-D1"}).content.decode()
    assert suggestions(html) == [] and "没有匹配的单位" in html


def test_pick_lists_at_most_twenty_and_says_there_are_more(client, tree, make_user, login):
    for i in range(UNIT_PICK_LIMIT + 5):
        unit_create(
            actor=None, name=f"测试站{i}", code=f"A-S{i}", kind="other", level="county", parent=tree.county_a
        )
    login(make_user("leadership", tree.root))
    html = client.get("/people/units/pick/", {"unit_name": "测试站"}).content.decode()
    assert len(suggestions(html)) == UNIT_PICK_LIMIT and "只列出前 20 个" in html


def test_pick_escapes_unit_names(client, tree, make_user, login):
    unit_create(
        actor=None, name='<b>"坏"单位</b>', code="A-X", kind="other", level="county", parent=tree.county_a
    )
    login(make_user("leadership", tree.root))
    html = client.get("/people/units/pick/", {"unit_name": "坏"}).content.decode()
    assert "<b>" not in html and "&lt;b&gt;&quot;坏&quot;单位&lt;/b&gt;" in html


def test_pick_empty_input_suggests_nothing_without_a_query(client, tree, make_user, login):
    login(make_user("leadership", tree.root))
    client.get("/people/units/pick/", {"unit_name": "x"})
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/people/units/pick/", {"unit_name": "  "}).content.decode()
    assert suggestions(html) == [] and "没有匹配" not in html
    assert not [q for q in ctx.captured_queries if 'FROM "people_unit"' in q["sql"]]


def test_pick_needs_people_view(client, tree, make_user, login):
    login(make_user(None, unit=tree.root))  # signed in, no role
    assert client.get("/people/units/pick/", {"unit_name": "教育局"}).status_code == 403


# --- the filter form ------------------------------------------------------------------------


def test_chosen_unit_id_is_used_and_its_name_shown(tree, make_user):
    viewer = make_user("leadership", tree.root)
    form = filter_form(viewer, {"unit": str(tree.township.pk), "unit_name": "甲镇"})
    assert form.is_valid() and form.cleaned_data["unit"] == tree.township
    html = str(form["unit_name"]) + str(form["unit"])
    assert 'value="甲镇"' in html and f'type="hidden" name="unit" value="{tree.township.pk}"' in html


def test_a_link_with_only_the_unit_id_shows_the_units_name(tree, make_user):
    form = filter_form(make_user("leadership", tree.root), {"unit": str(tree.dept_b1.pk)})
    assert form.is_valid() and form.cleaned_data["unit"] == tree.dept_b1
    assert 'value="乙县教育局"' in str(form["unit_name"])


def test_a_unit_id_outside_the_viewers_scope_is_refused_in_chinese(tree, make_user):
    form = filter_form(make_user("leadership", tree.county_b), {"unit": str(tree.dept_a1.pk)})
    assert not form.is_valid()
    assert form.errors["unit"] == ["所选单位不存在或不在您的查看范围内"]


def test_without_javascript_a_typed_name_naming_one_unit_is_resolved(tree, make_user):
    viewer = make_user("leadership", tree.root)
    form = filter_form(viewer, {"unit_name": "财政"})
    assert form.is_valid() and form.cleaned_data["unit"] == tree.dept_a2
    assert f'value="{tree.dept_a2.pk}"' in str(form["unit"]) and 'value="甲县财政局"' in str(
        form["unit_name"]
    )
    form = filter_form(viewer, {"unit_name": "b-d1"})  # a code, any case
    assert form.is_valid() and form.cleaned_data["unit"] == tree.dept_b1


def test_without_javascript_an_exact_name_wins_over_longer_names(tree, make_user):
    form = filter_form(make_user("leadership", tree.root), {"unit_name": "甲镇"})  # also in 甲镇纪委
    assert form.is_valid() and form.cleaned_data["unit"] == tree.township


def test_without_javascript_an_ambiguous_or_unknown_name_is_explained(tree, make_user):
    viewer = make_user("leadership", tree.root)
    form = filter_form(viewer, {"unit_name": "教育局"})
    assert not form.is_valid()
    assert "有多个单位名称包含“教育局”" in form.errors["unit_name"][0]
    assert "甲县教育局" in form.errors["unit_name"][0]
    unit_create(
        actor=None, name="甲县教育局", code="B-D9", kind="other", level="county", parent=tree.county_b
    )
    form = filter_form(viewer, {"unit_name": "甲县教育局"})
    assert not form.is_valid()
    message = form.errors["unit_name"][0]
    assert "请改为输入单位代码：" in message and "A-D1（甲县）" in message and "B-D9（乙县）" in message
    form = filter_form(viewer, {"unit_name": "不存在的单位"})
    assert form.errors["unit_name"] == ["您的查看范围内没有名称包含“不存在的单位”的单位"]


def test_without_javascript_a_name_outside_the_scope_is_not_resolved(tree, make_user):
    form = filter_form(make_user("leadership", tree.county_b), {"unit_name": "甲县财政局"})
    assert not form.is_valid() and "没有名称包含" in form.errors["unit_name"][0]


def test_edited_text_overrides_a_stale_hidden_id(tree, make_user):
    """Without JavaScript the hidden id of the previous search is sent again with the new text."""
    form = filter_form(
        make_user("leadership", tree.root), {"unit": str(tree.dept_a1.pk), "unit_name": "水利"}
    )
    assert form.is_valid() and form.cleaned_data["unit"] == tree.dept_a3


# --- the list page --------------------------------------------------------------------------


def test_list_page_renders_only_the_chosen_unit(client, tree, make_user, login, make_cadre):
    login(make_user("leadership", tree.root))
    make_cadre(tree.dept_a1, "张三")
    make_cadre(tree.dept_b1, "李四")
    html = client.get("/people/cadres/", {"unit_name": "甲县教育"}).content.decode()
    assert "张三" in html and "李四" not in html
    assert str(tree.dept_b1.pk) not in re.findall(r'<option value="(\d+)"', html)
    assert 'value="甲县教育局"' in html and "乙县教育局" not in html
    assert 'hx-get="/people/units/pick/"' in html and "people/unit_picker.js" in html


def test_list_page_query_count_does_not_grow_with_the_number_of_units(
    client, tree, make_user, login, make_cadre, django_assert_num_queries
):
    login(make_user("leadership", tree.root))
    make_cadre(tree.dept_a1, "张三")
    client.get("/people/cadres/")
    with django_assert_num_queries(12) as ctx:  # the unit filter adds one lookup
        response = client.get("/people/cadres/", {"unit": tree.county_a.pk})
    assert "张三" in response.content.decode()
    for i in range(40):
        unit_create(
            actor=None, name=f"新单位{i}", code=f"A-N{i}", kind="other", level="county", parent=tree.county_a
        )
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get("/people/cadres/", {"unit": tree.county_a.pk})
    assert "新单位" not in response.content.decode()
    assert Unit.objects.filter(code__startswith="A-N").count() == 40
    with django_assert_num_queries(len(ctx.captured_queries)):  # typed name: one lookup too
        client.get("/people/cadres/", {"unit_name": "甲县"})
