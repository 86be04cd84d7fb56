from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from qinglian.accounts.models import RoleAssignment, User
from qinglian.audit.models import AuditEvent
from qinglian.people.models import Unit


def test_login_page_is_chinese_and_wrong_password_says_so(client, tree, make_user):
    make_user("leadership", tree.root, username="lingdao")
    page = client.get("/accounts/login/").content.decode()
    assert "登录" in page and "所有访问均被记录" in page
    response = client.post("/accounts/login/", {"username": "lingdao", "password": "wrong-password"})
    assert response.status_code == 200
    assert "账号或密码不正确" in response.content.decode()


def test_login_and_logout_are_audited(client, tree, make_user):
    make_user("leadership", tree.root, username="lingdao")
    response = client.post("/accounts/login/", {"username": "lingdao", "password": "pw-test-123456"})
    assert response.status_code == 302
    client.post("/accounts/logout/")
    actions = list(AuditEvent.objects.filter(actor_name="lingdao").values_list("action", flat=True))
    assert "auth.login" in actions and "auth.logout" in actions


def test_navigation_shows_only_permitted_entries(client, tree, make_user, login):
    login(make_user("leadership", tree.root))
    page = client.get("/").content.decode()
    assert "单位" in page and "用户管理" not in page and "敏感角色审批" not in page
    login(make_user("sysadmin", tree.root))
    page = client.get("/").content.decode()
    assert "用户管理" in page and "接口令牌" in page


def test_admin_creates_user_and_grants_roles(client, tree, make_user, login):
    login(make_user("sysadmin", tree.root))
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "zhang.san",
            "display_name": "张三",
            "unit": tree.jw_a.pk,
            "password": "a-long-password-1",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="zhang.san")
    response = client.post(f"/accounts/users/{user.pk}/", {"role": "leadership", "anchor": tree.county_a.pk})
    assert response.status_code == 302
    assert RoleAssignment.objects.get(user=user, role="leadership").status == "active"
    client.post(
        f"/accounts/users/{user.pk}/",
        {"role": "petitions_intake", "anchor": tree.county_a.pk, "reason": "信访室"},
    )
    assert RoleAssignment.objects.get(user=user, role="petitions_intake").status == "pending"
    response = client.post(
        "/accounts/users/new/", {"username": "bad name", "display_name": "", "password": "x"}
    )
    assert "账号只能包含" in response.content.decode()


def test_user_list_search_and_query_count(client, tree, make_user, login, django_assert_max_num_queries):
    login(make_user("sysadmin", tree.root))
    for _ in range(30):
        make_user(unit=tree.dept_a1)
    with django_assert_max_num_queries(12):
        page = client.get("/accounts/users/").content.decode()
    assert "共 " in page
    assert "没有找到" in client.get("/accounts/users/", {"q": "不存在的人"}).content.decode()


def test_security_officer_approves_on_the_page(client, tree, make_user, login):
    admin = make_user("sysadmin", tree.root)
    target = make_user(unit=tree.jw_a)
    from qinglian.accounts.services import role_assign

    a = role_assign(actor=admin, user=target, role="case_management", anchor=tree.county_a, reason="案管室")
    login(make_user("security_officer"))
    assert "案管" in client.get("/accounts/approvals/").content.decode()
    client.post(f"/accounts/approvals/{a.pk}/", {"decision": "reject", "reason": ""})
    assert RoleAssignment.objects.get(pk=a.pk).status == "pending"  # rejection needs a reason
    client.post(f"/accounts/approvals/{a.pk}/", {"decision": "approve"})
    assert RoleAssignment.objects.get(pk=a.pk).status == "active"


def test_bootstrap_creates_root_admin_and_security_officer(db):
    with mock.patch("getpass.getpass", return_value="a-long-password-1"):
        call_command("bootstrap", "--root-name", "某县", "--root-code", "X")
    assert Unit.objects.get(code="X").parent is None
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == {"sysadmin", "security_officer"}
    with pytest.raises(CommandError), mock.patch("getpass.getpass", return_value="a-long-password-1"):
        call_command("bootstrap", "--root-name", "又一县", "--root-code", "Y")
