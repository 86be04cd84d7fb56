"""The cadre list page answers a pinyin search from the search tokens, which carry copies of the
cadre's name, unit path and status (selectors.cadre_browse). Whatever the path, the page must list
exactly the cadres of selectors.cadre_list, in the same order, and the copies must follow every
write: cadre edits, imports, unit moves and the bulk loader."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.utils import timezone

from qinglian.accounts.services import scope_grant
from qinglian.core.pagination import CappedPaginator
from qinglian.people import bulk
from qinglian.people.cadre_services import cadre_update
from qinglian.people.imports import import_cadres
from qinglian.people.models import Cadre, CadreSearchToken
from qinglian.people.selectors import TokenSearch, cadre_browse, cadre_list
from qinglian.people.services import unit_move
from qinglian.people.tests.test_bulk import generated
from qinglian.people.tests.test_imports import row, xlsx

NAMES = ["张三", "张珊", "章杉", "赵四", "单田芳", "曾志伟", "李四", "张三丰", "周扬", "朱勇"]


@pytest.fixture
def people(tree, make_cadre):
    units = [tree.dept_a1, tree.dept_a2, tree.township, tree.village, tree.dept_b1, tree.county_a]
    out = []
    for i, name in enumerate(NAMES * 2):
        status = "retired" if i % 4 == 3 else "serving"
        out.append(make_cadre(units[i % len(units)], name, status=status))
    return out


def expected(viewer, filters):
    return [c.pk for c in cadre_list(viewer=viewer, filters=filters)]


def browsed(viewer, filters):
    return [c.pk for c in cadre_browse(viewer=viewer, filters=filters)]


SEARCHES = ["z", "zs", "ZS", "zhang", "zhangsan", "s", "shan", "dan", "sd", "zeng", "ceng", "zy", "x", " zs "]


def test_token_search_lists_what_cadre_list_lists_in_the_same_order(tree, make_user, people):
    viewer = make_user("leadership", tree.root)
    for q in SEARCHES:
        for extra in (
            {},
            {"status": "serving"},
            {"unit": tree.county_a},
            {"unit": tree.township, "status": "retired"},
        ):
            filters = {"q": q, **extra}
            assert isinstance(cadre_browse(viewer=viewer, filters=filters), TokenSearch)
            assert browsed(viewer, filters) == expected(viewer, filters), filters
    assert expected(viewer, {"q": "zs"})  # the comparison is not between two empty lists


def test_token_search_respects_subtree_and_single_unit_scopes(tree, make_user, people):
    county_b = make_user("leadership", tree.county_b)
    assert browsed(county_b, {"q": "z"}) == expected(county_b, {"q": "z"})
    assert {Cadre.objects.get(pk=pk).unit for pk in browsed(county_b, {"q": "z"})} == {tree.dept_b1}
    team = make_user("inspection_team", tree.root)
    now = timezone.now()
    scope_grant(actor=None, user=team, role="inspection_team", unit=tree.township, include_subtree=False,
                valid_from=now - timedelta(days=1), valid_until=now + timedelta(days=1), reason="巡察")  # fmt: skip
    team = type(team).objects.get(pk=team.pk)  # a fresh scope cache
    assert browsed(team, {"q": "z"}) == expected(team, {"q": "z"})
    assert {Cadre.objects.get(pk=pk).unit for pk in browsed(team, {"q": "z"})} == {tree.township}
    nobody = make_user(None, unit=tree.root)
    assert browsed(nobody, {"q": "z"}) == [] == expected(nobody, {"q": "z"})


def test_other_filters_and_searches_go_through_cadre_list(tree, make_user, people):
    viewer = make_user("leadership", tree.root)
    for filters in (
        {},
        {"q": "张"},  # Chinese: also matches unit names
        {"q": "0032"},  # ID digits
        {"q": "zs", "post_level": "staff"},
        {"q": "zs", "min_age": 30},
        {"q": "zs", "is_top_leader": True},
    ):
        assert not isinstance(cadre_browse(viewer=viewer, filters=filters), TokenSearch), filters
    blank = {
        "q": "zs",
        "unit": None,
        "unit_name": "",
        "post_level": "",
        "min_age": None,
        "is_top_leader": False,
    }
    assert isinstance(cadre_browse(viewer=viewer, filters=blank), TokenSearch)


def test_token_search_counts_and_pages_like_a_queryset(tree, make_user, people):
    viewer = make_user("leadership", tree.root)
    filters = {"q": "z"}
    want = expected(viewer, filters)
    assert len(want) > 7
    result = cadre_browse(viewer=viewer, filters=filters)
    assert result.count() == len(want)
    pages = Paginator(result, 3)
    assert [c.pk for n in pages.page_range for c in pages.page(n).object_list] == want
    capped = CappedPaginator(cadre_browse(viewer=viewer, filters=filters), 3, cap=5)
    assert capped.count == 5 and capped.capped
    assert [c.pk for c in capped.page(2).object_list] == want[3:5]  # no further than the cap
    with pytest.raises(TypeError):
        result.order_by("name")


def test_the_copies_follow_cadre_edits(tree, make_user, people):
    viewer = make_user("leadership", tree.root)
    cadre = Cadre.objects.filter(name="张三").first()
    data = {f: getattr(cadre, f) for f in ("name", "gender", "birth_date", "post_level", "status", "unit")}
    cadre_update(actor=None, cadre=cadre, data={**data, "unit": tree.dept_b1, "status": "transferred"})
    cadre_update(actor=None, cadre=Cadre.objects.get(name="赵四", unit=tree.dept_a2), data={
        **{f: getattr(cadre, f) for f in ("gender", "birth_date", "post_level", "status")},
        "unit": tree.dept_a2, "name": "钱五"})  # fmt: skip
    for filters in (
        {"q": "zs", "unit": tree.county_b},
        {"q": "zs", "status": "transferred"},
        {"q": "qw"},
        {"q": "zs"},
        {"q": "qian", "unit": tree.county_a},
    ):
        assert browsed(viewer, filters) == expected(viewer, filters), filters
    assert browsed(viewer, {"q": "zs", "status": "transferred"}) == [cadre.pk]
    assert browsed(viewer, {"q": "qw"}) != []
    assert_copies_match()


def test_the_copies_follow_a_unit_move(tree, make_user, people):
    viewer = make_user("leadership", tree.root)
    unit_move(actor=None, unit=tree.township, new_parent=tree.county_b, reason="区划调整")
    for filters in ({"q": "z", "unit": tree.county_b}, {"q": "z", "unit": tree.county_a}, {"q": "z"}):
        assert browsed(viewer, filters) == expected(viewer, filters), filters
    assert any(
        Cadre.objects.get(pk=pk).unit == tree.village
        for pk in browsed(viewer, {"q": "z", "unit": tree.county_b})
    )
    assert_copies_match()


def test_the_copies_follow_an_import(tree, make_user):
    importer = make_user("org_supervision", tree.county_a)
    rows = [row(i, unit_code="A-D1") for i in range(1, 6)]
    import_cadres(actor=importer, data=xlsx(rows))
    assert_copies_match()
    rows[0]["单位代码"] = "A-T1"  # moved
    rows[1].update({"状态": "退休", "状态变更日期": "2026-01-05"})  # retired
    rows[2]["姓名"] = "钱五"  # renamed
    result = import_cadres(actor=importer, data=xlsx(rows))
    assert result.ok and result.updated == 3
    assert_copies_match()
    viewer = make_user("leadership", tree.root)
    for filters in ({"q": "gb", "unit": tree.township}, {"q": "gb", "status": "retired"}, {"q": "qw"}):
        assert browsed(viewer, filters) == expected(viewer, filters) != [], filters


def test_the_generators_rows_carry_consistent_copies(tree, monkeypatch):
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 10)
    gen = generated(tree)
    bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=gen.relatives)
    assert CadreSearchToken.objects.count() == len(gen.tokens)
    assert_copies_match()


def assert_copies_match():
    stale = [
        (t.token, t.name, t.unit_path, t.status, t.cadre.name, t.cadre.unit.path, t.cadre.status)
        for t in CadreSearchToken.objects.select_related("cadre__unit")
        if (t.name, t.unit_path, t.status) != (t.cadre.name, t.cadre.unit.path, t.cadre.status)
    ]
    assert not stale
    assert CadreSearchToken.objects.exists()
