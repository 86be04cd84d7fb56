from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from qinglian.api.services import token_issue, token_revoke
from qinglian.audit.models import AuditEvent


@pytest.fixture
def api_user(tree, make_user):
    user = make_user("org_supervision", tree.county_a)
    user.is_integration = True
    user.save(update_fields=["is_integration"])
    return user


def bearer(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_token_lists_units_in_its_users_scope_only(tree, api_user):
    _, raw = token_issue(actor=None, user=api_user, name="测试")
    response = bearer(raw).get("/api/v1/units/", {"page": 1})
    assert response.status_code == 200
    codes = {u["code"] for u in response.json()["results"]}
    assert "A-D1" in codes and "B-D1" not in codes and "R" not in codes


def test_token_unit_narrows_the_users_scope(tree, api_user):
    _, raw = token_issue(actor=None, user=api_user, name="镇", unit=tree.township)
    codes = {u["code"] for u in bearer(raw).get("/api/v1/units/").json()["results"]}
    assert codes == {"A-T1", "A-T1-JW", "A-T1-V1"}


def test_unit_outside_scope_is_404(tree, api_user):
    _, raw = token_issue(actor=None, user=api_user, name="测试")
    client = bearer(raw)
    assert client.get(f"/api/v1/units/{tree.dept_a1.pk}/").status_code == 200
    response = client.get(f"/api/v1/units/{tree.dept_b1.pk}/")
    assert response.status_code == 404
    assert "权限范围" in response.json()["detail"]


def test_revoked_expired_and_unknown_tokens_are_refused(tree, make_user, api_user):
    admin = make_user("sysadmin", tree.root)
    token, raw = token_issue(actor=admin, user=api_user, name="测试")
    token_revoke(actor=admin, token=token, reason="对方系统下线")
    assert bearer(raw).get("/api/v1/units/").status_code == 401
    old, raw_old = token_issue(actor=None, user=api_user, name="旧")
    type(old).objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert bearer(raw_old).get("/api/v1/units/").status_code == 401
    assert bearer("ql_guess").get("/api/v1/units/").status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoke", reason="对方系统下线").exists()


def test_only_integration_accounts_get_tokens(tree, make_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        token_issue(actor=None, user=make_user("leadership", tree.root), name="x")


def test_anonymous_api_call_is_401_and_bad_filter_is_not_500(tree, api_user):
    assert APIClient().get("/api/v1/units/").status_code in (401, 403)
    _, raw = token_issue(actor=None, user=api_user, name="测试")
    assert bearer(raw).get("/api/v1/units/", {"parent": "abc"}).status_code == 404


def test_token_raw_value_is_not_stored(tree, api_user):
    token, raw = token_issue(actor=None, user=api_user, name="测试")
    token.refresh_from_db()
    assert raw not in (token.key_hash, token.key_prefix) and token.key_prefix == raw[:8]


def test_schema_and_self_hosted_docs(client, tree, make_user, login):
    login(make_user("leadership", tree.root))
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/units/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower() and "https://" not in html


def test_unit_list_query_count_is_fixed(tree, api_user, django_assert_max_num_queries):
    _, raw = token_issue(actor=None, user=api_user, name="测试")
    client = bearer(raw)
    with django_assert_max_num_queries(6):
        client.get("/api/v1/units/")


def test_token_page_shows_raw_token_once_and_outsider_gets_403(client, tree, make_user, login):
    admin = make_user("sysadmin", tree.root)
    integ = make_user(unit=tree.root)
    integ.is_integration = True
    integ.save(update_fields=["is_integration"])
    login(admin)
    response = client.post("/system/api-tokens/", {"name": "审计局接口", "user": integ.pk})
    assert response.status_code == 200
    assert "只显示这一次" in response.content.decode()
    assert "只显示这一次" not in client.get("/system/api-tokens/").content.decode()
    login(make_user("leadership", tree.root))
    assert client.get("/system/api-tokens/").status_code == 403
