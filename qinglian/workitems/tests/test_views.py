from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from qinglian.workitems.models import Notification, WorkItem
from qinglian.workitems.services import workitem_create


@pytest.fixture
def people(tree, make_user):
    class P:
        clerk = make_user("inspected_unit_contact", tree.dept_a1, username="clerk")
        officer = make_user("stationed_group", tree.pz1, username="officer")
        outsider = make_user("inspected_unit_contact", tree.dept_b1, username="outsider")

    return P


def create(tree, n=1, **kw):
    today = timezone.localdate()
    items = []
    for i in range(n):
        defaults = dict(
            actor=None,
            subject=tree.dept_a1,
            kind="test.reply",
            title=f"函询回复{i}",
            assignee_unit=tree.dept_a1,
            start=today,
            due_calendar_days=10,
        )
        items.append(workitem_create(**{**defaults, **kw}))
    return items[0] if n == 1 else items


def test_my_todos_list_my_units_items_and_not_others(tree, people, login):
    create(tree, title="本单位事项")
    create(tree, title="乙县事项", assignee_unit=tree.dept_b1)
    response = login(people.clerk).get(reverse("workitems:list"))
    assert response.status_code == 200
    assert "本单位事项" in response.text and "乙县事项" not in response.text


def test_my_todos_list_has_a_fixed_query_count(tree, people, login, django_assert_num_queries):
    client = login(people.clerk)
    create(tree, n=2)
    client.get(reverse("workitems:list"))  # warm up session and scope caches of the test client
    with django_assert_num_queries(11) as few:
        client.get(reverse("workitems:list"))
    create(tree, n=20)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("workitems:list"))
    assert response.status_code == 200 and "共 22 条" in response.text


def test_overdue_filter_and_empty_state(tree, people, login):
    item = create(tree, start=timezone.localdate() - timedelta(days=20), title="早就到期")
    create(tree, title="还没到期")
    client = login(people.clerk)
    response = client.get(reverse("workitems:list"), {"show": "overdue"})
    assert "早就到期" in response.text and "还没到期" not in response.text
    WorkItem.objects.filter(pk=item.pk).update(status="done")
    response = client.get(reverse("workitems:list"), {"show": "overdue"})
    assert "没有逾期的待办" in response.text


def test_a_bad_filter_is_a_400_with_a_chinese_message(tree, people, login):
    response = login(people.clerk).get(reverse("workitems:list"), {"show": "everything"})
    assert response.status_code == 400
    assert "筛选条件无效" in response.text


def test_the_supervising_body_sees_escalated_items_under_its_filter(tree, people, login):
    item = create(tree, title="逾期事项")
    WorkItem.objects.filter(pk=item.pk).update(escalated_at=timezone.now(), due_date=date(2026, 1, 5))
    client = login(people.officer)
    assert "逾期事项" not in client.get(reverse("workitems:list")).text
    assert "逾期事项" in client.get(reverse("workitems:list"), {"show": "escalated"}).text


def test_an_outsider_cannot_open_an_item(tree, people, login):
    item = create(tree)
    url = reverse("workitems:detail", args=[item.pk])
    assert login(people.outsider).get(url).status_code == 404
    assert login(people.outsider).post(reverse("workitems:complete", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert item.status == "open"


def test_assignee_unit_and_escalation_unit_can_open_an_item(tree, people, login):
    item = create(tree, title="可以查看")
    url = reverse("workitems:detail", args=[item.pk])
    response = login(people.clerk).get(url)
    assert response.status_code == 200 and "可以查看" in response.text
    assert 'data-testid="complete-form"' in response.text
    response = login(people.officer).get(url)
    assert response.status_code == 200
    assert 'data-testid="complete-form"' not in response.text and 'data-testid="cancel-form"' in response.text
    assert login(people.clerk).get(reverse("workitems:detail", args=[987654])).status_code == 404


def test_the_assignee_completes_an_item_from_its_page(tree, people, login):
    item = create(tree)
    client = login(people.clerk)
    response = client.post(reverse("workitems:complete", args=[item.pk]), {"note": "已按期回复"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.close_note == "已按期回复" and item.closed_by == people.clerk
    response = client.post(reverse("workitems:complete", args=[item.pk]), {"note": "再办一次"})
    assert response.status_code == 403  # no longer open: nobody may complete it


def test_the_supervising_body_may_not_complete_but_may_cancel_with_a_reason(tree, people, login):
    item = create(tree)
    client = login(people.officer)
    assert client.post(reverse("workitems:complete", args=[item.pk])).status_code == 403
    response = client.post(reverse("workitems:cancel", args=[item.pk]), {"reason": ""})
    assert response.status_code == 400 and "请填写撤销理由" in response.text
    item.refresh_from_db()
    assert item.status == "open"
    assert client.post(reverse("workitems:cancel", args=[item.pk]), {"reason": "交办有误"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "cancelled" and item.close_note == "交办有误"


def test_the_assignee_may_not_cancel(tree, people, login):
    item = create(tree)
    assert (
        login(people.clerk).post(reverse("workitems:cancel", args=[item.pk]), {"reason": "x"}).status_code
        == 403
    )


def test_notifications_are_listed_and_marked_read_by_their_owner_only(tree, people, login):
    create(tree, title="新交办事项")
    mine = Notification.objects.get(user=people.clerk)
    client = login(people.clerk)
    response = client.get(reverse("workitems:notifications"))
    assert "新交办事项" in response.text and "未读 1 条" in response.text
    assert (
        login(people.outsider)
        .post(reverse("workitems:notification_read"), {"notification": mine.pk})
        .status_code
        == 404
    )
    mine.refresh_from_db()
    assert mine.read_at is None
    client = login(people.clerk)
    assert client.post(reverse("workitems:notification_read"), {"notification": mine.pk}).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "暂无通知" in login(people.outsider).get(reverse("workitems:notifications")).text


def test_the_navigation_badge_counts_my_items_due_soon(tree, people, login):
    create(tree, due_calendar_days=2)
    create(tree, due_calendar_days=30)
    response = login(people.clerk).get(reverse("core:home"))
    assert '我的待办 <span class="badge text-bg-danger rounded-pill">1</span>' in response.text
    response = login(people.outsider).get(reverse("core:home"))
    assert "我的待办" in response.text and "我的待办 <span" not in response.text
