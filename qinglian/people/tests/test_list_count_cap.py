"""The cadre list counts at most CADRE_LIST_COUNT_CAP matches (bench/people_list.py: the exact
COUNT(*) of 500,000 cadres dominated the page) and says so instead of showing a wrong total."""

from qinglian.people import cadre_views


def test_a_list_longer_than_the_cap_says_more_than_and_offers_only_the_capped_pages(
    client, tree, make_user, login, make_cadre, monkeypatch
):
    monkeypatch.setattr(cadre_views, "CADRE_LIST_COUNT_CAP", 30)
    for i in range(32):
        make_cadre(tree.dept_a1, f"干部{i:02d}")
    login(make_user("leadership", tree.root))
    page = client.get("/people/cadres/").content.decode()
    assert "超过 30 条" in page and "共 32 条" not in page
    assert "第 1 / 2 页" in page
    last = client.get("/people/cadres/", {"page": 2}).content.decode()
    assert "干部29" in last and "干部30" not in last


def test_a_list_within_the_cap_shows_the_exact_total(client, tree, make_user, login, make_cadre, monkeypatch):
    monkeypatch.setattr(cadre_views, "CADRE_LIST_COUNT_CAP", 30)
    for i in range(30):
        make_cadre(tree.dept_a1, f"干部{i:02d}")
    login(make_user("leadership", tree.root))
    page = client.get("/people/cadres/").content.decode()
    assert "共 30 条" in page and "超过" not in page


def test_the_cap_does_not_reveal_cadres_outside_the_viewers_scope(
    client, tree, make_user, login, make_cadre, monkeypatch
):
    monkeypatch.setattr(cadre_views, "CADRE_LIST_COUNT_CAP", 5)
    for i in range(8):
        make_cadre(tree.dept_b1, f"乙县干部{i}")
    make_cadre(tree.dept_a1, "甲县干部")
    login(make_user("leadership", tree.county_a))
    page = client.get("/people/cadres/").content.decode()
    assert "甲县干部" in page and "乙县干部" not in page
    assert "共 1 条" in page and "超过" not in page
