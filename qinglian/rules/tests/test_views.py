from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qinglian.rules.models import Rule, RuleParameter
from qinglian.rules.registry import param
from qinglian.rules.services import rule_param_set


@pytest.fixture
def manager(tree, make_user):
    return make_user("org_supervision", tree.county_a)


@pytest.fixture
def viewer(tree, make_user):
    return make_user("discipline_supervision", tree.county_a)


def test_rule_list_shows_citations_current_values_and_the_unsettled_badge(
    manager, viewer, login, django_assert_num_queries
):
    client = login(viewer)
    client.get(reverse("rules:list"))  # warm the session
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("rules:list"))
    # This page's own reads: count, rules, in-force parameters (one prefetch for all rules).
    assert len([q for q in first.captured_queries if '"rules_' in q["sql"]]) == 3
    for code in ("sanction.gov.warning", "sanction.gov.demerit", "handling.organisational"):
        rule = Rule.objects.get(code=code)
        for key in rule.parameters.values_list("key", flat=True).distinct():
            rule_param_set(
                actor=manager, rule=rule, key=key, value=13, effective_from=date(2026, 1, 1), reason="x"
            )
    # The shell's queries (session, roles, navigation badges) belong to other apps; the total
    # must not grow with the history.
    with django_assert_num_queries(len(first)):
        response = client.get(reverse("rules:list"))
    assert response.status_code == 200
    # The list is in code order over every app's rules: search for the ones this test looks at.
    html = "".join(
        client.get(reverse("rules:list"), {"q": q}).content.decode() for q in ("sanction", "handling")
    )
    assert "《中国共产党纪律处分条例》（2023年）第十条" in html
    assert "诫勉影响期" in html and "默认值，依据待核实" in html
    assert response.context["page"].paginator.count == Rule.objects.count()


def test_rule_list_search_filters_by_name(viewer, login):
    response = login(viewer).get(reverse("rules:list"), {"q": "诫勉"})
    assert [r["rule"].code for r in response.context["rows"]] == ["handling.admonishment"]


def test_rule_detail_shows_the_history_with_the_value_in_force(manager, viewer, login):
    rule = Rule.objects.get(code="sanction.gov.warning")
    rule_param_set(
        actor=manager, rule=rule, key="months", value=8, effective_from=date(2026, 1, 1), reason="调整"
    )
    rule_param_set(
        actor=manager, rule=rule, key="months", value=9, effective_from=date(2099, 1, 1), reason="将来"
    )
    response = login(viewer).get(reverse("rules:detail", args=[rule.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "待生效" in html and "现行" in html
    assert 'data-testid="current-months">8<' in html
    assert "调整取值" not in html  # the viewer may not change it


def test_unknown_rule_is_404(viewer, login):
    assert login(viewer).get(reverse("rules:detail", args=["no.such"])).status_code == 404


def test_user_without_rules_view_gets_403(tree, make_user, login):
    officer = make_user("liaison_officer", tree.village)
    assert login(officer).get(reverse("rules:list")).status_code == 403


def test_user_without_rules_manage_gets_403_on_the_change_form(viewer, login):
    url = reverse("rules:param_change", args=["sanction.gov.warning", "months"])
    client = login(viewer)
    assert client.get(url).status_code == 403
    before = RuleParameter.objects.count()
    response = client.post(url, {"value": "8", "effective_from": "2026-01-01", "reason": "越权"})
    assert response.status_code == 403
    assert RuleParameter.objects.count() == before


def test_manager_records_a_new_value_through_the_form(manager, login):
    url = reverse("rules:param_change", args=["sanction.gov.warning", "months"])
    client = login(manager)
    assert client.get(url).status_code == 200
    response = client.post(url, {"value": "8", "effective_from": "2026-02-01", "reason": "县委文件"})
    assert response.status_code == 302
    assert param("sanction.gov.warning", "months", as_of=date(2026, 2, 1)).value == 8
    assert param("sanction.gov.warning", "months", as_of=date(2026, 1, 31)).value == 6


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"value": "八", "effective_from": "2026-02-01", "reason": "x"}, "value", "请填写整数"),
        ({"value": "8", "effective_from": "2026-02-30", "reason": "x"}, "effective_from", "请填写有效的日期"),
        ({"value": "8", "effective_from": "2026-02-01", "reason": ""}, "reason", "请填写调整事由"),
        ({"value": "", "effective_from": "2026-02-01", "reason": "x"}, "value", "请填写新取值"),
    ],
)
def test_bad_input_is_a_400_with_a_chinese_message_and_nothing_changes(manager, login, data, field, message):
    url = reverse("rules:param_change", args=["sanction.gov.warning", "months"])
    before = RuleParameter.objects.count()
    response = login(manager).post(url, data)
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field])
    assert RuleParameter.objects.count() == before


def test_change_form_for_an_unknown_key_is_404(manager, login):
    url = reverse("rules:param_change", args=["sanction.gov.warning", "weeks"])
    assert login(manager).get(url).status_code == 404


def test_there_is_no_way_to_delete_history_over_http(manager, login):
    client = login(manager)
    before = RuleParameter.objects.count()
    for url in (
        reverse("rules:detail", args=["sanction.gov.warning"]),
        reverse("rules:param_change", args=["sanction.gov.warning", "months"]),
    ):
        client.delete(url)
    assert RuleParameter.objects.count() == before
