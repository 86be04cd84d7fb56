from datetime import date

import pytest
from django.core.exceptions import ValidationError

from qinglian.audit.models import AuditEvent
from qinglian.core.idnumber import DEMO_REGION, make
from qinglian.people.cadre_services import cadre_update
from qinglian.people.models import Cadre, Post
from qinglian.people.selectors import cadre_list


def names(user, **filters):
    return {c.name for c in cadre_list(viewer=user, filters=filters)}


def test_search_by_initials_full_pinyin_and_chinese_prefix(tree, make_user, make_cadre):
    make_cadre(tree.dept_a1, "张三")
    make_cadre(tree.dept_a1, "赵四")
    make_cadre(tree.dept_a1, "李明")
    viewer = make_user("leadership", tree.root)
    assert names(viewer, q="zs") == {"张三", "赵四"}
    assert names(viewer, q="lm") == {"李明"}
    assert names(viewer, q="ZhangS") == {"张三"}
    assert names(viewer, q="张") == {"张三"}
    assert names(viewer, q="z") == {"张三", "赵四"}
    assert names(viewer, q="zh") == {"张三", "赵四"}
    assert names(viewer, q="zhao") == {"赵四"}


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("单雄信", ["sxx", "shanxiongxin", "dxx"]),
        ("曾国藩", ["zgf", "zengguofan"]),
        ("解晓东", ["xxd", "xiexiaodong"]),
        ("仇英", ["qy", "qiuying"]),
    ],
)
def test_polyphonic_surnames_are_found_by_their_surname_reading(tree, make_user, make_cadre, name, queries):
    make_cadre(tree.dept_a1, name)
    viewer = make_user("leadership", tree.root)
    for q in queries:
        assert names(viewer, q=q) == {name}, q


def test_search_by_last_four_to_six_id_digits(tree, make_user, make_cadre):
    cadre = make_cadre(tree.dept_a1, "王五")
    make_cadre(tree.dept_a1, "钱六")
    viewer = make_user("leadership", tree.root)
    for n in (4, 5, 6):
        assert names(viewer, q=cadre.test_id_number[-n:]) == {"王五"}
    assert names(viewer, q="000000") == set()


def test_search_by_unit_name(tree, make_user, make_cadre):
    make_cadre(tree.dept_a1, "张三")
    make_cadre(tree.dept_a2, "李四")
    assert names(make_user("leadership", tree.root), q="财政") == {"李四"}


def test_filters_age_level_flags(tree, make_user, make_cadre):
    make_cadre(tree.dept_a1, "年轻人", born=date(2000, 1, 1))
    make_cadre(tree.dept_a1, "老同志", born=date(1966, 1, 1), post_level="division", is_top_leader=True)
    viewer = make_user("leadership", tree.root)
    assert names(viewer, max_age=35) == {"年轻人"}
    assert names(viewer, min_age=50) == {"老同志"}
    assert names(viewer, post_level="division") == {"老同志"}
    assert names(viewer, is_top_leader=True) == {"老同志"}


def test_list_is_scoped(tree, make_user, make_cadre):
    make_cadre(tree.dept_a1, "甲县人")
    make_cadre(tree.dept_b1, "乙县人")
    make_cadre(tree.village, "村干部")
    assert names(make_user("township_committee", tree.township)) == {"村干部"}
    assert names(make_user("stationed_group", tree.pz1)) == {"甲县人"}
    assert names(make_user("org_supervision", tree.county_b)) == {"乙县人"}


def test_id_number_is_encrypted_hashed_and_masked(tree, make_cadre):
    cadre = make_cadre(tree.dept_a1)
    row = Cadre.objects.filter(pk=cadre.pk).values().get()
    flat = " ".join(str(v) for v in row.values())
    assert cadre.test_id_number not in flat
    assert row["id_masked"] == cadre.test_id_number[:6] + "********" + cadre.test_id_number[-4:]


def test_duplicate_id_number_is_refused(tree, make_cadre):
    from qinglian.core.idnumber import parse
    from qinglian.people.cadre_services import cadre_create

    cadre = make_cadre(tree.dept_a1)
    with pytest.raises(ValidationError) as exc:
        cadre_create(
            actor=None,
            data={
                "name": "冒名",
                "id_number": parse(cadre.test_id_number),
                "unit": tree.dept_a2,
                "post_level": "staff",
                "gender": "male",
                "birth_date": date(1980, 5, 17),
            },
        )
    assert "已在干部库中" in str(exc.value)


def test_change_of_post_closes_the_old_row(tree, make_cadre):
    cadre = make_cadre(tree.dept_a1, post_title="科员", post_start_date=date(2020, 1, 1))
    data = {"unit": tree.dept_a2, "post_title": "副局长", "post_level": "deputy_section", "name": cadre.name}
    cadre_update(actor=None, cadre=cadre, data=data, change_date=date(2026, 3, 1), reason="任职")
    posts = list(Post.objects.filter(cadre=cadre).order_by("start_date"))
    assert len(posts) == 2 and posts[0].end_date == date(2026, 3, 1) and posts[1].end_date is None
    assert posts[1].unit == tree.dept_a2 and posts[1].title == "副局长"
    with pytest.raises(ValidationError):
        cadre_update(
            actor=None, cadre=cadre, data={**data, "post_title": "局长"}, change_date=date(2025, 1, 1)
        )


def test_dual_role_only_for_village_cadres(tree, make_cadre):
    with pytest.raises(ValidationError):
        make_cadre(tree.dept_a1, is_dual_role=True)
    assert make_cadre(tree.village, "村书记", is_dual_role=True).is_dual_role


# --- pages -------------------------------------------------------------------------------------


def test_form_gives_precise_chinese_id_errors_and_flags_birth_date(client, tree, make_user, login):
    login(make_user("org_supervision", tree.county_a))
    base = {"name": "孙七", "unit": tree.dept_a1.pk, "post_level": "staff", "party_member": "on"}
    bad = make(DEMO_REGION, date(1985, 3, 3), 11)
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    response = client.post("/people/cadres/new/", {**base, "id_number": bad})
    assert "校验位不正确" in response.content.decode()
    response = client.post("/people/cadres/new/", {**base, "id_number": "12345"})
    assert "应为18位" in response.content.decode()
    good = make(DEMO_REGION, date(1985, 3, 3), 11)
    response = client.post("/people/cadres/new/", {**base, "id_number": good, "birth_date": "1985-03-04"})
    assert response.status_code == 302
    cadre = Cadre.objects.get(name="孙七")
    assert "待核实" in cadre.review_note and cadre.birth_date == date(1985, 3, 4)


def test_opening_a_profile_is_audited_and_outsider_gets_404(client, tree, make_user, login, make_cadre):
    cadre = make_cadre(tree.dept_a1)
    viewer = make_user("discipline_supervision", tree.county_a)
    login(viewer)
    assert client.get(f"/people/cadres/{cadre.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="cadre.view", person_id=cadre.pk, actor=viewer).exists()
    login(make_user("discipline_supervision", tree.county_b))
    assert client.get(f"/people/cadres/{cadre.pk}/").status_code == 404


def test_relatives_visible_only_to_permitted_roles(client, tree, make_user, login, make_cadre):
    from qinglian.people.cadre_services import relative_save

    cadre = make_cadre(tree.dept_a1)
    relative_save(
        actor=None, cadre=cadre, data={"relation": "spouse", "name": "配偶甲", "source": "declared"}
    )
    login(make_user("org_supervision", tree.county_a))
    assert "配偶甲" in client.get(f"/people/cadres/{cadre.pk}/").content.decode()
    login(make_user("leadership", tree.county_a))
    page = client.get(f"/people/cadres/{cadre.pk}/").content.decode()
    assert "配偶甲" not in page and "家庭成员" not in page


def test_reveal_needs_reason_role_and_is_audited(client, tree, make_user, login, make_cadre):
    cadre = make_cadre(tree.dept_a1)
    url = f"/people/cadres/{cadre.pk}/reveal-id/"
    login(make_user("leadership", tree.county_a))
    assert client.post(url, {"reason": "核对"}).status_code == 403
    user = make_user("org_supervision", tree.county_a)
    login(user)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "必须填写事由" in response.content.decode()
    response = client.post(url, {"reason": "核对档案"})
    assert cadre.test_id_number in response.content.decode()
    event = AuditEvent.objects.get(action="idnumber.reveal", actor=user)
    assert event.reason == "核对档案" and event.person_id == cadre.pk


def test_cadre_list_query_count_does_not_grow(
    client, tree, make_user, login, make_cadre, django_assert_num_queries
):
    login(make_user("leadership", tree.root))
    for i in range(3):
        make_cadre(tree.dept_a1, f"人员{i}")
    client.get("/people/cadres/")
    # A pinyin search pages from the search tokens: count, the page's ids, the page's cadres.
    with django_assert_num_queries(12) as ctx:
        client.get("/people/cadres/", {"q": "r"})
    n = len(ctx.captured_queries)
    for i in range(30):
        make_cadre(tree.dept_a2, f"干部{i}")
    with django_assert_num_queries(n):
        client.get("/people/cadres/", {"q": "g"})


def test_bad_filter_values_do_not_crash(client, tree, make_user, login):
    login(make_user("leadership", tree.root))
    response = client.get(
        "/people/cadres/", {"min_age": "abc", "max_age": "10", "unit": "999999", "page": "z"}
    )
    assert response.status_code == 200 and "年龄应为整数" in response.content.decode()
